import * as fc from 'fast-check';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createHandler, RequestLog } from '../../lambda/presign/handler';
import { CallerStorage, s3Storage } from '../../lambda/presign/s3';
import { s3VersionStorage } from '../../lambda/presign/s3-versions';
import type { PinnedLinkConfig, SharingConfig } from '../../lambda/presign/sharing/config';
import {
  PINNED_SESSION_SECONDS,
  pinnedSessions,
  SESSION_POLICY_MAX_CHARS,
} from '../../lambda/presign/sharing/pinned-sessions';
import { REFUSAL_BODY } from '../../lambda/presign/sharing/visits';
import { pinnedVersionSessionPolicy } from '../../lib/policy/pinned-version-session-policy';
import { ALICE, apiEvent, presignConfig, RequestOptions, stubSts } from './support/fakes';
import { memorySharingStore } from './support/memory-sharing-store';

/*
 * Pinned share links (issue 21) through the real handler: the store in memory, S3 faked by key →
 * versions (the current one last), STS stubbed but the session policy built by the real
 * `pinnedSessions`, and URLs signed for real by the SDK's presigner.
 */

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const DAY = 86_400_000;
const BUCKET_ARN = 'arn:aws:s3:::user-files-test';
const PINNED: PinnedLinkConfig = {
  roleArn: 'arn:aws:iam::123456789012:role/pinned-links',
  bucketArn: BUCKET_ARN,
};
const SHARING: SharingConfig = {
  tableName: 'sharing-test',
  maxLinkDays: 30,
  fileRequestMaxFiles: 3,
  fileRequestMaxFileBytes: 1000,
  fileRequestContentTypes: [],
  pinned: PINNED,
};
const CREATOR_SESSION = {
  accessKeyId: 'ASIACREATORSESSION01',
  secretAccessKey: 'creator-secret',
  sessionToken: 'creator-token',
  expiration: new Date(Date.now() + 40 * DAY),
};
const OWN_KEY = `users/${ALICE}/${ID}/report.pdf`;
const TEAM_KEY = `teams/finance/${ID}/budget.xlsx`;

function setup({ pinnedRole = true, folderMember = true } = {}) {
  const config = presignConfig({
    teamFolders: ['finance=rw'],
    teamMembershipMaxAgeSeconds: 3600,
    sharing: pinnedRole ? SHARING : { ...SHARING, pinned: undefined },
  });
  /** key → its versions, oldest first; the last one is current. An empty list is a deleted file. */
  const versions = new Map<string, string[]>([
    [OWN_KEY, ['v1']],
    [TEAM_KEY, ['v1']],
  ]);
  const logs: RequestLog[] = [];
  const sts = stubSts();
  const signer = s3Storage({ bucket: config.bucketName, region: config.region })(CREATOR_SESSION);
  const storage: CallerStorage = {
    ...signer,
    exists: async (key) => (versions.get(key) ?? []).length > 0,
    versionOf: async (key) => {
      const all = versions.get(key) ?? [];
      return all.length ? { versionId: all.at(-1) } : undefined;
    },
  };
  const signedVersions = s3VersionStorage({ bucket: config.bucketName, region: config.region });
  const invoke = createHandler({
    config,
    newId: () => ID,
    credentialsFor: async () => CREATOR_SESSION,
    storageFor: () => storage,
    ...(pinnedRole
      ? {
          pinnedCredentialsFor: pinnedSessions(sts, PINNED),
          versionStorageFor: (credentials) => ({
            ...signedVersions(credentials),
            hasVersion: async (key, versionId) => (versions.get(key) ?? []).includes(versionId),
          }),
        }
      : {}),
    log: (line) => logs.push(line),
    sharingStore: memorySharingStore(),
  });
  const call = async (options: RequestOptions) => parse(await invoke(apiEvent(options)));
  const visit = async (token: string) => {
    const event = apiEvent({ method: 'GET', resource: '/s/{token}', sub: null });
    return invoke({ ...event, pathParameters: { token } });
  };
  const claims = (teams: string) => ({
    sub: ALICE,
    claimChanges: {
      'custom:okta_teams': teams,
      auth_time: Math.floor(Date.now() / 1000) - 60,
    },
  });
  const share = async (key: string, version: 'pinned' | 'latest' = 'pinned') =>
    (
      await call({
        method: 'POST',
        resource: '/share-links',
        body: { key, version },
        ...(key === TEAM_KEY ? claims(folderMember ? ':finance=rw:' : ':') : { sub: ALICE }),
      })
    ).body as { token: string; id: string };
  const overwrite = (key: string, versionId: string) => versions.get(key)!.push(versionId);
  return { call, visit, share, overwrite, versions, logs, sts, claims };
}

