import { Readable } from 'stream';
import {
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  CognitoIdentityClient,
} from '@aws-sdk/client-cognito-identity';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { CheckResult } from '../../cli/verify/check';
import { Outputs, stackOutputs } from '../../cli/verify/outputs';
import { teamFolderProbe } from '../../cli/verify/probes/teams';
import { identityPoolProbe } from '../../cli/verify/probes/web-identity';
import { testClients } from './deployed';
import outputsFile from '../scripts/fixtures/outputs.json';

/** The fixture stack, deployed with the test configuration's team folders. */
const o: Outputs = {
  ...stackOutputs(outputsFile, 'OktaS3Storage-prod').outputs,
  TeamFolders: 'finance=read-write,fin=read-write,auditors=read',
};
const SUB = '00uAAAAAAAAAAAAAAAA1';
const $metadata = { httpStatusCode: 200 };
const ROUTE_KEY = {
  accessKeyId: 'ASIAROUTEROUTEROUTE1',
  secretAccessKey: 'route-secret',
  sessionToken: 'route-session',
};

const s3 = mockClient(S3Client);
const cognito = mockClient(CognitoIdentityClient);
afterEach(() => {
  s3.reset();
  cognito.reset();
});
afterAll(() => {
  s3.restore();
  cognito.restore();
});

const accessDenied = () =>
  new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'Access Denied',
    $metadata: { httpStatusCode: 403 },
  });

