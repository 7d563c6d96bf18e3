import { CallerSessions } from '../../lambda/presign/credentials';
import { createHandler } from '../../lambda/presign/handler';
import { s3Storage } from '../../lambda/presign/s3';
import { presignConfig, apiEvent, ALICE, ROLE_ARN, stubSts } from '../lambda/support/fakes';
import {
  accessLogFormatOf,
  accessLogGroupNameOf,
  accessLogLine,
  metricFilters,
  MetricFilterView,
  unpublishedMetricProblem,
  watchedMetrics,
} from '../../emulator/model/cloudwatch-rules';
import { matchesFilterPattern } from '../../emulator/model/cloudwatch-filter-pattern';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, fixtureBase, rawId } from './environments';
import { logGroupNameOf, presignFunctionOf } from '../../emulator/model/lambda-rules';
import { resourcesOfType } from '../../emulator/model/template-query';

const HANDLER_METRICS = [
  'StsFaults',
  'S3Faults',
  'HandlerFaults',
  'StsCalls',
  'CredentialsCacheHits',
  'PresignLatency',
];
const ACCESS_METRICS = ['Requests', 'RefusedIdentities'];

describe.each(ENVIRONMENT_ROWS)('CloudWatch, %s', (_label, env) => {
  const template = environmentTemplate(env);
  const watched = watchedMetrics(template);

  test('alarms watch Lambda errors, throttles and duration, the API’s 5xx and latency, dependency faults and refusals', () => {
    const offboarding = Object.values(template.resources).some((r) => r.Type === 'AWS::SQS::Queue');
    expect(
      watched.map((m) => `${m.namespace.replace(/^OktaS3Storage\/.*/, 'custom')} ${m.metricName}`).sort(),
    ).toEqual(
      [
        // Offboarding: its dead letters, and the failures its functions log.
        ...(offboarding
          ? [
              'AWS/SQS ApproximateNumberOfMessagesVisible',
              'custom OffboardingHookFailures',
              'custom OffboardingMoverFailures',
              'custom OffboardingReconcilerFailures',
            ]
          : []),
        'AWS/ApiGateway 5XXError',
        'AWS/ApiGateway Latency',
        'AWS/Lambda Duration',
        'AWS/Lambda Errors',
        'AWS/Lambda Throttles',
        'custom RefusedIdentities',
        'custom S3Faults',
        'custom StsFaults',
        // With malware scanning: the quarantine function's errors, and threats quarantined.
        ...(resourcesOfType(template, 'AWS::GuardDuty::MalwareProtectionPlan').length
          ? ['AWS/Lambda Errors', 'custom ThreatsQuarantined']
          : []),
      ].sort(),
    );
  });

  test('every alarm’s metric is one AWS or a metric filter of this stack publishes for the resource watched', () => {
    expect(watched.map((m) => unpublishedMetricProblem(template, m)).filter(Boolean)).toEqual([]);
  });

  test('each metric filter reads the log group its lines are written to', () => {
    const fnLogs = logGroupNameOf(template, presignFunctionOf(template));
    const byMetric = Object.fromEntries(metricFilters(template).map((f) => [f.metricName, f.logGroupName]));
    for (const metric of HANDLER_METRICS) expect(byMetric[metric]).toBe(fnLogs);
    for (const metric of ACCESS_METRICS) expect(byMetric[metric]).toBe(accessLogGroupNameOf(template));
  });

  test('the duration alarm fires below the function’s timeout, the most Duration can report', () => {
    // Lambda metrics: Duration is the time the function code spends on an invocation, at most its timeout.
    const fn = presignFunctionOf(template);
    const [alarm] = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      (a) => a.props.MetricName === 'Duration',
    );
    expect(Number(alarm.props.Threshold)).toBeLessThan(Number(fn.props.Timeout) * 1000);
  });

  test('every alarm notifies an SNS topic on alarm and on recovery', () => {
    const topics = resourcesOfType(template, 'AWS::SNS::Topic').map((t) => template.ref(t.id));
    for (const alarm of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
      expect(topics).toEqual(expect.arrayContaining(alarm.props.AlarmActions as string[]));
      expect(alarm.props.OKActions).toEqual(alarm.props.AlarmActions);
    }
  });
});

