import { resolvedStack } from '../iam/stack-under-test';
import { localEventBus } from '../../emulator/services/event-bus';
import { scanResultEvent } from '../../emulator/model/s3-scan-rules';

/**
 * The local EventBridge bus (emulator/services/event-bus.ts) on the prod template: an event reaches
 * the functions of the rules whose pattern it matches, and no others.
 */
const { template } = resolvedStack('prod');
const dataBucket = Object.entries(template.resources).find(
  ([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('StorageData'),
)![0];
const bucketName = template.ref(dataBucket);
const quarantineFunction = Object.entries(template.resources).find(
  ([, r]) =>
    r.Type === 'AWS::Lambda::Function' && (r.Properties.Environment as any)?.Variables?.PROTECTED_PREFIXES,
)![0];

function recordingBus(hold = false) {
  const bus = localEventBus(template, { hold });
  const received: Record<string, unknown>[] = [];
  bus.register(quarantineFunction, async (event) => void received.push(event));
  return { bus, received };
}

test('hands a THREATS_FOUND result for the data bucket to the quarantine function, and nothing else', async () => {
  const { bus, received } = recordingBus();
  const infected = scanResultEvent(bucketName, 'users/00uA/f.txt', 'THREATS_FOUND');
  expect((await bus.deliver(infected)).map((d) => d.functionId)).toEqual([quarantineFunction]);
  for (const other of [
    scanResultEvent(bucketName, 'users/00uA/f.txt', 'NO_THREATS_FOUND'),
    scanResultEvent('another-bucket', 'users/00uA/f.txt', 'THREATS_FOUND'),
    { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucketName } } },
  ]) {
    expect(await bus.deliver(other)).toEqual([]);
  }
  expect(received).toEqual([infected]);
});

test('with hold, events wait for deliverHeld; a closed bus takes no more', async () => {
  const { bus, received } = recordingBus(true);
  const infected = scanResultEvent(bucketName, 'users/00uA/f.txt', 'THREATS_FOUND');
  bus.put(infected);
  expect([bus.held.length, received.length]).toEqual([1, 0]);
  expect((await bus.deliverHeld()).map((d) => d.functionId)).toEqual([quarantineFunction]);
  expect([bus.held.length, received]).toEqual([0, [infected]]);
  await bus.close();
  bus.put(infected);
  expect([bus.held.length, received.length]).toEqual([0, 1]);
});

test('a function that fails is reported with its error, as Lambda would retry it', async () => {
  const bus = localEventBus(template);
  bus.register(quarantineFunction, async () => {
    throw new Error('the copy did not verify');
  });
  const [delivery] = await bus.deliver(scanResultEvent(bucketName, 'users/00uA/f.txt', 'THREATS_FOUND'));
  expect(delivery.error).toContain('the copy did not verify');
  expect(bus.deliveries).toEqual([delivery]);
});
