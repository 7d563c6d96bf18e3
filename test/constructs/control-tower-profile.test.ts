import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import {
  ComplianceProfile,
  OktaFederation,
  OktaS3Storage,
  OktaS3StorageProps,
  PrivateNetwork,
} from '../../lib';
import { TEST_CLIENT_IDS, TEST_ISSUER, STORE_ENV, STORE_USER_POOL } from '../support/config';
import { allOf, only } from '../support/resources';

/*
 * The Control Tower profile in a bare stack: what each proactive control asks of the resources it
 * judges (https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html).
 * test/guard.test.ts runs the controls themselves on the app's template under this profile.
 */

const CENTRAL_LOGS = 'org-log-archive-s3-access-444455556666';

function storeIn(stack: Stack, extra: Partial<OktaS3StorageProps> = {}): OktaS3Storage {
  const federation = new OktaFederation(stack, 'Okta', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
  return new OktaS3Storage(stack, 'Store', {
    federation,
    allowedOrigins: ['https://files.example.com'],
    userPool: STORE_USER_POOL,
    compliance: ComplianceProfile.CONTROL_TOWER,
    bucket: {
      accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Central', CENTRAL_LOGS),
      encryption: s3.BucketEncryption.KMS,
    },
    ...extra,
  });
}

describe('OktaS3Storage under the Control Tower profile', () => {
  let template: Template;
  let store: OktaS3Storage;
  beforeAll(() => {
    const stack = new Stack(new App(), 'Regulated', { env: STORE_ENV });
    store = storeIn(stack);
    template = Template.fromStack(stack);
  });

  test('the data bucket has Object Lock on, with no default retention, and logs to the central bucket', () => {
    // Only the data bucket: the stack makes no log bucket of its own.
    const [bucket] = allOf(template, 'AWS::S3::Bucket');
    expect(allOf(template, 'AWS::S3::Bucket')).toHaveLength(1);
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: CENTRAL_LOGS,
      LogFilePrefix: 'data-bucket/',
    });
  });

  test('every log group is encrypted with the logs key and kept a year', () => {
    const keyId = only(template, 'AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('CloudWatch Logs'),
    }).id;
    const groups = allOf(template, 'AWS::Logs::LogGroup');
    // The API's access and execution logs, the function's logs and the VPC's flow logs.
    expect(groups).toHaveLength(4);
    for (const group of groups) {
      expect([group.id, group.Properties.KmsKeyId]).toEqual([group.id, { 'Fn::GetAtt': [keyId, 'Arn'] }]);
      expect(group.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
    }
  });

  test('the logs key lets CloudWatch Logs use it only for this account’s log groups, and refuses other grants', () => {
    const key = only(template, 'AWS::KMS::Key', { Description: Match.stringLikeRegexp('CloudWatch Logs') });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = key.Properties.KeyPolicy.Statement;
    const logs = statements.find((s: { Sid?: string }) => s.Sid === 'CloudWatchLogsForThisAccountsLogGroups');
    // logs.<region>.<URL suffix>: amazonaws.com, or amazonaws.com.cn in China.
    expect(logs.Principal).toEqual({
      Service: { 'Fn::Join': ['', ['logs.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
    });
    expect(logs.Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:*']],
        },
      },
    });
    expect(statements.map((s: { Sid?: string }) => s.Sid)).toContain('DenyGrantsExceptForAwsServices');
  });

  test('the stage logs execution at ERROR, without data tracing, to the group API Gateway writes to, made first', () => {
    const stage = only(template, 'AWS::ApiGateway::Stage');
    expect(stage.Properties.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
      }),
    ]);
    expect(stage.Properties.TracingEnabled).toBe(true);
    const executionLogs = only(template, 'AWS::Logs::LogGroup', {
      LogGroupName: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
    expect(executionLogs.Properties.LogGroupName).toEqual({
      'Fn::Join': [
        '',
        ['API-Gateway-Execution-Logs_', { Ref: only(template, 'AWS::ApiGateway::RestApi').id }, '/v1'],
      ],
    });
    expect(stage.DependsOn).toContain(executionLogs.id);
  });

  test('the function runs traced in isolated subnets, reaching only STS, S3 and DynamoDB through endpoints', () => {
    const fn = only(template, 'AWS::Lambda::Function');
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const endpoints = allOf(template, 'AWS::EC2::VPCEndpoint').map((e) => e.Properties);
    const services = endpoints.map((e) =>
      JSON.stringify(e.ServiceName)
        .match(/com\.amazonaws\.[^.]+\.(\w+)|\.(s3|sts)"/)
        ?.slice(1)
        .find(Boolean),
    );
    expect(services.sort()).toEqual([...PrivateNetwork.PRESIGN_FUNCTION_SERVICES].sort());
    expect(endpoints.map((e) => e.VpcEndpointType ?? 'Gateway').sort()).toEqual([
      'Gateway',
      'Gateway',
      'Interface',
    ]);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  test('the zones are chosen by CloudFormation, whatever the zone lookup at synth answers', () => {
    const zones = allOf(template, 'AWS::EC2::Subnet').map((subnet) => subnet.Properties.AvailabilityZone);
    expect(zones).toEqual([0, 1].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })));
    // CDK's Vpc still checks given zones against the stack's, which for a stack with an account and
    // region is a context lookup (answered once with credentials, then kept in cdk.context.json);
    // offline it answers placeholders, which this template never uses.
    expect(
      App.of(store)!
        .synth()
        .manifest.missing?.map((m) => m.provider),
    ).toEqual(['availability-zones']);
  });

  test('the endpoints are exactly the AWS services the presign function’s code has clients for', () => {
    const dir = path.join(__dirname, '..', '..', 'lambda', 'presign');
    // Every source of the function, its folders' (sharing/) included.
    const clients = new Set(
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((file) => file.endsWith('.ts'))
        .flatMap((file) => [
          ...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/'@aws-sdk\/client-([a-z0-9-]+)'/g),
        ])
        .map((match) => match[1]),
    );
    expect([...clients].sort()).toEqual([...PrivateNetwork.PRESIGN_FUNCTION_SERVICES].sort());
  });

  test('the STS endpoint admits HTTPS from the function’s security group only', () => {
    const ingress = allOf(template, 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties);
    const fnGroup = only(template, 'AWS::Lambda::Function').Properties.VpcConfig.SecurityGroupIds[0];
    expect(ingress).toEqual([
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        IpProtocol: 'tcp',
        SourceSecurityGroupId: fnGroup,
      }),
    ]);
    const endpointGroups = allOf(template, 'AWS::EC2::SecurityGroup').filter((g) =>
      String(g.Properties.GroupDescription).includes('Sts'),
    );
    for (const group of endpointGroups) expect(group.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('invoke permissions name the account as a literal, which CT.LAMBDA.PR.2 accepts', () => {
    const permissions = allOf(template, 'AWS::Lambda::Permission');
    expect(permissions.length).toBeGreaterThan(0);
    for (const p of permissions) expect(p.Properties.SourceAccount).toBe(STORE_ENV.account);
  });

  test('exposes the key and the network it made', () => {
    expect(store.logsKey).toBeDefined();
    expect(store.network?.vpc).toBeInstanceOf(ec2.Vpc);
  });
});

