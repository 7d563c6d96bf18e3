import { sendsEventsToEventBridge } from '../../emulator/model/eventbridge-pattern';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, rawId } from './environments';

/** The data bucket of a resolved template: the bucket the users' prefixes live in. */
const dataBucketOf = (resources: Record<string, { Type: string; Properties: Record<string, any> }>) =>
  resources[rawId(resources, 'AWS::S3::Bucket', 'StorageData')];

describe.each(ENVIRONMENT_ROWS)('upload events, %s', (_, environment) => {
  test("S3 sends the data bucket's events to EventBridge", () => {
    expect(
      sendsEventsToEventBridge(dataBucketOf(environmentTemplate(environment).resources).Properties),
    ).toBe(true);
  });
});

test('a data bucket without the EventBridge configuration sends none (broken fixture)', () => {
  const template = brokenTemplate('dev', (resources) => {
    delete dataBucketOf(resources).Properties.NotificationConfiguration;
  });
  expect(sendsEventsToEventBridge(dataBucketOf(template.resources).Properties)).toBe(false);
});
