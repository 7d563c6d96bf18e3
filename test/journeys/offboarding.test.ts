import { randomBytes } from 'crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { handleHookRequest, HookDeps, REFUSED } from '../../lambda/offboarding/hook-core';
import { memoryLedger } from '../../lambda/offboarding/ledger';
import type { OffboardingJob } from '../../lambda/offboarding/okta-event';
import { moveBatch } from '../../lambda/offboarding/mover';
import { s3MoveStore } from '../../lambda/offboarding/s3-move-store';
import { sessionArnOf } from '../../emulator/iam/simulate';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { resolvedStack } from '../iam/stack-under-test';
import { aroundLocalStack } from '../local/around-local-stack';
import { delivery, oktaEvent } from '../lambda/offboarding/fixtures';
import { journeyRoutes, outcome } from './route-clients';

/*
 * Offboarding, end to end on the local stack: bob holds valid route-1 credentials (the SDK's own
 * fromCognitoIdentityPool against the local identity pool), Okta deactivates him (a delivery to the
 * event hook's handler), the queued job runs the mover with a session of the mover's role from the
 * synthesized template (every S3 request decided by the IAM front), and then bob, with the same
 * credentials, can read nothing. The queue and the ledger are in memory here (the local stack has
 * no SQS, and s3rver has no conditional writes); their semantics are unit-tested in
 * test/lambda/offboarding.
 */

const { template, ids } = resolvedStack();
const BOB = '00uBob000000000000b2';
const ALICE = '00uAliceOffboard0001';
const HOOK_SECRET = randomBytes(24).toString('hex');

let okta: OidcIssuer;
let stack: LocalStack;
aroundLocalStack(template, (running) => ({ okta, stack } = running));

const { s3With, route1, bytesOf, teams } = journeyRoutes(() => ({
  stack,
  okta,
  webIdentityRoleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
}));

const moverRoleId = Object.keys(template.resources).find(
  (id) => id.startsWith('OffboardingMoverRole') && template.resources[id].Type === 'AWS::IAM::Role',
)!;

/** The mover's S3 client: a session of its execution role, as Lambda hands it to the function. */
function moverS3() {
  const session = stack.sessions.issue({
    roleLogicalId: moverRoleId,
    roleArn: template.getAtt(moverRoleId, 'Arn'),
    sessionArn: sessionArnOf(template, moverRoleId, 'offboarding-mover'),
    tags: {},
    context: {},
    issuedBy: 'the Lambda runtime (offboarding mover)',
    durationSeconds: 900,
  });
  return s3With(async () => session.credentials);
}

function hookDeps(queue: OffboardingJob[]): HookDeps {
  return {
    secret: async () => HOOK_SECRET,
    ledger: memoryLedger(),
    enqueue: async (job) => void queue.push(job),
    log: () => undefined,
  };
}

const post = (deps: HookDeps, body: string, authorization = HOOK_SECRET) =>
  handleHookRequest({ method: 'POST', headers: { authorization }, body }, deps);

