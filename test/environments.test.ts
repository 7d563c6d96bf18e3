import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { configure } from '../app/config/load';
import { OktaS3StorageStack } from '../app/okta-s3-storage-stack';
import { testConfig } from './support/config';
import { testApp } from './support/synth';
import { templateJson } from './support/template-cache';

describe('two environments synthesized side by side', () => {
  const app = testApp();
  const stacks = Object.fromEntries(
    ['dev', 'prod'].map((name) => {
      const [environment] = configure(testConfig(), (key) => (key === 'env' ? name : undefined)).environments;
      const stack = new OktaS3StorageStack(app, environment.stackName, {
        env: { account: environment.account, region: environment.region },
        settings: environment,
      });
      return [name, stack];
    }),
  );
  const assembly = app.synth();
  const template = (name: string) => Template.fromStack(stacks[name]).toJSON();
  const ofType = (name: string, type: string) =>
    Object.values(template(name).Resources).filter((r: any) => r.Type === type) as any[];

  test('each gets its own stack name, account and region', () => {
    expect(assembly.stacks.map((s) => [s.stackName, s.environment.account, s.environment.region])).toEqual([
      ['TestStore-dev', '123456789012', 'eu-west-1'],
      ['TestStore-prod', '210987654321', 'us-east-1'],
    ]);
  });

  test('each has its own origins', () => {
    const origins = (name: string) =>
      ofType(name, 'AWS::S3::Bucket').flatMap(
        (b) => b.Properties.CorsConfiguration?.CorsRules[0].AllowedOrigins ?? [],
      );
    expect(origins('dev')).toEqual(['https://files.test.example', 'http://localhost:5173']);
    expect(origins('prod')).toEqual(['https://files.prod.example']);
  });

  test('each has its own retention and encryption', () => {
    const noncurrentDays = (name: string) =>
      ofType(name, 'AWS::S3::Bucket').flatMap((b) =>
        b.Properties.LifecycleConfiguration.Rules.filter((r: any) => r.NoncurrentVersionExpiration).map(
          (r: any) => r.NoncurrentVersionExpiration.NoncurrentDays,
        ),
      );
    expect(noncurrentDays('dev')).toEqual([30]);
    expect(noncurrentDays('prod')).toEqual([90]);
    expect(ofType('dev', 'AWS::KMS::Key')).toHaveLength(0);
    expect(ofType('prod', 'AWS::KMS::Key')).toHaveLength(1);
  });

  test('each has its own hosted domain and only prod has the Workflows connector', () => {
    expect(ofType('dev', 'AWS::Cognito::UserPoolDomain')[0].Properties.Domain).toBe('test-files-dev');
    expect(ofType('prod', 'AWS::Cognito::UserPoolDomain')[0].Properties.Domain).toBe('test-files-prod');
    expect(Object.keys(template('dev').Outputs)).not.toContain('WorkflowsConnectorRoleArn');
    expect(Object.keys(template('prod').Outputs)).toContain('WorkflowsConnectorRoleArn');
  });

  test('every stack output the shell snippets of the README and docs/ read exists', () => {
    const root = path.join(__dirname, '..');
    const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).map((f) => path.join('docs', f))];
    const text = pages.map((page) => fs.readFileSync(path.join(root, page), 'utf8')).join('\n');
    const read = [...text.matchAll(/\$\(out (\w+)\)/g)].map((m) => m[1]);
    expect(read).toEqual(expect.arrayContaining(['BucketName', 'AccessLogBucketName', 'UserPoolId']));
    for (const env of ['dev', 'prod']) {
      expect(Object.keys(template(env).Outputs)).toEqual(expect.arrayContaining(read));
    }
  });
});

describe('monitoring in the app', () => {
  const types = (template: { Resources: Record<string, { Type: string }> }) =>
    Object.values(template.Resources).map((r) => r.Type);
  const MONITORING_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic'];

  test('is on by default: alarms, a dashboard and a topic', () => {
    const present = types(templateJson(testConfig(), { env: 'dev' }));
    for (const type of MONITORING_TYPES) expect(present).toContain(type);
  });

  test('monitoring.enabled false leaves no alarm, dashboard, topic or metric filter', () => {
    const raw = testConfig();
    const dev = raw.environments.dev;
    const config = {
      ...raw,
      environments: {
        ...raw.environments,
        dev: { ...dev, monitoring: { ...dev.monitoring, enabled: false } },
      },
    };
    const present = types(templateJson(config, { env: 'dev' }));
    for (const type of [...MONITORING_TYPES, 'AWS::Logs::MetricFilter']) expect(present).not.toContain(type);
    expect(present).toContain('AWS::Lambda::Function');
  });
});
