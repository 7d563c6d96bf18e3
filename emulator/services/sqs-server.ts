/**
 * SQS on 127.0.0.1 for the journeys: local-aws-sqs (an SQS-compatible server in Node that speaks
 * the AWS JSON 1.0 protocol the SDK v3 client sends), and Lambda's SQS event source mapping in
 * front of a handler.
 *
 * The mapping does what Lambda does for a function with `ReportBatchItemFailures`: it receives a
 * batch, hands the handler SQS records, deletes the messages the handler did not list in
 * `batchItemFailures`, and leaves those to become visible again after the queue's visibility
 * timeout ("Handling errors for an SQS event source in Lambda", partial batch responses,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). Polling is on
 * demand (`deliver`), not continuous, so a test decides when the function runs.
 *
 * Not modelled: IAM and the queue's key policy (the server checks no signature), the
 * dead-letter queue's redrive, long polling.
 */
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export interface QueueDefinition {
  readonly name: string;
  /** SQS queue attributes as CreateQueue takes them, e.g. `VisibilityTimeout`. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** The parts of an SQS event record the project's handlers read. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
}

export interface LocalSqs {
  readonly url: string;
  readonly client: SQSClient;
  queueUrl(name: string): Promise<string>;
  send(name: string, body: string): Promise<void>;
  /** Messages visible or in flight (SQS's approximate counts), for assertions. */
  depth(name: string): Promise<number>;
  /**
   * One poll of the event source mapping: receives up to `batchSize` messages and, if any came,
   * runs `handler` on them and deletes the ones it did not report failed. Returns what it received.
   */
  deliver(
    name: string,
    batchSize: number,
    handler: (records: SqsRecord[]) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
  ): Promise<SqsRecord[]>;
  close(): Promise<void>;
}

export async function startLocalSqs(queues: readonly QueueDefinition[]): Promise<LocalSqs> {
  // local-aws-sqs is loaded when a journey starts it, not by everything that imports this file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createSqsServer } = require('local-aws-sqs') as {
    createSqsServer(options: object): Promise<Server>;
  };
  const server = await createSqsServer({
    port: 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
    queues: queues.map((q) => ({ QueueName: q.name, Attributes: q.attributes })),
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: url,
    // The server checks no signature; the SDK needs some credentials to sign with.
    credentials: { accessKeyId: 'local-sqs', secretAccessKey: 'local-sqs' },
  });
  const urls = new Map<string, string>();
  const queueUrl = async (name: string) => {
    if (!urls.has(name)) {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
      urls.set(name, QueueUrl!);
    }
    return urls.get(name)!;
  };

  return {
    url,
    client,
    queueUrl,
    async send(name, body) {
      await client.send(new SendMessageCommand({ QueueUrl: await queueUrl(name), MessageBody: body }));
    },
    async depth(name) {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: await queueUrl(name),
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
    async deliver(name, batchSize, handler) {
      const QueueUrl = await queueUrl(name);
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: 0 }),
      );
      const records = Messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
      }));
      if (records.length === 0) return records;
      const { batchItemFailures } = await handler(records);
      const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      for (const record of records.filter((r) => !failed.has(r.messageId)))
        await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: record.receiptHandle }));
      return records;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
