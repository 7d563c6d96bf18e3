import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComplianceProfile, OktaFederation, OktaS3Storage, PrivateNetwork } from '../../lib';
import { TEST_CLIENT_IDS, TEST_ISSUER, STORE_ENV, STORE_USER_POOL } from '../support/config';
import { allOf } from '../support/resources';

/* Offboarding under the Control Tower profile: its functions in the VPC, with endpoints for what they call. */

// The template, not the code: no bundling.
const stack = new Stack(new App({ context: { [cxapi.BUNDLING_STACKS]: [] } }), 'RegulatedOffboarding', {
  env: STORE_ENV,
});
const federation = new OktaFederation(stack, 'Okta', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
new OktaS3Storage(stack, 'Store', {
  federation,
  allowedOrigins: ['https://files.example.com'],
  userPool: STORE_USER_POOL,
  compliance: ComplianceProfile.CONTROL_TOWER,
  bucket: { accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Central', 'central-logs-444455556666') },
  offboarding: {},
});
const template = Template.fromStack(stack);
const offboardingFunctions = allOf(template, 'AWS::Lambda::Function').filter((f) =>
  String(f.Properties.Handler).match(/^index\.(hook|mover|reconciler)$/),
);

test('every offboarding function runs traced in the VPC, logging to a group under the logs key', () => {
  expect(offboardingFunctions).toHaveLength(3);
  const groups = Object.fromEntries(
    Object.entries(template.findResources('AWS::Logs::LogGroup')).map(([id, g]) => [id, g.Properties]),
  );
  for (const fn of offboardingFunctions) {
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    const group = groups[fn.Properties.LoggingConfig.LogGroup.Ref];
    expect(group.KmsKeyId).toBeDefined();
    expect(group.RetentionInDays).toBeGreaterThanOrEqual(365);
  }
});

test('the endpoints are S3 and STS (presign) plus SQS and Secrets Manager (offboarding), each open only to its functions', () => {
  const services = allOf(template, 'AWS::EC2::VPCEndpoint').map((e) =>
    JSON.stringify(e.Properties.ServiceName)
      .match(/com\.amazonaws\.[^.]+\.(\w+)|\.(s3|sts)"/)
      ?.slice(1)
      .find(Boolean),
  );
  expect(services.sort()).toEqual(
    [
      ...new Set([
        ...PrivateNetwork.PRESIGN_FUNCTION_SERVICES,
        ...PrivateNetwork.OFFBOARDING_FUNCTION_SERVICES,
      ]),
    ].sort(),
  );
  const ingress = allOf(template, 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties);
  const fnGroups = offboardingFunctions.map((f) =>
    JSON.stringify(f.Properties.VpcConfig.SecurityGroupIds[0]),
  );
  // Two endpoints × three functions, plus the presign function's STS rule.
  expect(ingress).toHaveLength(7);
  for (const group of fnGroups)
    expect(ingress.filter((i) => JSON.stringify(i.SourceSecurityGroupId) === group)).toHaveLength(2);
  for (const rule of ingress) expect([rule.FromPort, rule.ToPort]).toEqual([443, 443]);
});

test('the offboarding endpoints are exactly the AWS services the offboarding code has clients for', () => {
  const dir = path.join(__dirname, '..', '..', 'lambda', 'offboarding');
  const clients = new Set(
    fs
      .readdirSync(dir)
      .flatMap((file) => [
        ...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/'@aws-sdk\/client-([a-z0-9-]+)'/g),
      ])
      // The package is client-secrets-manager; the endpoint service is secretsmanager.
      .map((match) => match[1].replace(/-/g, '')),
  );
  expect([...clients].sort()).toEqual([...PrivateNetwork.OFFBOARDING_FUNCTION_SERVICES].sort());
});
