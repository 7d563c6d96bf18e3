import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { matches, objectCreatedEvent } from '../emulator/model/eventbridge-pattern';
import { memoizedForSources } from './support/source-memo';

const ROOT = path.join(__dirname, '..');
const SECTION = '## Use the constructs in your own stack';

/** The first ```ts block of a README section. */
function firstTsBlock(heading: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (readme.indexOf(heading) < 0 || !match) throw new Error(`README has no ts block under "${heading}"`);
  return match[1];
}

/**
 * The example for importers, then the one of "React to uploads", which continues it: imports may
 * follow statements in a module, so the two compile and run as one file.
 */
const readmeExample = () => `${firstTsBlock(SECTION)}\n${firstTsBlock('### React to uploads')}`;

describe('README "Use the constructs in your own stack"', () => {
  const source = readmeExample();

  test('uses OktaS3Storage and OktaFederation.fromIssuer', () => {
    expect(source).toMatch(/new OktaS3Storage\(/);
    expect(source).toMatch(/OktaFederation\.fromIssuer\(/);
  });

  test('type-checks against the library with the project compiler options', () => {
    // Kept between runs, by the example, the project's tsconfig and the sources (the library, the
    // installed compiler): checking it loads the whole library, about 6 s of CPU.
    const tsconfig = fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8');
    const r = memoizedForSources('readme-type-check', [source, tsconfig], () => typeCheck(source));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  /**
   * TypeScript 7, the native compiler that `npm test` type-checks with, on a tsconfig that extends
   * the project's and names only the example.
   */
  function typeCheck(example: string): { output: string; status: number | null } {
    const dir = fs.mkdtempSync(path.join(ROOT, 'test', '.readme-example-'));
    try {
      fs.writeFileSync(path.join(dir, 'example.ts'), example);
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../tsconfig.json',
          compilerOptions: { noEmit: true },
          files: ['example.ts'],
        }),
      );
      const tsc = path.join(ROOT, 'node_modules', 'typescript-native', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
      return { output: r.stdout + r.stderr, status: r.status };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

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
    // "React to uploads": one rule, to the queue, for uploads under users/ and teams/ alone.
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const [queue] = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(rules[0].Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } }),
    ]);
    const bucket = stack.resolve(exported.dataBucket.bucketName);
    const pattern = JSON.parse(
      JSON.stringify(rules[0].Properties.EventPattern).replace(JSON.stringify(bucket), '"data"'),
    );
    expect(matches(pattern, objectCreatedEvent('data', 'users/00u1/a.pdf'))).toBe(true);
    expect(matches(pattern, objectCreatedEvent('data', 'teams/finance/a.pdf'))).toBe(true);
    expect(matches(pattern, objectCreatedEvent('data', 'other/a.pdf'))).toBe(false);
  });
});