function parse(response: APIGatewayProxyResult) {
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
}

const locationOf = (response: APIGatewayProxyResult) => new URL(String(response.headers?.Location));

describe('pinned share links', () => {
  it('keep serving the version they named after an overwrite, signed by a session narrowed to it', async () => {
    const { share, visit, overwrite, sts } = setup();
    const link = await share(OWN_KEY);
    overwrite(OWN_KEY, 'v2');
    const response = await visit(link.token);
    expect(response.statusCode).toBe(302);
    const url = locationOf(response);
    expect(url.searchParams.get('versionId')).toBe('v1');
    expect(url.pathname).toBe(`/${OWN_KEY}`);
    // Signed by the pinned-link session (the stub STS's key), not the creator's session.
    expect(url.searchParams.get('X-Amz-Credential')).not.toContain(CREATOR_SESSION.accessKeyId);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('stub-session-1');
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(120);
    expect(sts.calls).toEqual([
      {
        RoleArn: PINNED.roleArn,
        RoleSessionName: `link-${link.id}`.slice(0, 64),
        DurationSeconds: PINNED_SESSION_SECONDS,
        Policy: JSON.stringify(
          pinnedVersionSessionPolicy({ bucketArn: BUCKET_ARN, key: OWN_KEY, versionId: 'v1' }),
        ),
      },
    ]);
    expect(JSON.parse(sts.calls[0].Policy!).Statement).toEqual([
      {
        Sid: 'OneObjectVersion',
        Effect: 'Allow',
        Action: 's3:GetObjectVersion',
        Resource: `${BUCKET_ARN}/${OWN_KEY}`,
        Condition: { StringEquals: { 's3:VersionId': 'v1' } },
      },
    ]);
  });

  it('a "latest" link serves whatever is current, with the creator’s session and no version', async () => {
    const { share, visit, overwrite, sts } = setup();
    const link = await share(OWN_KEY, 'latest');
    overwrite(OWN_KEY, 'v2');
    const url = locationOf(await visit(link.token));
    expect(url.searchParams.has('versionId')).toBe(false);
    expect(url.searchParams.get('X-Amz-Credential')).toContain(CREATOR_SESSION.accessKeyId);
    expect(sts.calls).toEqual([]);
  });

  it('refuse, with the one uniform answer, once their version is gone', async () => {
    const { share, visit, overwrite, versions, logs } = setup();
    const link = await share(OWN_KEY);
    overwrite(OWN_KEY, 'v2');
    versions.set(OWN_KEY, ['v2']); // v1 removed (an administrator, or the noncurrent-version rule)
    const response = await visit(link.token);
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual(REFUSAL_BODY);
    expect(logs.at(-1)).toMatchObject({ outcome: 'refused', reason: 'version-gone', creator: ALICE });
  });

  it('refuse once the file is deleted, without assuming the pinned-link role', async () => {
    const { share, visit, versions, logs, sts } = setup();
    const link = await share(OWN_KEY);
    versions.set(OWN_KEY, []);
    expect((await visit(link.token)).statusCode).toBe(404);
    expect(logs.at(-1)?.reason).toBe('object-gone');
    expect(sts.calls).toEqual([]);
  });

  it('to a team folder refuse once the creator’s membership is gone, without assuming the role', async () => {
    const { share, visit, overwrite, call, claims, logs, sts } = setup();
    const link = await share(TEAM_KEY);
    overwrite(TEAM_KEY, 'v2');
    expect((await visit(link.token)).statusCode).toBe(302);
    await call({ method: 'GET', resource: '/folders', ...claims(':') }); // alice left finance
    expect((await visit(link.token)).statusCode).toBe(404);
    expect(logs.at(-1)?.reason).toBe('creator-access');
    expect(sts.calls).toHaveLength(1);
  });

  it('without the pinned-link role stop once the object is overwritten (the earlier behaviour)', async () => {
    const { share, visit, overwrite, logs } = setup({ pinnedRole: false });
    const link = await share(OWN_KEY);
    expect((await visit(link.token)).statusCode).toBe(302);
    overwrite(OWN_KEY, 'v2');
    expect((await visit(link.token)).statusCode).toBe(404);
    expect(logs.at(-1)?.reason).toBe('version-changed');
  });

  it('refuse a key whose session policy would exceed STS’s 2,048 characters, without calling STS', async () => {
    const sts = stubSts();
    const sessions = pinnedSessions(sts, PINNED);
    const key = `users/${ALICE}/${ID}/${'a'.repeat(SESSION_POLICY_MAX_CHARS)}`;
    await expect(sessions({ key, versionId: 'v1', linkId: 'x'.repeat(64) })).rejects.toThrow(/2048/);
    expect(sts.calls).toEqual([]);
  });
});

