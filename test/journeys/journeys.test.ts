import { randomBytes } from 'crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import * as identity from '../../lambda/presign/identity';
import { authorizerClaims, verifiedPayload } from '../../lambda/presign/token-binding';
import { MATRIX_USERS } from '../../cli/verify/matrix';
import { resolvedStack } from '../iam/stack-under-test';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { aroundLocalStack } from '../local/around-local-stack';
import { journeyRoutes, outcome, REFUSED_BY_IAM } from './route-clients';

/*
 * Journeys: from an ID token minted by the local issuer standing in for Okta, through the real SDK
 * credential providers (routes 1 and 2) or the real presign handler behind the authorizer model
 * (route 3), to the SigV4-checking S3 server behind the IAM-enforcing front. Every decision on the
 * way (trust, principal tags, session length, each S3 request) comes from the synthesized template.
 */

const { template, ids } = resolvedStack();
const ALICE = MATRIX_USERS[0].sub; // 00uAAAAAAAAAAAAAAAA1
const ALICE_B = MATRIX_USERS[1].sub; // 00uAAAAAAAAAAAAAAAA1B: ALICE plus one character
const BOB = '00uBob000000000000b2';

let okta: OidcIssuer;
let stack: LocalStack;

aroundLocalStack(template, (running) => ({ okta, stack } = running));

const { s3With, route1, route2, route3, bytesOf, attemptsOn } = journeyRoutes(() => ({
  stack,
  okta,
  webIdentityRoleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
}));

/** HTTP status and S3 error code of a plain HTTP request. */
async function s3ErrorOf(response: Promise<Response>): Promise<string> {
  const got = await response;
  return `${got.status} ${/<Code>([^<]+)<\/Code>/.exec(await got.text())?.[1] ?? '-'}`;
}

const roleOf = (sessionArn: string) => sessionArn.split('/')[1];

describe('one key, three routes', () => {
  test('alice uploads through route 1, lists through route 3 and downloads through route 2: the same bytes', async () => {
    const bytes = randomBytes(64 * 1024);
    const key = `users/${ALICE}/journey/report.bin`;
    const before = stack.s3.decisions.length;

    await (
      await route1(ALICE)
    ).send(new PutObjectCommand({ Bucket: stack.model.bucketName, Key: key, Body: bytes }));
    const listed = await (await route3(ALICE)).listKeys();
    const downloaded = await bytesOf(await route2(ALICE), key);

    expect(listed).toContain(key);
    expect(downloaded.equals(bytes)).toBe(true);
    // Each step was decided by the front for the role of its route, and allowed.
    const steps = stack.s3.decisions.slice(before).map((d) => [d.action, roleOf(d.sessionArn), d.decision]);
    expect(steps).toEqual([
      ['s3:PutObject', template.ref(ids.identityPoolRole), 'Allowed'],
      ['s3:ListBucket', template.ref(ids.presignRole), 'Allowed'],
      ['s3:GetObject', template.ref(ids.webIdentityRole), 'Allowed'],
    ]);
  });

  test('alice uploads through route 3 and reads it back through routes 1, 2 and 3', async () => {
    const bytes = randomBytes(4096);
    const alice = await route3(ALICE);
    const key = await alice.upload('notes.bin', bytes);
    expect(key.startsWith(`users/${ALICE}/`)).toBe(true);
    expect((await bytesOf(await route1(ALICE), key)).equals(bytes)).toBe(true);
    expect((await bytesOf(await route2(ALICE), key)).equals(bytes)).toBe(true);
    const viaApi = await alice.download(key);
    expect(viaApi.status).toBe(200);
    expect(viaApi.bytes?.equals(bytes)).toBe(true);
  });
});

