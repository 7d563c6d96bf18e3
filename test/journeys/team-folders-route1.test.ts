import { randomBytes } from 'crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { resolvedStack } from '../iam/stack-under-test';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { aroundLocalStack } from '../local/around-local-stack';
import { journeyRoutes, REFUSED_BY_IAM } from './route-clients';

/*
 * Team folders through route 1, end to end: Okta tokens carrying the okta_teams claim, the SDK's
 * own fromCognitoIdentityPool against the Cognito Identity stand-in (which tags the session by the
 * template's principal-tag map), and S3 behind the IAM-enforcing front. The test configuration's
 * dev environment has finance (read-write), "Finance readers" on finance (read), fin (read-write)
 * and auditors (read).
 */

const { template, ids } = resolvedStack();
const ALICE = '00uTEAMALICE00000001'; // finance, read-write
const BOB = '00uTEAMBOB0000000002'; // finance, read
const CAROL = '00uTEAMCAROL00000003'; // no team
const ERIN = '00uTEAMERIN000000005'; // fin, read-write: the prefix-extension pair

let okta: OidcIssuer;
let stack: LocalStack;
aroundLocalStack(template, (running) => ({ okta, stack } = running));

const { teams, route1, route2, bytesOf, attemptsOn } = journeyRoutes(() => ({
  stack,
  okta,
  webIdentityRoleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
}));

const bytes = randomBytes(2048);
const key = `teams/finance/${randomBytes(4).toString('hex')}/q3-report.csv`;

beforeAll(async () => {
  teams.set(ALICE, ':finance=rw:');
  teams.set(BOB, ':finance=r:');
  teams.set(CAROL, ':');
  teams.set(ERIN, ':fin=rw:');
  const alice = await route1(ALICE);
  await alice.send(new PutObjectCommand({ Bucket: stack.model.bucketName, Key: key, Body: bytes }));
});

describe('team folders on route 1', () => {
  test('alice (finance, read-write) uploads and bob (finance, read) downloads the same bytes', async () => {
    expect((await bytesOf(await route1(BOB), key)).equals(bytes)).toBe(true);
  });

  test('bob’s upload, overwrite and delete are refused by IAM, not only by a client', async () => {
    const attempts = await attemptsOn(await route1(BOB), key, 'teams/finance/');
    expect({ put: attempts.put, delete: attempts.delete }).toEqual({
      put: REFUSED_BY_IAM.put,
      delete: REFUSED_BY_IAM.delete,
    });
    expect(attempts.decided).toEqual([
      's3:GetObject Allowed',
      's3:PutObject ImplicitlyDenied',
      's3:DeleteObject ImplicitlyDenied',
      's3:ListBucket Allowed',
    ]);
    expect((await bytesOf(await route1(ALICE), key)).equals(bytes)).toBe(true);
  });

  test('carol (no team) is refused everything in the folder', async () => {
    expect(await attemptsOn(await route1(CAROL), key, 'teams/finance/')).toEqual(REFUSED_BY_IAM);
  });

  test('the fin/finance pair does not leak: erin (fin) cannot reach finance', async () => {
    expect(await attemptsOn(await route1(ERIN), key, 'teams/finance/')).toEqual(REFUSED_BY_IAM);
  });

  test('route 2 stays personal: alice’s own web-identity session cannot reach the team folder', async () => {
    expect(await attemptsOn(await route2(ALICE), key, 'teams/finance/')).toEqual(REFUSED_BY_IAM);
  });

  test('bob leaves finance: his next credentials no longer reach it; those issued before last until they expire', async () => {
    teams.set(BOB, ':finance=r:');
    const before = await route1(BOB);
    expect((await bytesOf(before, key)).equals(bytes)).toBe(true);

    teams.set(BOB, ':'); // removed from "Finance readers" in Okta: his next ID token says so
    const after = await route1(BOB);
    const attempts = await attemptsOn(after, key, 'teams/finance/');
    expect({ get: attempts.get, list: attempts.list }).toEqual({
      get: REFUSED_BY_IAM.get,
      list: REFUSED_BY_IAM.list,
    });
    // Credentials are not revoked by a group change: the session from before still reads, until it
    // expires (one hour for the identity pool's credentials; README: Team folders, removal).
    expect((await bytesOf(before, key)).equals(bytes)).toBe(true);
  });
});