describe('the session policy', () => {
  it('names one literal key and version, and refuses patterns', () => {
    const ok = { bucketArn: BUCKET_ARN, key: OWN_KEY, versionId: 'v1' };
    expect(pinnedVersionSessionPolicy(ok).Statement).toHaveLength(1);
    for (const bad of [
      { key: `users/${ALICE}/*` },
      { key: `users/${ALICE}/a?b` },
      { key: 'users/${aws:username}/x' },
      { key: '' },
      { versionId: '*' },
      { bucketArn: 'arn:aws:s3:::*' },
    ]) {
      expect(() => pinnedVersionSessionPolicy({ ...ok, ...bad })).toThrow(/pinnedVersionSessionPolicy/);
    }
  });

  it('for any key and version id, names exactly that one object and version, or refuses to be built', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('*', '?', '${aws:username}', 'users/*/x', 'a?b', '', '../x', 'users/00u/'),
    );
    fc.assert(
      fc.property(hostile, hostile, (key, versionId) => {
        let policy;
        try {
          policy = pinnedVersionSessionPolicy({ bucketArn: BUCKET_ARN, key, versionId });
        } catch {
          // Refused: only for what IAM would read as a pattern or a variable, or an empty value.
          expect([key, versionId].some((v) => v === '' || /[*?]|\$\{/.test(v))).toBe(true);
          return;
        }
        const [statement, ...rest] = JSON.parse(JSON.stringify(policy)).Statement;
        expect(rest).toEqual([]);
        expect(statement.Resource).toBe(`${BUCKET_ARN}/${key}`);
        expect(statement.Action).toBe('s3:GetObjectVersion');
        expect(statement.Condition).toEqual({ StringEquals: { 's3:VersionId': versionId } });
        expect(statement.Resource).not.toMatch(/[*?]|\$\{/);
      }),
      { numRuns: 100 },
    );
  });

  it('under SSE-KMS also allows kms:Decrypt of the bucket key, only through S3 and only for that object', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1111';
    const policy = pinnedVersionSessionPolicy({
      bucketArn: BUCKET_ARN,
      key: OWN_KEY,
      versionId: 'v1',
      kmsKeyArn,
      s3ViaService: 's3.eu-west-1.amazonaws.com',
    });
    expect(policy.Statement[1]).toEqual({
      Sid: 'DecryptThatObjectThroughS3',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: kmsKeyArn,
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [BUCKET_ARN, `${BUCKET_ARN}/${OWN_KEY}`] },
      },
    });
  });
});

describe('pinned share links when STS fails', () => {
  it('answer a server error logged as an STS fault, which the StsFaults alarm counts', async () => {
    const config = presignConfig({ sharing: SHARING });
    const logs: RequestLog[] = [];
    const storage: CallerStorage = {
      ...s3Storage({ bucket: config.bucketName, region: config.region })(CREATOR_SESSION),
      versionOf: async () => ({ versionId: 'v2' }),
    };
    const invoke = createHandler({
      config,
      newId: () => ID,
      credentialsFor: async () => CREATOR_SESSION,
      storageFor: () => storage,
      pinnedCredentialsFor: async () => {
        throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      },
      versionStorageFor: s3VersionStorage({ bucket: config.bucketName, region: config.region }),
      log: (line) => logs.push(line),
      sharingStore: memorySharingStore(),
    });
    const created = JSON.parse(
      (
        await invoke(
          apiEvent({ method: 'POST', resource: '/share-links', sub: ALICE, body: { key: OWN_KEY } }),
        )
      ).body,
    );
    const event = apiEvent({ method: 'GET', resource: '/s/{token}', sub: null });
    const response = await invoke({ ...event, pathParameters: { token: created.token } });
    expect(response.statusCode).toBeGreaterThanOrEqual(500);
    expect(logs.at(-1)).toMatchObject({
      outcome: 'failed',
      fault: { dependency: 'sts', name: 'AccessDenied' },
    });
  });
});
