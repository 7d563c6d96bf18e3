import { randomBytes } from 'crypto';
import * as net from 'net';
import type { S3Client } from '@aws-sdk/client-s3';
import type { HookDeps } from '../../lambda/offboarding/hook-core';
import type { Ledger } from '../../lambda/offboarding/ledger';
import type { OffboardingJob } from '../../lambda/offboarding/okta-event';
import { moveBatch } from '../../lambda/offboarding/mover';
import { reconcile } from '../../lambda/offboarding/reconcile-core';
import { s3Ledger } from '../../lambda/offboarding/s3-ledger';
import { s3MoveStore } from '../../lambda/offboarding/s3-move-store';
import { OFFBOARDING_LEDGER_PREFIX } from '../../lib/constructs/offboarding';
import { functionRuntime } from '../../emulator/services/lambda-runtime';
import type { ResolvedTemplate } from '../../emulator/iam/resolve-template';
import type { LocalStack } from '../../emulator/local-stack';
import { OktaStandIn, startOktaStandIn } from '../../emulator/services/okta-stand-in';
import { LocalSqs, startLocalSqs } from '../../emulator/services/sqs-server';

/**
 * What the offboarding functions run against in the journey, around the local stack: the Okta org
 * (the Okta stand-in, whose System Log the reconciler reads), the jobs queue (a local SQS server
 * with the template's visibility timeout) and Lambda's hand-over to the functions: each gets a
 * session of its own execution role from the template, the hook and the reconciler claim in the
 * S3 ledger as handler.ts builds it, and the mover is run by the event source mapping (batch size
 * from the template). The stack is read when used, so this can be built before it starts.
 */
export const HOOK_SECRET = randomBytes(24).toString('hex');
export const OKTA_API_TOKEN = randomBytes(24).toString('hex');
export type Enqueue = (job: OffboardingJob) => Promise<void>;

export function offboardingWorld(
  template: ResolvedTemplate,
  environment: () => { stack: LocalStack; s3With: (credentials: () => Promise<any>) => S3Client },
) {
  let oktaOrg: OktaStandIn;
  let sqs: LocalSqs;
  const resourceOfType = (type: string, where: (props: any) => boolean = () => true) =>
    Object.entries(template.resources).find(([, r]) => r.Type === type && where(r.Properties ?? {}))!;
  /** The offboarding jobs queue (the one with a dead-letter queue) and the mover's mapping on it. */
  const [jobsQueueId, jobsQueue] = resourceOfType('AWS::SQS::Queue', (p) => p.RedrivePolicy !== undefined);
  const [, moverMapping] = resourceOfType('AWS::Lambda::EventSourceMapping', (p) =>
    JSON.stringify(p.EventSourceArn).includes(template.getAtt(jobsQueueId, 'Arn')),
  );
  beforeAll(async () => {
    sqs = await startLocalSqs([
      {
        name: jobsQueueId,
        attributes: { VisibilityTimeout: String(jobsQueue.Properties.VisibilityTimeout) },
      },
    ]);
    oktaOrg = await startOktaStandIn({
      port: await freePort(),
      publicClientIds: [],
      confidentialClientIds: [],
      redirectUris: [],
      corsOrigins: [],
      apiToken: OKTA_API_TOKEN,
    });
  });
  afterAll(async () => {
    await oktaOrg?.close();
    await sqs?.close();
  });

  const roleIdOf = (prefix: string) =>
    Object.keys(template.resources).find(
      (id) => id.startsWith(prefix) && template.resources[id].Type === 'AWS::IAM::Role',
    )!;

  /** A function's S3 client: a session of its execution role, as Lambda hands it to the function. */
  function functionS3(name: 'Mover' | 'Hook' | 'Reconciler') {
    const { stack, s3With } = environment();
    const roleArn = template.getAtt(roleIdOf(`Offboarding${name}Role`), 'Arn');
    const [functionId] = Object.entries(template.resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Role === roleArn,
    )!;
    const { credentials } = functionRuntime(
      stack.model,
      stack.sessions,
      functionId,
      `offboarding ${name.toLowerCase()}`,
    );
    return s3With(async () => credentials);
  }
  const moverS3 = () => functionS3('Mover');
  /** The ledger the function keeps in the data bucket, as handler.ts builds it. */
  const ledgerOf = (name: 'Hook' | 'Reconciler'): Ledger =>
    s3Ledger(functionS3(name), environment().stack.model.bucketName, OFFBOARDING_LEDGER_PREFIX);

  /** The hook's and the reconciler's enqueue, as handler.ts sends a job (SendMessage, the job as JSON). */
  const toSqs: Enqueue = (job) => sqs.send(jobsQueueId, JSON.stringify(job));

  function hookDeps(enqueue: Enqueue = toSqs): HookDeps {
    return { secret: async () => HOOK_SECRET, ledger: ledgerOf('Hook'), enqueue, log: () => undefined };
  }

  /**
   * The mover run by the event source mapping until the queue is empty: the jobs it was handed,
   * what it logged, and the messages it reported failed (left on the queue).
   */
  async function runMover() {
    const logs: Record<string, unknown>[] = [];
    const jobs: OffboardingJob[] = [];
    const failures: { itemIdentifier: string }[] = [];
    const batchSize = Number(moverMapping.Properties.BatchSize);
    for (;;) {
      const records = await sqs.deliver(jobsQueueId, batchSize, async (batch) => {
        const result = await moveBatch(batch, {
          store: s3MoveStore(moverS3(), environment().stack.model.bucketName),
          usersPrefix: 'users/',
          offboardedPrefix: 'offboarded/',
          log: (entry) => logs.push(entry),
        });
        failures.push(...result.batchItemFailures);
        return result;
      });
      if (records.length === 0) break;
      jobs.push(...records.map((r) => JSON.parse(r.body) as OffboardingJob));
      if (failures.length > 0) break; // a failed message stays invisible until its timeout
    }
    return { jobs, logs, failures };
  }

  /** The reconciler's scheduled run against the Okta stand-in, as handler.ts wires it. */
  function reconcilerRun(enqueue: Enqueue = toSqs, apiToken = OKTA_API_TOKEN) {
    return reconcile({
      orgUrl: oktaOrg.url,
      apiToken: async () => apiToken,
      fetch,
      ledger: ledgerOf('Reconciler'),
      enqueue,
      now: () => new Date(),
      lookbackMinutes: 60,
    });
  }

  return {
    oktaOrg: () => oktaOrg,
    /** Messages waiting or in flight on the jobs queue. */
    queueDepth: () => sqs.depth(jobsQueueId),
    moverS3,
    ledgerOf,
    toSqs,
    hookDeps,
    runMover,
    reconcilerRun,
  };
}

/** A queue in memory, where a test only asks what would have been queued. */
export const into =
  (queue: OffboardingJob[]): Enqueue =>
  async (job) =>
    void queue.push(job);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
