import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PresignApi, PRESIGN_TIMEOUT_SECONDS } from '../../lib/constructs/presign-api';
import { StorageMonitoring, StorageMonitoringProps } from '../../lib/constructs/storage-monitoring';
import { decide, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import { resolvedStack } from '../iam/stack-under-test';

/** A bare stack with a presign API, as an importer builds it; `monitor` adds StorageMonitoring. */
function stackWith(options: { tracing?: boolean; monitor?: Partial<StorageMonitoringProps> | false } = {}) {
  const stack = new Stack();
  const api = new PresignApi(stack, 'PresignApi', {
    userPool: new cognito.UserPool(stack, 'Pool'),
    bucket: new s3.Bucket(stack, 'Bucket'),
    allowedOrigins: ['https://files.test.example'],
    tracing: options.tracing,
  });
  if (options.monitor !== false) {
    new StorageMonitoring(stack, 'Monitoring', {
      handler: api.handler,
      handlerTimeout: api.handlerTimeout,
      handlerLogGroup: api.handlerLogGroup,
      stage: api.api.deploymentStage,
      accessLogGroup: api.accessLogGroup,
      ...options.monitor,
    });
  }
  return Template.fromStack(stack);
}

let monitored: Template;
let importerDefault: Template;
beforeAll(() => {
  monitored = stackWith({ monitor: { alarmEmails: ['oncall@test.example'] } });
  importerDefault = stackWith({ monitor: false });
});

const alarmOn = (metricName: string) =>
  Object.values(monitored.findResources('AWS::CloudWatch::Alarm')).find(
    (a) => a.Properties.MetricName === metricName,
  )!.Properties;

describe('StorageMonitoring', () => {
  test('is opt-in for importers: a PresignApi alone has no alarm, dashboard or topic', () => {
    importerDefault.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    importerDefault.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    importerDefault.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('creates eight alarms, a dashboard and an SSL-only topic with the e-mail subscription', () => {
    monitored.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    monitored.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    monitored.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@test.example',
    });
    monitored.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('uses the documented defaults', () => {
    expect(alarmOn('Duration')).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: PRESIGN_TIMEOUT_SECONDS * 800,
    });
    expect(alarmOn('5XXError')).toMatchObject({ Statistic: 'Average', Threshold: 0.05, Period: 300 });
    expect(alarmOn('Latency')).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: 3000,
      EvaluationPeriods: 3,
    });
    expect(alarmOn('Errors')).toMatchObject({ Statistic: 'Sum', Threshold: 1 });
    expect(alarmOn('StsFaults')).toMatchObject({
      Statistic: 'Sum',
      Threshold: 5,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmOn('RefusedIdentities')).toMatchObject({ Statistic: 'Sum', Threshold: 30, Period: 60 });
  });

  test('sends to a topic you bring, and creates none', () => {
    const stack = new Stack();
    const api = new PresignApi(stack, 'PresignApi', {
      userPool: new cognito.UserPool(stack, 'Pool'),
      bucket: new s3.Bucket(stack, 'Bucket'),
      allowedOrigins: ['https://files.test.example'],
    });
    const topic = sns.Topic.fromTopicArn(stack, 'Mine', 'arn:aws:sns:eu-west-1:123456789012:platform-alarms');
    new StorageMonitoring(stack, 'Monitoring', {
      handler: api.handler,
      handlerTimeout: api.handlerTimeout,
      handlerLogGroup: api.handlerLogGroup,
      stage: api.api.deploymentStage,
      accessLogGroup: api.accessLogGroup,
      alarmTopic: topic,
      thresholds: { refusedPerMinute: 100 },
      dashboard: false,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topic.topicArn]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RefusedIdentities',
      Threshold: 100,
    });
  });

  test.each([
    [{ durationPercentOfTimeout: 150 }, /thresholds.durationPercentOfTimeout must be at most 100/],
    [{ refusedPerMinute: 0 }, /thresholds.refusedPerMinute must be a positive number/],
    [{ latencyP99Millis: Number.NaN }, /thresholds.latencyP99Millis must be a positive number/],
  ])('refuses bad thresholds %o, naming the prop', (thresholds, message) => {
    expect(() => stackWith({ monitor: { thresholds } })).toThrow(message);
  });
});

describe('PresignApi tracing', () => {
  test('is off unless asked for', () => {
    importerDefault.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: Match.absent() });
    importerDefault.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
  });

  test('turns on active tracing for the function and the stage', () => {
    const traced = stackWith({ tracing: true, monitor: false });
    traced.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    traced.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  });

  /*
   * Lambda sends trace segments with the execution role's credentials: "Your function needs
   * permission to upload trace data to X-Ray" (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html,
   * AWSXRayDaemonWriteAccess: xray:PutTraceSegments, xray:PutTelemetryRecords). With its own role,
   * the grant must be in that role's policies; the prod test environment has tracing on.
   */
  test.each([
    ['prod', 'Allowed'],
    ['dev', 'ImplicitlyDenied'],
  ] as const)('the %s execution role may upload traces: %s (simulated)', async (env, expected) => {
    const { template, ids } = resolvedStack(env);
    for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) {
      expect(
        await decide({
          identityPolicies: identityPoliciesOf(template, ids.executionRole),
          action,
          // X-Ray's write actions take no resource: the simulator refuses any ARN for them
          // ("must.use.wildcard"), as the Service Authorization Reference lists no resource type.
          resource: '*',
          principal: sessionArnOf(template, ids.executionRole, 'presign-fn'),
        }),
      ).toBe(expected);
    }
  });
});
