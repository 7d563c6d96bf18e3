import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';

const ROOT = path.join(__dirname, '..');
const SECTION = '## Use the constructs in your own stack';

/** The first ```ts block of the README's section for importers. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(SECTION));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (readme.indexOf(SECTION) < 0 || !match) throw new Error(`README has no ts block under "${SECTION}"`);
  return match[1];
}

describe('README "Use the constructs in your own stack"', () => {
  const source = readmeExample();
  const file = path.join(ROOT, 'test', '__readme-example__.ts');

  test('uses OktaS3Storage and OktaFederation.fromIssuer', () => {
    expect(source).toMatch(/new OktaS3Storage\(/);
    expect(source).toMatch(/OktaFederation\.fromIssuer\(/);
  });

  test('type-checks against the library with the project compiler options', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    const host = ts.createCompilerHost(config.options);
    const readFile = host.readFile;
    host.readFile = (name) => (path.resolve(name) === file ? source : readFile(name));
    host.fileExists = (
      (exists) => (name: string) =>
        path.resolve(name) === file || exists(name)
    )(host.fileExists);
    const program = ts.createProgram([file], { ...config.options, noEmit: true }, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(problems).toEqual([]);
  });

  test('builds a stack with the whole store when run', () => {
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const exported: Record<string, any> = {};
    // The example's own imports, with the package name pointing at this checkout's library.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (name: string) => (name === 'okta-s3-storage' ? require('../lib') : require(name));
    new Function('require', 'exports', js)(load, exported);
    const stack = Stack.of(exported.dataBucket);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.resourceCountIs('AWS::Cognito::IdentityPool', 1);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  });
});
