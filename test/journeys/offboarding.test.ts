import { randomBytes } from 'crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { handleHookRequest, HookDeps, REFUSED } from '../../lambda/offboarding/hook-core';
import { deliveryKey, eventKey } from '../../lambda/offboarding/ledger';
import type { OffboardingJob } from '../../lambda/offboarding/okta-event';
import { OFFBOARDING_LEDGER_PREFIX } from '../../lib/constructs/offboarding';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { resolvedStack } from '../iam/stack-under-test';
import { aroundLocalStack } from '../local/around-local-stack';
import { delivery, oktaEvent } from '../lambda/offboarding/fixtures';
import { journeyRoutes, outcome } from './route-clients';
import { HOOK_SECRET, into, offboardingWorld } from './offboarding-world';

/*
 * Offboarding, end to end on the local stack: bob holds valid route-1 credentials (the SDK's own
 * fromCognitoIdentityPool against the local identity pool), Okta deactivates him (a delivery to the
 * event hook's handler), the queued job runs the mover with a session of the mover's role from the
 * synthesized template (every S3 request decided by the IAM front), and then bob, with the same
 * credentials, can read nothing. The hook and the reconciler claim deliveries and events in the
 * real S3 ledger (s3Ledger: conditional PutObject), each with a session of its own role, through
 * the front, which answers If-None-Match as S3 does. carol's deactivation reaches no hook: the
 * reconciler finds it in the Okta stand-in's System Log. Jobs go through a local SQS queue
 * (local-aws-sqs, with the template's visibility timeout) and reach the mover as Lambda's event
 * source mapping hands them over (batch size from the template, failures left on the queue).
 */

const { template, ids } = resolvedStack();
const BOB = '00uBob000000000000b2';
const ALICE = '00uAliceOffboard0001';
const CAROL = '00uCarol000000000c3';

let okta: OidcIssuer;
let stack: LocalStack;
aroundLocalStack(template, (running) => ({ okta, stack } = running));

const { s3With, route1, bytesOf, teams } = journeyRoutes(() => ({
  stack,
  okta,
  webIdentityRoleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
}));
const { oktaOrg, queueDepth, moverS3, ledgerOf, toSqs, hookDeps, runMover, reconcilerRun } = offboardingWorld(
  template,
  () => ({ stack, s3With }),
);

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
    const deps = hookDeps(into(queue));
    const body = delivery(
      [oktaEvent(BOB, 'user.lifecycle.deactivate', 'hostile-replay')],
      'replayed-delivery',
    );
    expect(await post(deps, body, 'not-the-secret')).toEqual(REFUSED);
    expect(await post(deps, '{"eventType":"com.okta.event_hook"', HOOK_SECRET)).toEqual(REFUSED);
    expect((await post(deps, body)).statusCode).toBe(200);
    queue.length = 0;
    expect(await post(deps, body)).toEqual(REFUSED);
    expect(queue).toEqual([]);
  });

  test('the S3 ledger claims a replayed Okta event once, through the front, and a release frees it', async () => {
    // Another delivery (a new eventId: Okta's retry of a delivery it thinks failed) carrying the
    // event already taken: accepted, and nothing queued, so no second move.
    const queue: OffboardingJob[] = [];
    const event = oktaEvent(BOB, 'user.lifecycle.deactivate', 'hostile-replay');
    const answer = await post(hookDeps(into(queue)), delivery([event], 'redelivered-by-okta'));
    expect(answer).toEqual({ statusCode: 200, body: JSON.stringify({ queued: 0 }) });
    expect(queue).toEqual([]);
    // The claims are objects in the bucket: a third claim of each is refused by S3's 412.
    const ledger = ledgerOf('Hook');
    expect(await ledger.claim(eventKey('hostile-replay'))).toBe(false);
    expect(await ledger.claim(deliveryKey('redelivered-by-okta'))).toBe(false);
    const refusals = stack.s3.decisions.filter(
      (d) => d.resource.includes(`/${OFFBOARDING_LEDGER_PREFIX}`) && d.decision !== 'Allowed',
    );
    expect(refusals).toEqual([]); // every claim was allowed by IAM: the refusals were S3's 412s
    // Two claims of one key at once (Okta's retry racing the first delivery): exactly one wins.
    const raced = await Promise.all([
      ledgerOf('Hook').claim('races/r1'),
      ledgerOf('Reconciler').claim('races/r1'),
    ]);
    expect(raced.sort()).toEqual([false, true]);
    // What the hook releases when queuing failed can be claimed by Okta's retry.
    await ledger.release(deliveryKey('redelivered-by-okta'));
    expect(await ledger.claim(deliveryKey('redelivered-by-okta'))).toBe(true);
  });

  test('after the event, the move runs and bob, with the same credentials, reads nothing', async () => {
    const bob = await route1(BOB); // credentials fetched before the event, still valid after it
    await bob.send(new ListObjectsV2Command({ Bucket: stack.model.bucketName, Prefix: `users/${BOB}/` }));
    const started = performance.now();

    // Okta logs the deactivation and delivers the same event to the hook.
    const event = oktaOrg().systemLog.deactivate(BOB);
    const answer = await post(hookDeps(), delivery([event], 'deactivate-bob'));
    const queuedAt = performance.now();
    expect(answer.statusCode).toBe(200);
    expect(await queueDepth()).toBe(1);

    const { jobs, logs, failures } = await runMover();
    const movedAt = performance.now();
    expect(jobs.map((j) => [j.sub, j.source])).toEqual([[BOB, 'hook']]);
    expect(failures).toEqual([]);
    expect(await queueDepth()).toBe(0);
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
    console.info(`offboarding window (local, hook): ${JSON.stringify(window)}`);
    expect(window.totalMs).toBeLessThan(10_000);
  });

  test('nothing is lost: the same bytes are under offboarded/, and the team folder is untouched', async () => {
    const mover = moverS3();
    for (const [name, body] of Object.entries(files))
      expect((await bytesOf(mover, `offboarded/${BOB}/${name}`)).equals(body)).toBe(true);
    expect((await bytesOf(await route1(ALICE), teamKey)).toString()).toBe('team budget');
  });

  test('a second delivery for bob (delete after deactivate) moves nothing more', async () => {
    await post(hookDeps(), delivery([oktaEvent(BOB, 'user.lifecycle.delete.initiated')], 'delete-bob'));
    const { logs } = await runMover();
    expect(logs).toEqual([expect.objectContaining({ outcome: 'moved', moved: 0 })]);
  });
});

