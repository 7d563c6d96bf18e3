import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { UserFilesBucket } from '../../lib/constructs/user-files-bucket';
import { OktaFederation } from '../../lib/constructs/okta-federation';
import { OktaS3Storage } from '../../lib/okta-s3-storage';
import {
  EventPattern,
  matches,
  objectCreatedEvent,
  sendsEventsToEventBridge,
} from '../../emulator/model/eventbridge-pattern';
import { STORE_ENV, STORE_USER_POOL, TEST_CLIENT_IDS, TEST_ISSUER, TEST_ORIGINS } from '../support/config';
import { allOf } from '../support/resources';

/** The bucket name a rule pattern names, as the template writes it (a Ref to the data bucket). */
const BUCKET = 'files-data-bucket';

/** A rule's pattern with the data bucket's Ref replaced by a name, so the model can match events. */
function patternOf(template: Template, dataBucketId: string): EventPattern {
  const [rule] = allOf(template, 'AWS::Events::Rule');
  return JSON.parse(
    JSON.stringify(rule.Properties.EventPattern).replace(`{"Ref":"${dataBucketId}"}`, `"${BUCKET}"`),
  );
}

const dataBucketId = (template: Template) =>
  Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.includes('Data'))!;

describe('the data bucket sends its events to EventBridge', () => {
  const stack = new Stack();
  new UserFilesBucket(stack, 'Files');
  const template = Template.fromStack(stack);

  test('on the bucket resource itself, not through a notifications custom resource', () => {
    const data = template.findResources('AWS::S3::Bucket')[dataBucketId(template)];
    expect(sendsEventsToEventBridge(data.Properties)).toBe(true);
    expect(template.findResources('Custom::S3BucketNotifications')).toEqual({});
    expect(template.findResources('AWS::Lambda::Function')).toEqual({});
  });

  test('the access-log bucket does not: its events would be those of log objects', () => {
    const logs = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) =>
      id.includes('Access'),
    )!;
    expect(sendsEventsToEventBridge(logs[1].Properties)).toBe(false);
  });
});

describe('onObjectCreated', () => {
  const withRule = (add: (files: UserFilesBucket) => void) => {
    const stack = new Stack();
    const files = new UserFilesBucket(stack, 'Files');
    add(files);
    return Template.fromStack(stack);
  };

  test('matches objects created under the users folder of this bucket, and nothing else', () => {
    const template = withRule((files) => files.onObjectCreated('Uploads'));
    const pattern = patternOf(template, dataBucketId(template));
    expect(matches(pattern, objectCreatedEvent(BUCKET, 'users/00u1/report.pdf'))).toBe(true);
    expect(
      matches(pattern, objectCreatedEvent(BUCKET, 'users/00u1/big.bin', 'CompleteMultipartUpload')),
    ).toBe(true);
    expect(matches(pattern, objectCreatedEvent(BUCKET, 'teams/finance/a.csv'))).toBe(false);
    expect(matches(pattern, objectCreatedEvent(BUCKET, 'usersx/a'))).toBe(false);
    expect(matches(pattern, objectCreatedEvent('another-bucket', 'users/00u1/report.pdf'))).toBe(false);
    const deleted = {
      ...objectCreatedEvent(BUCKET, 'users/00u1/report.pdf'),
      'detail-type': 'Object Deleted',
    };
    expect(matches(pattern, deleted)).toBe(false);
  });

  test('takes other prefixes, a target, and more of the pattern', () => {
    const template = withRule((files) =>
      files.onObjectCreated('Reports', {
        keyPrefixes: ['users/', 'shared/'],
        target: new targets.SqsQueue(new sqs.Queue(files, 'Queue')),
        eventPattern: { detail: { reason: ['PutObject'] } },
      }),
    );
    const pattern = patternOf(template, dataBucketId(template));
    expect(matches(pattern, objectCreatedEvent(BUCKET, 'shared/x'))).toBe(true);
    expect(matches(pattern, objectCreatedEvent(BUCKET, 'shared/x', 'CopyObject'))).toBe(false);
    const [rule] = allOf(template, 'AWS::Events::Rule');
    expect(rule.Properties.Targets).toHaveLength(1);
  });

  test('a prefix that is not folder names is refused, naming the prop', () => {
    const stack = new Stack();
    const files = new UserFilesBucket(stack, 'Files');
    expect(() => files.onObjectCreated('Bad', { keyPrefixes: ['users'] })).toThrow(
      /keyPrefixes: "users" must be folder names, each ending in "\/"/,
    );
    expect(() => files.onObjectCreated('None', { keyPrefixes: [] })).toThrow(
      /keyPrefixes: give at least one/,
    );
  });

  test('the pattern the model reads is the one EventBridge would: a broken path matches nothing', () => {
    const broken: EventPattern = { source: ['aws.s3'], detail: { key: [{ prefix: 'users/' }] } };
    expect(matches(broken, objectCreatedEvent(BUCKET, 'users/00u1/report.pdf'))).toBe(false);
    const unknownOperator = { detail: { object: { key: [{ wildcard: 'users/*' } as any] } } };
    expect(() => matches(unknownOperator, objectCreatedEvent(BUCKET, 'users/a'))).toThrow(/not modelled/);
  });
});

test('OktaS3Storage.onObjectCreated: the users folder and the team folders by default', () => {
  const stack = new Stack(undefined, 'Store', { env: STORE_ENV });
  const store = new OktaS3Storage(stack, 'Store', {
    federation: new OktaFederation(stack, 'Okta', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS }),
    allowedOrigins: TEST_ORIGINS,
    userPool: STORE_USER_POOL,
  });
  const rule: events.Rule = store.onObjectCreated('Uploads');
  expect(rule.node.path).toBe('Store/Store/Storage/Uploads');
  const template = Template.fromStack(stack);
  const pattern = patternOf(template, dataBucketId(template));
  expect(matches(pattern, objectCreatedEvent(BUCKET, 'users/00u1/a'))).toBe(true);
  expect(matches(pattern, objectCreatedEvent(BUCKET, 'teams/finance/a'))).toBe(true);
  expect(matches(pattern, objectCreatedEvent(BUCKET, 'offboarded/00u1/a'))).toBe(false);
});
