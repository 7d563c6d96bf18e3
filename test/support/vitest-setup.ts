import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/**
 * Run before every test file (vitest.config.mts's setupFiles). The files of a worker share one
 * process and one module graph, so what a file changes and leaves behind, the next file sees.
 */

// Code that requires a TypeScript file at run time (app/config/load.ts reads okta-config.ts; tests
// require the example configuration) goes through Node's own require, not vitest's transform: give
// it the hook the app runs with (cdk.json's ts-node, transpile only, with swc).
if (!require.extensions['.ts']) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('ts-node').register({
    transpileOnly: true,
    swc: true,
    project: `${__dirname}/../../tsconfig.json`,
  });
}

// No test reads the tree.json that every synthesis writes beside the templates: a sixth of a
// synthesis's CPU. aws-cdk-lib calls this hook with every new App (its own test helpers use it too);
// `cdk synth` and the package build still write the tree.
(globalThis as Record<symbol, unknown>)[Symbol.for('@aws-cdk/core.App#initHook')] = (app: object) => {
  (app as { _treeMetadata: boolean })._treeMetadata = false;
};

const environment = { ...process.env };
const encodeURIComponentAtStart = globalThis.encodeURIComponent;

afterAll(() => {
  // What aws-cdk-lib/testhelpers/jest-autoclean did for jest: remove the cloud assemblies this
  // file's Apps wrote to the temporary folder (CDK_NO_CLEAN_TESTS=1 keeps them).
  if (!process.env.CDK_NO_CLEAN_TESTS) CloudAssembly.cleanupTemporaryDirectories();

  // A leak fails the file that leaked, not a later file by chance.
  const changed = [...new Set([...Object.keys(environment), ...Object.keys(process.env)])].filter(
    (name) => environment[name] !== process.env[name],
  );
  const leaks = [
    ...(changed.length ? [`environment variables ${changed.join(', ')}`] : []),
    ...(globalThis.encodeURIComponent !== encodeURIComponentAtStart ? ['globalThis.encodeURIComponent'] : []),
  ];
  if (leaks.length)
    throw new Error(`This test file left ${leaks.join(' and ')} changed: restore them in afterAll.`);
});