describe("carol is deactivated, the hook's delivery is lost, and the reconciler catches it", () => {
  const files = { 'plan.md': randomBytes(8 * 1024), 'photos/team.jpg': randomBytes(16 * 1024) };

  test("the reconciler's scheduled run finds the event in Okta's System Log, and her prefix moves", async () => {
    const carol = await route1(CAROL);
    const Bucket = stack.model.bucketName;
    for (const [name, body] of Object.entries(files))
      await carol.send(new PutObjectCommand({ Bucket, Key: `users/${CAROL}/${name}`, Body: body }));
    const started = performance.now();

    oktaOrg().systemLog.deactivate(CAROL); // logged by Okta; its hook delivery never arrives
    const run = await reconcilerRun();
    const queuedAt = performance.now();
    // bob's deactivation is in the log too, but the hook took it: only carol is queued.
    expect(run.queued).toEqual([CAROL]);
    expect(run.events).toBeGreaterThanOrEqual(2);

    const { jobs, logs, failures } = await runMover();
    expect(jobs).toEqual([expect.objectContaining({ sub: CAROL, source: 'reconciler' })]);
    expect(failures).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ outcome: 'moved', sub: CAROL, moved: 2 })]);
    for (const name of Object.keys(files)) {
      expect(
        await outcome(() => carol.send(new GetObjectCommand({ Bucket, Key: `users/${CAROL}/${name}` }))),
      ).toBe('NoSuchKey 404');
      expect(
        await outcome(() => carol.send(new GetObjectCommand({ Bucket, Key: `offboarded/${CAROL}/${name}` }))),
      ).toBe('AccessDenied 403');
    }
    const done = performance.now();
    const window = { queuedMs: queuedAt - started, totalMs: done - started };
    console.info(`offboarding window (local, reconciler run after the event): ${JSON.stringify(window)}`);
  });

  test('a second run changes nothing: the event is read again but the ledger has it', async () => {
    const run = await reconcilerRun();
    expect(run.events).toBeGreaterThanOrEqual(2);
    expect(run.queued).toEqual([]);
    expect(await queueDepth()).toBe(0);
    expect((await runMover()).jobs).toEqual([]);
    const mover = moverS3();
    for (const [name, body] of Object.entries(files))
      expect((await bytesOf(mover, `offboarded/${CAROL}/${name}`)).equals(body)).toBe(true);
  });

  test('a wrong API token: the System Log answers 401, the run fails and queues nothing', async () => {
    oktaOrg().systemLog.deactivate('00uDave00000000000d4');
    await expect(reconcilerRun(toSqs, 'not-the-token')).rejects.toThrow('Okta System Log answered 401');
    expect(await queueDepth()).toBe(0);
  });
});