describe('CloudWatch rules fail on broken templates', () => {
  const alarmOf = (resources: Record<string, any>, metricName: string) =>
    Object.values(resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === metricName,
    );
  const problems = (template: ReturnType<typeof fixtureBase>) =>
    watchedMetrics(template)
      .map((m) => unpublishedMetricProblem(template, m))
      .filter(Boolean);

  test('the unbroken fixture has no problem', () => {
    expect(problems(fixtureBase('dev'))).toEqual([]);
  });

  test.each([
    [
      'an Errors alarm on another function',
      'Errors',
      (a: any) => (a.Properties.Dimensions[0].Value = 'other-fn'),
      /not a function of this stack/,
    ],
    [
      'a 5XXError alarm without the Stage dimension',
      '5XXError',
      (a: any) => (a.Properties.Dimensions = a.Properties.Dimensions.filter((d: any) => d.Name !== 'Stage')),
      /ApiName and Stage/,
    ],
    [
      'a Latency alarm on another stage',
      'Latency',
      (a: any) => (a.Properties.Dimensions.find((d: any) => d.Name === 'Stage').Value = 'prod'),
      /no stage prod/,
    ],
    [
      'a metric name API Gateway does not publish',
      '5XXError',
      (a: any) => (a.Properties.MetricName = '5xxError'),
      /publishes no such metric/,
    ],
    [
      'a Lambda metric with an extra dimension',
      'Throttles',
      (a: any) => a.Properties.Dimensions.push({ Name: 'Resource', Value: 'x' }),
      /exactly FunctionName/,
    ],
    [
      'a dead-letter alarm on a queue the stack does not have',
      'ApproximateNumberOfMessagesVisible',
      (a: any) => (a.Properties.Dimensions = [{ Name: 'QueueName', Value: 'someone-elses-queue' }]),
      /no queue named someone-elses-queue/,
    ],
    [
      'a queue metric SQS does not publish',
      'ApproximateNumberOfMessagesVisible',
      (a: any) => (a.Properties.MetricName = 'NumberOfMessagesVisible'),
      /SQS publishes no such metric/,
    ],
    [
      'a custom metric no filter publishes',
      'StsFaults',
      (a: any) => (a.Properties.MetricName = 'StsFault'),
      /no metric filter/,
    ],
  ])('%s is caught', (_name, metricName, change, expected) => {
    const template = brokenTemplate('dev', (resources) => change(alarmOf(resources, metricName)));
    expect(problems(template).join('\n')).toMatch(expected);
  });

  test('a filter moved to another log group is caught', () => {
    const template = brokenTemplate('dev', (resources) => {
      const id = Object.keys(resources).find((k) => k.includes('StsFaultsFilter'))!;
      resources[id].Properties.LogGroupName = resources[
        rawId(resources, 'AWS::Logs::LogGroup', 'PresignApiAccessLogs')
      ].Properties.LogGroupName ?? { Ref: rawId(resources, 'AWS::Logs::LogGroup', 'PresignApiAccessLogs') };
    });
    const fnLogs = logGroupNameOf(template, presignFunctionOf(template));
    expect(metricFilters(template).find((f) => f.metricName === 'StsFaults')!.logGroupName).not.toBe(fnLogs);
  });
});

/**
 * The metric filters' patterns, from the synthesized template, run against the lines the handler
 * and API Gateway really write. The handler's lines come from its own logger (console, with
 * `AWS_LAMBDA_LOG_FORMAT=JSON` as Lambda sets it for the JSON log format), wrapped in the record
 * Lambda writes in that format: `timestamp`, `level`, `requestId` and the logged object under
 * `message` ("Configuring JSON and plain text log formats",
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html).
 */