describe('bob is deactivated in Okta while holding valid route-1 credentials', () => {
  const files = { 'report.pdf': randomBytes(32 * 1024), 'notes/todo.txt': Buffer.from('call alice') };
  const teamKey = 'teams/finance/budget.xlsx';
  let window: { queuedMs: number; movedMs: number; totalMs: number } | undefined;

  test('bob reads and lists his files before', async () => {
    teams.set(ALICE, ':finance=rw:');
    const bob = await route1(BOB);
    for (const [name, body] of Object.entries(files))
      await bob.send(
        new PutObjectCommand({ Bucket: stack.model.bucketName, Key: `users/${BOB}/${name}`, Body: body }),
      );
    await (
      await route1(ALICE)
    ).send(new PutObjectCommand({ Bucket: stack.model.bucketName, Key: teamKey, Body: 'team budget' }));
    expect((await bytesOf(bob, `users/${BOB}/report.pdf`)).equals(files['report.pdf'])).toBe(true);
  });

  test('a wrong secret, a malformed body and a replay get the one 403, and queue nothing', async () => {
    const queue: OffboardingJob[] = [];
    const deps = hookDeps(queue);
    const body = delivery([oktaEvent(BOB)], 'replayed-delivery');
    expect(await post(deps, body, 'not-the-secret')).toEqual(REFUSED);
    expect(await post(deps, '{"eventType":"com.okta.event_hook"', HOOK_SECRET)).toEqual(REFUSED);
    expect((await post(deps, body)).statusCode).toBe(200);
    queue.length = 0;
    expect(await post(deps, body)).toEqual(REFUSED);
    expect(queue).toEqual([]);
  });

  test('after the event, the move runs and bob, with the same credentials, reads nothing', async () => {
    const bob = await route1(BOB); // credentials fetched before the event, still valid after it
    await bob.send(new ListObjectsV2Command({ Bucket: stack.model.bucketName, Prefix: `users/${BOB}/` }));
    const queue: OffboardingJob[] = [];
    const started = performance.now();

    const answer = await post(hookDeps(queue), delivery([oktaEvent(BOB)], 'deactivate-bob'));
    const queuedAt = performance.now();
    expect(answer.statusCode).toBe(200);
    expect(queue.map((j) => j.sub)).toEqual([BOB]);

    const logs: Record<string, unknown>[] = [];
    const result = await moveBatch(
      queue.map((job, i) => ({ messageId: `m${i}`, body: JSON.stringify(job) })),
      {
        store: s3MoveStore(moverS3(), stack.model.bucketName),
        usersPrefix: 'users/',
        offboardedPrefix: 'offboarded/',
        log: (entry) => logs.push(entry),
      },
    );
    const movedAt = performance.now();
    expect(result.batchItemFailures).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ outcome: 'moved', sub: BOB, moved: 2, resumed: 0 })]);

    const Bucket = stack.model.bucketName;
    const listed = await bob.send(new ListObjectsV2Command({ Bucket, Prefix: `users/${BOB}/` }));
    expect(listed.Contents ?? []).toEqual([]);
    for (const name of Object.keys(files)) {
      expect(
        await outcome(() => bob.send(new GetObjectCommand({ Bucket, Key: `users/${BOB}/${name}` }))),
      ).toBe('NoSuchKey 404');
      expect(
        await outcome(() => bob.send(new GetObjectCommand({ Bucket, Key: `offboarded/${BOB}/${name}` }))),
      ).toBe('AccessDenied 403');
    }
    expect(
      await outcome(() => bob.send(new ListObjectsV2Command({ Bucket, Prefix: `offboarded/${BOB}/` }))),
    ).toBe('AccessDenied 403');
    const done = performance.now();
    window = { queuedMs: queuedAt - started, movedMs: movedAt - queuedAt, totalMs: done - started };
    console.info(`offboarding window (local): ${JSON.stringify(window)}`);
    expect(window.totalMs).toBeLessThan(10_000);
  });

  test('nothing is lost: the same bytes are under offboarded/, and the team folder is untouched', async () => {
    const mover = moverS3();
    for (const [name, body] of Object.entries(files))
      expect((await bytesOf(mover, `offboarded/${BOB}/${name}`)).equals(body)).toBe(true);
    expect((await bytesOf(await route1(ALICE), teamKey)).toString()).toBe('team budget');
  });

  test('a second delivery for bob (delete after deactivate) moves nothing more', async () => {
    const queue: OffboardingJob[] = [];
    await post(hookDeps(queue), delivery([oktaEvent(BOB, 'user.lifecycle.delete.initiated')], 'delete-bob'));
    const logs: Record<string, unknown>[] = [];
    await moveBatch(
      queue.map((job, i) => ({ messageId: `d${i}`, body: JSON.stringify(job) })),
      {
        store: s3MoveStore(moverS3(), stack.model.bucketName),
        usersPrefix: 'users/',
        offboardedPrefix: 'offboarded/',
        log: (entry) => logs.push(entry),
      },
    );
    expect(logs).toEqual([expect.objectContaining({ outcome: 'moved', moved: 0 })]);
  });
});
