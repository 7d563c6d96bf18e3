/**
 * EventBridge event patterns, the subset the stack's rules use, and the event S3 sends for a new
 * object: enough to prove that a rule matches the uploads it is meant for and no others.
 *
 * Patterns (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * every field a pattern names must be in the event; a field's value is a list of what may match
 * (any one will do); a nested object matches the event's object field by field; a value in the
 * event that is a list matches if any element does. Values are exact strings, or
 * `{ "prefix": "..." }` (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-prefix-matching).
 * Any other operator is refused rather than guessed.
 */
export type EventPattern = { readonly [field: string]: EventPattern | readonly PatternValue[] };
export type PatternValue = string | { readonly prefix: string };

export function matches(pattern: EventPattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    if (!(field in event)) return false;
    const actual = event[field];
    if (!Array.isArray(expected)) {
      return typeof actual === 'object' && actual !== null && !Array.isArray(actual)
        ? matches(expected as EventPattern, actual as Record<string, unknown>)
        : false;
    }
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((value) => (expected as readonly PatternValue[]).some((e) => valueMatches(e, value)));
  });
}

function valueMatches(expected: PatternValue, value: unknown): boolean {
  if (typeof expected === 'string') return value === expected;
  const operators = Object.keys(expected);
  if (operators.length !== 1 || operators[0] !== 'prefix')
    throw new Error(`Pattern operator ${JSON.stringify(expected)} is not modelled`);
  return typeof value === 'string' && value.startsWith(expected.prefix);
}

/**
 * The event S3 sends to EventBridge's default bus for a new object, when the bucket's
 * `NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled` is true
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html, "Object created").
 */
export function objectCreatedEvent(
  bucket: string,
  key: string,
  reason = 'PutObject',
): Record<string, unknown> {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111122223333',
    time: '2021-11-12T00:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '617f08299329d189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '111122223333',
      'source-ip-address': '1.2.3.4',
      reason,
    },
  };
}

/** Whether S3 sends the bucket's events to EventBridge at all: a template's bucket properties. */
export function sendsEventsToEventBridge(bucketProperties: Record<string, any>): boolean {
  return bucketProperties.NotificationConfiguration?.EventBridgeConfiguration?.EventBridgeEnabled === true;
}
