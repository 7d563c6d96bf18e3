import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StorageMonitoring } from '../../lib/constructs/storage-monitoring';
import { PresignApi } from '../../lib/constructs/presign-api';
import { DYNAMODB_FAULTS, REFUSED_VISITS, THROTTLED_VISITS } from '../../lib/monitoring/sharing-metrics';
import { matchesFilterPattern } from '../../emulator/model/cloudwatch-filter-pattern';
import { createHandler, RequestLog } from '../../lambda/presign/handler';
import { newToken } from '../../lambda/presign/sharing/tokens';
import { apiEvent, presignConfig } from '../lambda/support/fakes';
import { memorySharingStore } from '../lambda/support/memory-sharing-store';
import { TEST_ORIGINS } from '../support/config';
import { allOf } from '../support/resources';

/** The presign API with sharing and its monitoring, in a bare stack. */
function synth(sharing: boolean) {
  const stack = new Stack(new App(), 'Monitored', { env: { account: '123456789012', region: 'eu-west-1' } });
  const api = new PresignApi(stack, 'PresignApi', {
    userPool: new cognito.UserPool(stack, 'UserPool'),
    bucket: new s3.Bucket(stack, 'Bucket'),
    allowedOrigins: TEST_ORIGINS,
    ...(sharing ? { sharing: {} } : {}),
  });
  new StorageMonitoring(stack, 'Monitoring', {
    handler: api.handler,
    handlerTimeout: Duration.seconds(10),
    handlerLogGroup: api.handlerLogGroup,
    stage: api.api.deploymentStage,
    accessLogGroup: api.accessLogGroup,
    sharingTable: api.sharingTable?.table,
  });
  return Template.fromStack(stack);
}

/** The handler's own log lines for visits: one refused (unknown token), as Lambda's JSON format nests them. */
async function visitLogLines(): Promise<string[]> {
  const logs: RequestLog[] = [];
  const handler = createHandler({
    config: presignConfig({
      sharing: {
        tableName: 't-sharing',
        maxLinkDays: 7,
        fileRequestMaxFiles: 1,
        fileRequestMaxFileBytes: 1,
        fileRequestContentTypes: [],
      },
    }),
    credentialsFor: async () => {
      throw new Error('not reached');
    },
    storageFor: () => {
      throw new Error('not reached');
    },
    sharingStore: memorySharingStore(),
    log: (line) => logs.push(line),
  });
  const event = apiEvent({ method: 'GET', resource: '/s/{token}', sub: null });
  await handler({ ...event, pathParameters: { token: newToken() } });
  return logs.map((message) => JSON.stringify({ level: 'INFO', message }));
}

describe('sharing alarms', () => {
  test('with sharing: alarms on the table’s throttles and errors, DynamoDB faults, refused and throttled visits', () => {
    const alarms = allOf(synth(true), 'AWS::CloudWatch::Alarm').map((a) => a.id);
    for (const name of [
      'SharingTableThrottles',
      'SharingTableSystemErrors',
      'DynamoDbFaults',
      'SharingRefusedVisitsSpike',
      'SharingThrottledVisits',
    ]) {
      expect(alarms.filter((id) => id.startsWith(`Monitoring${name}`))).toHaveLength(1);
    }
  });

  test('without sharing: none of them, and no sharing metric filter', () => {
    const template = synth(false);
    expect(allOf(template, 'AWS::CloudWatch::Alarm').filter((a) => /Sharing|DynamoDb/.test(a.id))).toEqual(
      [],
    );
    expect(allOf(template, 'AWS::Logs::MetricFilter').filter((f) => /Sharing|DynamoDb/.test(f.id))).toEqual(
      [],
    );
  });

  test('the refused-visits filter counts the handler’s own line for a refused visit, and not a served one', async () => {
    const [refused] = await visitLogLines();
    expect(matchesFilterPattern(REFUSED_VISITS.filterPattern, refused)).toBe(true);
    expect(matchesFilterPattern(REFUSED_VISITS.filterPattern, refused.replace('"refused"', '"served"'))).toBe(
      false,
    );
    expect(matchesFilterPattern(DYNAMODB_FAULTS.filterPattern, refused)).toBe(false);
    expect(
      matchesFilterPattern(
        DYNAMODB_FAULTS.filterPattern,
        JSON.stringify({ message: { fault: { dependency: 'dynamodb', name: 'x' } } }),
      ),
    ).toBe(true);
  });

  test('the throttled-visits filter counts 429s on the visit paths only', () => {
    const line = (resourcePath: string, status: string) =>
      JSON.stringify({ status, resourcePath, httpMethod: 'GET' });
    expect(matchesFilterPattern(THROTTLED_VISITS.filterPattern, line('/s/{token}', '429'))).toBe(true);
    expect(matchesFilterPattern(THROTTLED_VISITS.filterPattern, line('/r/{token}/uploads', '429'))).toBe(
      true,
    );
    expect(matchesFilterPattern(THROTTLED_VISITS.filterPattern, line('/s/{token}', '404'))).toBe(false);
    expect(matchesFilterPattern(THROTTLED_VISITS.filterPattern, line('/uploads', '429'))).toBe(false);
  });
});