/**
 * S3 as IAM would answer a member's session: requests signed with the route's key may write under
 * `writable` prefixes and read (get, list) under `readable` ones; anything else is AccessDenied
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
function enforcingS3(writable: string[], readable: string[] = writable) {
  const objects = new Map<string, string>();
  const authorize = async (key: string, prefixes: string[], getClient: () => S3Client) => {
    const credentials = await getClient().config.credentials();
    if (credentials.accessKeyId !== ROUTE_KEY.accessKeyId || !prefixes.some((p) => key.startsWith(p)))
      throw accessDenied();
  };
  const readOrWrite = [...readable, ...writable];
  s3.on(PutObjectCommand).callsFake(async (input, getClient) => {
    await authorize(input.Key, writable, getClient);
    objects.set(input.Key, String(input.Body));
    return { $metadata, ETag: '"etag"' };
  });
  s3.on(DeleteObjectCommand).callsFake(async (input, getClient) => {
    await authorize(input.Key, writable, getClient);
    objects.delete(input.Key);
    return { $metadata, DeleteMarker: true };
  });
  s3.on(ListObjectsV2Command).callsFake(async (input, getClient) => {
    await authorize(input.Prefix, readOrWrite, getClient);
    const keys = [...objects.keys()].filter((k) => k.startsWith(input.Prefix));
    return { $metadata, KeyCount: keys.length, Contents: keys.map((Key) => ({ Key })) };
  });
  s3.on(GetObjectCommand).callsFake(async (input, getClient) => {
    await authorize(input.Key, readOrWrite, getClient);
    const body = objects.get(input.Key) ?? '';
    return { $metadata, Body: sdkStreamMixin(Readable.from([Buffer.from(body)])) };
  });
  return objects;
}

const routeS3 = () => new S3Client({ region: 'eu-west-1', credentials: ROUTE_KEY });
const probe = (claims: Record<string, unknown>, outputs = o, route: 'route1' | 'route2' = 'route1') =>
  teamFolderProbe(route, routeS3(), outputs, { sub: SUB, ...claims });
const statuses = (rows: CheckResult[]) => rows.map((r) => [r.check, r.status]);
const rowOf = (rows: CheckResult[], check: string) => rows.find((r) => r.check === check)!;

describe('team-folder probe, route 1', () => {
  test('a read-write member: put, list, get, delete in their folder; another folder and <folder>x refused', async () => {
    const objects = enforcingS3([`users/${SUB}/`, 'teams/finance/']);
    const rows = await probe({ okta_teams: ':finance=rw:' });
    expect(statuses(rows)).toEqual([
      ['probe.route1.team.put', 'PASS'],
      ['probe.route1.team.list', 'PASS'],
      ['probe.route1.team.get', 'PASS'],
      ['probe.route1.team.delete', 'PASS'],
      ['probe.route1.team.non-member', 'PASS'],
      ['probe.route1.team.extension', 'PASS'],
    ]);
    expect(rows[0].expected).toMatch(/^PutObject teams\/finance\/okta-s3-storage-verify\/.+\.txt/);
    expect(rowOf(rows, 'probe.route1.team.non-member').expected).toContain('teams/fin/');
    expect(rowOf(rows, 'probe.route1.team.extension').expected).toContain('teams/financex/');
    expect(objects.size).toBe(0);
  });

  test('a read member: lists their folder, is refused a put there, and another folder', async () => {
    enforcingS3([`users/${SUB}/`], ['teams/auditors/']);
    const rows = await probe({ okta_teams: ':auditors=r:' });
    expect(statuses(rows)).toEqual([
      ['probe.route1.team.list', 'PASS'],
      ['probe.route1.team.read-only', 'PASS'],
      ['probe.route1.team.non-member', 'PASS'],
      ['probe.route1.team.extension', 'PASS'],
    ]);
    expect(rowOf(rows, 'probe.route1.team.non-member').expected).toContain('teams/finance/');
  });

  test('a non-member allowed into a folder the claim does not name: FAIL, and the object is removed', async () => {
    // As if fin's statements had lost their okta_teams condition.
    const objects = enforcingS3(['teams/finance/', 'teams/fin/']);
    const rows = await probe({ okta_teams: ':finance=rw:' });
    expect(rowOf(rows, 'probe.route1.team.non-member')).toMatchObject({
      status: 'FAIL',
      found: 'stored (then deleted)',
    });
    expect(rowOf(rows, 'probe.route1.team.non-member').finding).toContain('does not name fin');
    expect(objects.size).toBe(0);
  });

  test('a member reaching <folder>x/: FAIL naming the missing slash', async () => {
    enforcingS3(['teams/finance']); // the slash after the folder is missing
    const rows = await probe({ okta_teams: ':finance=rw:' });
    expect(rowOf(rows, 'probe.route1.team.extension').status).toBe('FAIL');
    expect(rowOf(rows, 'probe.route1.team.extension').finding).toContain('slash after the folder name');
  });

  test('a member refused their own folder: FAIL naming the principal-tag map', async () => {
    enforcingS3([`users/${SUB}/`]);
    const rows = await probe({ okta_teams: ':finance=rw:' });
    expect(rows[0]).toMatchObject({ check: 'probe.route1.team.put', status: 'FAIL' });
    expect(rows[0].finding).toContain('principal-tag map lacks okta_teams');
  });

  test('a read member allowed to write: FAIL', async () => {
    enforcingS3(['teams/auditors/']);
    const rows = await probe({ okta_teams: ':auditors=r:' });
    expect(rowOf(rows, 'probe.route1.team.read-only').status).toBe('FAIL');
  });

  test.each([
    ['no okta_teams claim', {}, 'no claim'],
    ['an empty membership list', { okta_teams: ':' }, '":"'],
    ['only a folder this stack does not configure', { okta_teams: ':marketing=rw:' }, 'marketing'],
  ])('%s: one SKIP telling the operator to add the probe user to a group', async (_name, claims, shown) => {
    enforcingS3(['teams/']);
    const rows = await probe(claims);
    expect(statuses(rows)).toEqual([['probe.route1.team', 'SKIP']]);
    expect(rows[0].finding).toContain(
      'Add the probe user to the Okta group of one of the folders finance, fin, auditors',
    );
    expect(rows[0].finding).toContain(shown);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('an older stack without the TeamFolders output, or none configured: SKIP saying which', async () => {
    const older = Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'TeamFolders')) as Outputs;
    const [old] = await probe({ okta_teams: ':finance=rw:' }, older);
    expect(old).toMatchObject({ check: 'probe.route1.team', status: 'SKIP' });
    expect(old.finding).toContain('no TeamFolders output');
    const [none] = await probe({ okta_teams: ':finance=rw:' }, { ...o, TeamFolders: 'none' });
    expect(none.finding).toBe('This stack configures no team folders.');
  });
});

describe('team-folder probe, route 2 (personal)', () => {
  test("the member's own team folder is AccessDenied: PASS", async () => {
    enforcingS3([`users/${SUB}/`]);
    const rows = await probe({ okta_teams: ':finance=rw:' }, o, 'route2');
    expect(statuses(rows)).toEqual([['probe.route2.team.personal', 'PASS']]);
  });

  test('a route-2 session reaching the team folder: FAIL', async () => {
    enforcingS3([`users/${SUB}/`, 'teams/finance/']);
    const [row] = await probe({ okta_teams: ':finance=rw:' }, o, 'route2');
    expect(row).toMatchObject({ status: 'FAIL', found: 'stored (then deleted)' });
    expect(row.finding).toContain('must stay personal');
  });
});

describe('wired into the route 1 probe', () => {
  const signIn = () => {
    cognito.on(GetIdCommand).resolves({ $metadata, IdentityId: 'eu-west-1:1111' });
    cognito.on(GetCredentialsForIdentityCommand).resolves({
      $metadata,
      Credentials: {
        AccessKeyId: ROUTE_KEY.accessKeyId,
        SecretKey: ROUTE_KEY.secretAccessKey,
        SessionToken: ROUTE_KEY.sessionToken,
      },
    });
  };

  test("with the token's claims the team rows follow the own-prefix rows, signed with the route's session", async () => {
    signIn();
    enforcingS3([`users/${SUB}/`, 'teams/finance/']);
    const rows = await identityPoolProbe(testClients(), o, 'h.p.s', SUB, {
      sub: SUB,
      okta_teams: ':finance=rw:',
    });
    expect(rows.filter((r) => r.check.startsWith('probe.route1.team')).map((r) => r.status)).toEqual([
      'PASS',
      'PASS',
      'PASS',
      'PASS',
      'PASS',
      'PASS',
    ]);
  });

  test('without claims (as before) no team row is added', async () => {
    signIn();
    enforcingS3([`users/${SUB}/`]);
    const rows = await identityPoolProbe(testClients(), o, 'h.p.s', SUB);
    expect(rows.some((r) => r.check.startsWith('probe.route1.team'))).toBe(false);
    expect(rows.length).toBeGreaterThan(1);
  });
});