describe('metric filter patterns on real log lines', () => {
  const template = fixtureBase('prod');
  const filters = Object.fromEntries(metricFilters(template).map((f) => [f.metricName, f]));
  const matching = (lines: string[], filter: MetricFilterView) =>
    lines.filter((l) => matchesFilterPattern(filter.pattern, l));
  let handlerLines: string[];

  beforeAll(async () => {
    const records: unknown[] = [];
    const capture = (level: string) => (entry: unknown) =>
      records.push({ timestamp: new Date().toISOString(), level, requestId: 'r-1', message: entry });
    const info = vi.spyOn(console, 'info').mockImplementation(capture('INFO'));
    const error = vi.spyOn(console, 'error').mockImplementation(capture('ERROR'));
    const format = process.env.AWS_LAMBDA_LOG_FORMAT;
    process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    try {
      const config = presignConfig();
      const sessions = new CallerSessions({
        sts: stubSts(),
        roleArn: ROLE_ARN,
        urlExpirySeconds: config.urlExpirySeconds,
      });
      const throttled = Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
      const denied = Object.assign(new Error('Access Denied'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      });
      const healthy = createHandler({
        config,
        credentialsFor: (sub, observe) => sessions.credentialsFor(sub, observe),
        storageFor: s3Storage({ bucket: config.bucketName, region: config.region }),
      });
      const upload = apiEvent({
        method: 'POST',
        resource: '/uploads',
        sub: ALICE,
        body: { fileName: 'a.txt', contentType: 'text/plain', size: 1 },
      });
      await healthy(upload); // assumes a session
      await healthy(upload); // reuses it
      await healthy(
        apiEvent({ method: 'GET', resource: '/files', sub: ALICE, claimOverrides: { sub: 'someone-else' } }),
      ); // 401
      await createHandler({
        config,
        credentialsFor: () => Promise.reject(throttled),
        storageFor: () => {
          throw new Error('unused');
        },
      })(apiEvent({ method: 'GET', resource: '/files', sub: ALICE }));
      await createHandler({
        config,
        credentialsFor: (sub, observe) => sessions.credentialsFor(sub, observe),
        storageFor: (session) => ({
          ...s3Storage({ bucket: config.bucketName, region: config.region })(session),
          list: () => Promise.reject(denied),
        }),
      })(apiEvent({ method: 'GET', resource: '/files', sub: ALICE }));
    } finally {
      info.mockRestore();
      error.mockRestore();
      if (format === undefined) delete process.env.AWS_LAMBDA_LOG_FORMAT;
      else process.env.AWS_LAMBDA_LOG_FORMAT = format;
    }
    handlerLines = records.map((r) => JSON.stringify(r));
  });

  test('the handler wrote one line per request', () => {
    expect(handlerLines).toHaveLength(5);
  });

  test('STS and S3 faults are counted once each, by dependency', () => {
    expect(matching(handlerLines, filters.StsFaults).map((l) => JSON.parse(l).message.fault)).toEqual([
      { dependency: 'sts', name: 'Throttling' },
    ]);
    expect(matching(handlerLines, filters.S3Faults).map((l) => JSON.parse(l).message.fault)).toEqual([
      { dependency: 's3', name: 'AccessDenied' },
    ]);
    expect(matching(handlerLines, filters.HandlerFaults)).toEqual([]);
  });

  test('STS calls and cache hits are counted from the credentials field', () => {
    expect(matching(handlerLines, filters.StsCalls)).toHaveLength(1);
    // The upload's second request and the S3-failing request reuse the cached session.
    expect(matching(handlerLines, filters.CredentialsCacheHits)).toHaveLength(2);
  });

  test('every request line yields a latency value', () => {
    expect(matching(handlerLines, filters.PresignLatency)).toHaveLength(handlerLines.length);
    expect(filters.PresignLatency.metricValue).toBe('$.message.latencyMs');
  });

  test('access log lines: every request is counted, refusals only for 401 and 403', () => {
    const format = accessLogFormatOf(template);
    const line = (status: string) =>
      accessLogLine(format, {
        requestId: `r-${status}`,
        status,
        httpMethod: 'GET',
        resourcePath: '/files',
        'identity.sourceIp': '192.0.2.1',
      });
    const lines = ['200', '401', '403', '404', '429', '503'].map(line);
    expect(lines.every((l) => JSON.parse(l))).toBe(true);
    expect(matching(lines, filters.Requests)).toHaveLength(6);
    expect(matching(lines, filters.RefusedIdentities).map((l) => JSON.parse(l).status)).toEqual([
      '401',
      '403',
    ]);
    expect(Object.values(filters.Requests.dimensions)).toEqual([
      '$.httpMethod',
      '$.resourcePath',
      '$.status',
    ]);
  });

  test('the pattern model itself: non-JSON lines, absent fields and types never match', () => {
    expect(matchesFilterPattern('{ $.a = "x" }', 'not json')).toBe(false);
    expect(matchesFilterPattern('{ $.a = "x" }', '{"b":"x"}')).toBe(false);
    expect(matchesFilterPattern('{ $.a = "401" }', '{"a":401}')).toBe(false);
    expect(matchesFilterPattern('{ $.a >= 0 }', '{"a":"5"}')).toBe(false);
    expect(matchesFilterPattern('{ ($.a = "x") || ($.b.c = "y*") }', '{"b":{"c":"yes"}}')).toBe(true);
    expect(() => matchesFilterPattern('{ $.a ~ "x" }', '{}')).toThrow(/Unsupported/);
  });
});
