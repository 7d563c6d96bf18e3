import { resolveTemplate } from '../../emulator/iam/resolve-template';
import {
  mayStillBeRead,
  presignedUrlLifetimeProblems,
  sharingTableTtlProblems,
  TYPICAL_TTL_DELETION_LAG_SECONDS,
} from '../../emulator/model/dynamodb-rules';
import { s3Storage } from '../../lambda/presign/s3';
import type { ShareLink, SharingStore } from '../../lambda/presign/sharing/store';
import { newToken, tokenHash } from '../../lambda/presign/sharing/tokens';
import { visit } from '../../lambda/presign/sharing/visits';
import { apiEvent, presignConfig } from '../lambda/support/fakes';
import { memorySharingStore } from '../lambda/support/memory-sharing-store';
import { sharingTestConfig } from '../support/config';
import { templateJson } from '../support/template-cache';

const ALICE = '00uDynamoModel000001';
const NOW = 1_800_000_000;

function sharingTemplate(change: (resources: Record<string, any>) => void = () => undefined) {
  const raw = structuredClone(templateJson(sharingTestConfig(), { env: 'prod' }));
  change(raw.Resources);
  return resolveTemplate(raw, { account: '210987654321', region: 'us-east-1' });
}
const tableOf = (resources: Record<string, any>) =>
  Object.values(resources).find((r) => r.Type === 'AWS::DynamoDB::Table');

describe('DynamoDB TTL on the sharing table', () => {
  test('is enabled on the attribute the Lambda writes', () => {
    expect(sharingTableTtlProblems(sharingTemplate())).toEqual([]);
  });

  test.each([
    [
      'TTL off',
      (r: Record<string, any>) => (tableOf(r).Properties.TimeToLiveSpecification.Enabled = false),
      /not enabled/,
    ],
    [
      'TTL on another attribute',
      (r: Record<string, any>) => (tableOf(r).Properties.TimeToLiveSpecification.AttributeName = 'ttl'),
      /the Lambda writes expiresAt/,
    ],
  ])('broken fixture: %s is reported', (_name, change, message) => {
    expect(sharingTableTtlProblems(sharingTemplate(change)).join()).toMatch(message);
  });
});

/** The model's table: an expired item stays readable until TTL's lag has passed. */
function ttlLaggingStore(store: SharingStore, nowSeconds: () => number): SharingStore {
  return {
    ...store,
    get: async (id) => {
      const item = await store.get(id);
      return item && mayStillBeRead(item.expiresAt, nowSeconds(), TYPICAL_TTL_DELETION_LAG_SECONDS)
        ? item
        : undefined;
    },
  };
}

describe('DynamoDB TTL deletes late, so the API checks expiry itself', () => {
  const token = newToken();
  const link: ShareLink = {
    id: tokenHash(token),
    kind: 'link',
    creator: ALICE,
    key: `users/${ALICE}/a/report.pdf`,
    createdAt: NOW - 86_400,
    expiresAt: NOW,
  };
  const session = {
    accessKeyId: 'ASIAMODEL',
    secretAccessKey: 'secret',
    expiration: new Date((NOW + 3600) * 1000),
  };

  async function visitAt(seconds: number) {
    const memory = memorySharingStore();
    await memory.put(link);
    const store = ttlLaggingStore(memory, () => seconds);
    const config = presignConfig();
    const signer = s3Storage({ bucket: config.bucketName, region: config.region })(session);
    const event = {
      ...apiEvent({ method: 'GET', resource: '/s/{token}', sub: null }),
      pathParameters: { token },
    };
    const { response, log } = await visit('GET /s/{token}', event, {
      config,
      store,
      credentialsFor: async () => session,
      storageFor: () => ({ ...signer, versionOf: async () => ({}) }),
      now: () => new Date(seconds * 1000),
      newId: () => 'id',
    });
    return {
      status: response.statusCode,
      reason: log.reason,
      readable: (await store.get(link.id)) !== undefined,
    };
  }

  test('a day after expiry the model still returns the item, and the visit is refused as expired', async () => {
    expect(await visitAt(NOW + 86_400)).toEqual({ status: 404, reason: 'expired', readable: true });
  });

  test('the second before expiry the link is served', async () => {
    expect(await visitAt(NOW - 1)).toMatchObject({ status: 302 });
  });

  test('broken fixture: a check that trusts TTL (item found ⇒ live) would serve an expired link', async () => {
    const trustsTtl = async (seconds: number) => (await visitAt(seconds)).readable;
    expect(await trustsTtl(NOW + 86_400)).toBe(true);
    expect(await trustsTtl(NOW + TYPICAL_TTL_DELETION_LAG_SECONDS + 1)).toBe(false);
  });
});

describe('presigned URL lifetimes', () => {
  const signedAt = new Date('2026-12-01T12:00:00Z');
  const sign = async (expiresIn: number) => {
    const credentials = { accessKeyId: 'ASIAMODEL', secretAccessKey: 'secret', expiration: new Date(0) };
    const storage = s3Storage({ bucket: 'b-model', region: 'eu-west-1' })(credentials);
    return storage.presignGet('users/x/a.txt', { signingDate: signedAt, expiresIn });
  };

  test('a visit’s two-minute URL ends inside an hour-long session', async () => {
    expect(presignedUrlLifetimeProblems(await sign(120), new Date(signedAt.getTime() + 3600_000))).toEqual(
      [],
    );
  });

  test('broken fixture: a URL that outlives its session is reported', async () => {
    expect(presignedUrlLifetimeProblems(await sign(120), new Date(signedAt.getTime() + 60_000))).toEqual([
      'the URL would outlive the credentials that signed it, and die with them',
    ]);
  });

  test('broken fixture: seven days and a second is beyond SigV4’s maximum', () => {
    const url = 'https://b.s3.amazonaws.com/k?X-Amz-Date=20261201T120000Z&X-Amz-Expires=604801';
    expect(presignedUrlLifetimeProblems(url, new Date('2027-01-01T00:00:00Z'))).toEqual([
      'X-Amz-Expires 604801 is outside 1..604800',
    ]);
  });
});