describe('another user is refused on every route', () => {
  const secret = Buffer.from('alice only');
  let aliceKey: string;

  beforeAll(async () => {
    aliceKey = await (await route3(ALICE)).upload('secret.txt', secret);
  });

  test('route 1: bob cannot read, overwrite, delete or list alice’s objects', async () => {
    expect(await attemptsOn(await route1(BOB), aliceKey, `users/${ALICE}/`)).toEqual(REFUSED_BY_IAM);
  });

  test('route 2: bob cannot read, overwrite, delete or list alice’s objects', async () => {
    expect(await attemptsOn(await route2(BOB), aliceKey, `users/${ALICE}/`)).toEqual(REFUSED_BY_IAM);
  });

  test('route 3: bob gets no URL for alice’s object and does not see it listed', async () => {
    const bob = await route3(BOB);
    expect(await bob.download(aliceKey)).toEqual({ status: 404 });
    expect(await bob.listKeys()).not.toContain(aliceKey);
    // A URL bob was given for his own key, pointed at alice's: IAM refuses bob's session there.
    // Pointed at another of bob's own keys, IAM allows it and S3's signature check refuses it.
    const own = await bob.upload('mine.txt', Buffer.from('bob'));
    const presigned = await bob.call('POST', '/downloads', { key: own });
    const retarget = (key: string) => presigned.body.url.replace(encodeURI(own), encodeURI(key));
    expect(retarget(aliceKey)).not.toBe(presigned.body.url);
    expect(await s3ErrorOf(fetch(retarget(aliceKey)))).toBe('403 AccessDenied');
    expect(await s3ErrorOf(fetch(retarget(`users/${BOB}/other.txt`)))).toBe('403 SignatureDoesNotMatch');
    expect(await s3ErrorOf(fetch(presigned.body.url))).toBe('200 -');
  });

  test('route 3: bob’s own session signs a URL for alice’s key, and IAM refuses it', async () => {
    // The presign role's session for bob (tag okta_sub=bob), used directly: what a key-building bug would yield.
    const bob = await route3(BOB);
    await bob.listKeys(); // makes the handler assume the presign role for bob
    const bobSession = stack.sessions
      .all()
      .filter((s) => s.tags.okta_sub === BOB && s.roleLogicalId === ids.presignRole);
    expect(bobSession).toHaveLength(1);
    const client = s3With(async () => bobSession[0].credentials);
    expect(await attemptsOn(client, aliceKey, `users/${ALICE}/`)).toEqual(REFUSED_BY_IAM);
  });

  test('alice’s object is unchanged after every attempt', async () => {
    expect((await bytesOf(await route2(ALICE), aliceKey)).equals(secret)).toBe(true);
  });
});

describe('the prefix-extension pair (00uA…1 and 00uA…1B) on every route', () => {
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    for (const sub of [ALICE, ALICE_B])
      keys[sub] = await (await route3(sub)).upload('pair.txt', Buffer.from(sub));
  });

  test.each([
    [ALICE, ALICE_B],
    [ALICE_B, ALICE],
  ])('%s cannot reach %s through routes 1 and 2', async (who, whose) => {
    for (const client of [await route1(who), await route2(who)]) {
      expect(await attemptsOn(client, keys[whose], `users/${whose}/`)).toEqual(REFUSED_BY_IAM);
    }
  });

  test.each([ALICE, ALICE_B])(
    '%s cannot list without the slash after the key (routes 1 and 2)',
    async (who) => {
      for (const client of [await route1(who), await route2(who)]) {
        expect(
          await outcome(() =>
            client.send(new ListObjectsV2Command({ Bucket: stack.model.bucketName, Prefix: `users/${who}` })),
          ),
        ).toBe('AccessDenied 403');
      }
    },
  );

  test.each([
    [ALICE, ALICE_B],
    [ALICE_B, ALICE],
  ])('%s cannot reach %s through route 3', async (who, whose) => {
    const caller = await route3(who);
    expect(await caller.download(keys[whose])).toEqual({ status: 404 });
    const listed = await caller.listKeys();
    expect(listed).toContain(keys[who]);
    expect(listed).not.toContain(keys[whose]);
  });
});

/**
 * What bob reaches through route 3 after writing alice's Okta sub into every attribute his app
 * client lets him write (the template's WriteAttributes), then refreshing his ID token.
 */
async function route3AfterRewritingWritableClaims(aliceKey: string) {
  const bob = await route3(BOB);
  stack.userPool.writeAttributes(
    BOB,
    Object.fromEntries(stack.userPool.writableAttributes.map((name) => [name, ALICE])),
  );
  bob.refresh();
  const listed = await bob.listKeys();
  const download = await bob.download(aliceKey);
  return { sawAlicesKey: listed.includes(aliceKey), download: download.status, bytes: download.bytes };
}

describe('route 3 takes the identity only from what Cognito controls', () => {
  let aliceKey: string;
  beforeAll(async () => {
    aliceKey = await (await route3(ALICE)).upload('claims.txt', Buffer.from('alice via claims'));
  });

  test('bob, with alice’s sub in every attribute he can write, still reaches only his own prefix', async () => {
    expect(stack.userPool.writableAttributes.length).toBeGreaterThan(0);
    expect(await route3AfterRewritingWritableClaims(aliceKey)).toEqual({
      sawAlicesKey: false,
      download: 404,
      bytes: undefined,
    });
  });

  test('negative control: a handler reading the identity from a writable claim lets bob in, and the journey sees it', async () => {
    // The defect class, put back: the caller's sub taken from a claim the user can write
    // (here the first of the client's WriteAttributes, after the token binding), not from `identities`.
    const writable = stack.userPool.writableAttributes[0];
    const spy = vi.spyOn(identity, 'callerSub').mockImplementation((event) => {
      const claim = verifiedPayload(event, authorizerClaims(event))[writable];
      return String(claim);
    });
    try {
      const reached = await route3AfterRewritingWritableClaims(aliceKey);
      expect(reached.sawAlicesKey).toBe(true);
      expect(reached.download).toBe(200);
      expect(reached.bytes?.toString()).toBe('alice via claims');
    } finally {
      spy.mockRestore();
    }
  });
});