describe('the Control Tower profile refuses what it cannot build, naming each prop', () => {
  test('no central log bucket, tracing off, execution logs off, a hosted client', () => {
    const stack = new Stack(new App(), 'Bad', { env: STORE_ENV });
    expect(() =>
      storeIn(stack, {
        bucket: {},
        presignApi: { tracing: false, executionLogLevel: apigw.MethodLoggingLevel.OFF },
        webClient: { source: s3deploy.Source.data('index.html', '<!doctype html>') },
      }),
    ).toThrow(
      /bucket\.accessLogsBucket: the control-tower profile needs a central log bucket.*; presignApi\.tracing: .*; presignApi\.executionLogLevel: .*; webClient: the control-tower profile cannot host the web client yet; the hosting would fail CT\.CLOUDFRONT\.PR\.4 .*CT\.S3\.PR\.2.*CT\.LAMBDA\.PR\.3 and CT\.CLOUDWATCH\.PR\.3/,
    );
  });

  test('a VPC of your own is used as it is: no network is made', () => {
    const stack = new Stack(new App(), 'OwnVpc', { env: STORE_ENV });
    const vpc = new ec2.Vpc(stack, 'Mine', {
      natGateways: 1,
      maxAzs: 2,
      restrictDefaultSecurityGroup: false,
    });
    const store = storeIn(stack, { vpc });
    expect(store.network).toBeUndefined();
    const fn = only(Template.fromStack(stack), 'AWS::Lambda::Function');
    // Its private subnets (with egress), not its public ones.
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual(
      vpc.privateSubnets.map((s) => ({
        Ref: Stack.of(s).getLogicalId(s.node.defaultChild as ec2.CfnSubnet),
      })),
    );
  });
});

describe('the default profile is unchanged by these options', () => {
  test('no VPC, no logs key, no execution logs, a log bucket of its own, no Object Lock', () => {
    const stack = new Stack(new App(), 'Default', { env: STORE_ENV });
    const federation = new OktaFederation(stack, 'Okta', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
    new OktaS3Storage(stack, 'Store', {
      federation,
      allowedOrigins: ['https://files.example.com'],
      userPool: STORE_USER_POOL,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(allOf(template, 'AWS::S3::Bucket')).toHaveLength(2);
    for (const b of allOf(template, 'AWS::S3::Bucket'))
      expect(b.Properties.ObjectLockEnabled).toBeUndefined();
    expect(
      only(template, 'AWS::ApiGateway::Stage').Properties.MethodSettings[0].LoggingLevel,
    ).toBeUndefined();
  });
});
