import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { configure } from '../app/config/load';
import { OktaS3StorageStack } from '../app/okta-s3-storage-stack';
import { config as exampleConfig } from '../okta-config.example';
import { controlTowerTestConfig, testConfig } from './support/config';
import { memoizedForSources } from './support/source-memo';
import { projectContext } from './support/synth';

/**
 * aws-cdk-lib's built-in CloudFormation validation (the "CloudFormation Validate" plugin that
 * `cdk synth` runs). The test run turns it off for every other App (test/support/global-setup.ts):
 * it costs 2 s of CPU per process. Here it runs on every environment of both configurations, with
 * cdk.json's flags, under which an error fails synth and a warning is reported.
 */
function violationsOf(build: (app: App) => void): string[] {
  const setting = process.env.CDK_VALIDATION;
  delete process.env.CDK_VALIDATION;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-validate-'));
  try {
    const app = new App({ context: projectContext(), outdir });
    build(app);
    try {
      app.synth();
    } catch (e) {
      if (!/ValidationFailed/.test(String(e))) throw e;
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations: { ruleName: string; severity: string; description: string }[] }[];
    };
    return report.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${v.ruleName} ${v.severity}: ${v.description}`),
    );
  } finally {
    process.env.CDK_VALIDATION = setting;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const CONFIGURATIONS = {
  'test config': testConfig(),
  'okta-config.example': exampleConfig,
  'the Control Tower profile': controlTowerTestConfig(),
};

// A configuration's violations are kept between runs, by the configuration and the sources its
// templates are made from (lib, app, lambda, cdk.json, the installed versions): synthesizing every
// environment with the engine on costs about 15 s of CPU. The control below runs every time.
test.each(Object.entries(CONFIGURATIONS))('%s: every environment passes with no finding', (name, raw) => {
  const violations = memoizedForSources('cloudformation-validate', [name, raw], () =>
    violationsOf((app) => {
      for (const environment of configure(raw, (key) => (key === 'env' ? 'all' : undefined)).environments) {
        new OktaS3StorageStack(app, environment.stackName, {
          env: { account: environment.account, region: environment.region },
          settings: environment,
        });
      }
    }),
  );
  expect(violations).toEqual([]);
});

test('the validation runs here: a misspelt property fails synth, a bad value is reported', () => {
  const violations = violationsOf((app) => {
    new CfnResource(new Stack(app, 'Broken'), 'Bucket', {
      type: 'AWS::S3::Bucket',
      properties: { BucketNam: 'x', VersioningConfiguration: { Status: 'Maybe' } },
    });
  });
  expect(violations).toEqual([
    expect.stringMatching(/^F3002 error: BucketNam: Additional properties are not allowed/),
    expect.stringMatching(/^W3030 warning: VersioningConfiguration\.Status: 'Maybe' is not one of/),
  ]);
});
