import { defineConfig } from 'vitest/config';

/**
 * Test files that `npm run test:quick`, the edit loop, leaves to `npm test`: the browser, the
 * package build and install, local servers, `*.e2e.test.ts` (a command run as a process),
 * `*.server.test.ts` (code against a local S3 server, s3rver, often with MiBs of data),
 * `*.property.test.ts` (thousands of generated requests), and the two rule packs that run engines
 * of their own (cfn-guard; CDK's CloudFormation validation starts a WebAssembly engine, 9 s of CPU).
 * Both judge templates that rarely change in an edit.
 */
const OUTSIDE_QUICK = [
  'test/**/*.e2e.test.ts',
  'test/**/*.server.test.ts',
  'test/**/*.property.test.ts',
  'test/browser/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/docs/**/*.test.ts',
  'test/readme.test.ts',
  'test/journeys/**/*.test.ts',
  'test/local/**/*.test.ts',
  'test/guard.test.ts',
  'test/cloudformation-validate.test.ts',
  'test/scripts/local.test.ts',
];

/**
 * `npm test` runs both projects, `npm run test:quick` the quick one. Every test file of a worker
 * shares one module graph (`isolate: false`): aws-cdk-lib, the SDK and the emulator load once per
 * worker, not once per file. test/support/vitest-setup.ts fails a file that leaves the process
 * changed (an environment variable, a replaced global) for the files after it.
 */
export default defineConfig({
  test: {
    globals: true,
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/vitest-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Transformed modules kept between runs, by each file's hash (vitest's own cache).
    experimental: {
      fsModuleCache: true,
      fsModuleCachePath: 'node_modules/.cache/okta-s3-storage/vitest-modules',
    },
    isolate: false,
    // Every core: npm test's static checks share them (measured in `npm run bench -- suiteLayers`).
    maxWorkers: '100%',
    projects: [
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: OUTSIDE_QUICK } },
      { extends: true, test: { name: 'slow', include: OUTSIDE_QUICK } },
    ],
  },
});
