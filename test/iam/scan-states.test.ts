import { TEST_ISSUER, testConfig } from '../support/config';
import { templateJson } from '../support/template-cache';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import {
  bucketPolicyOf,
  decide,
  Decision,
  identityPoliciesOf,
  NamedPolicy,
  PolicyDocument,
  sessionArnOf,
} from '../../emulator/iam/simulate';
import { issuerKeyPrefix } from '../../emulator/iam/web-identity-context';
import { EXISTING_SCAN_TAG_KEY, SCAN_STATUS_TAG } from '../../lib/policy/scan-status-names';
import { resolvedStack } from './stack-under-test';

/**
 * Reads gated on GuardDuty's scan tag, through IAM on the synthesized templates: the dev
 * environment with `malwareScanning: 'guardduty'` (three routes, team folders) and the prod
 * environment (scanning on, SSE-KMS, the Okta Workflows connector). Every scan state on every
 * route, each with its negative control. A decision on a tagged object also settles that the
 * simulator honours `s3:ExistingObjectTag/<key>`: `decide` throws if it ignores a context key, and
 * clean and THREATS_FOUND get different answers below.
 */
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
const ALICE = '00uALICE000000000001';
const BOB = '00uBOB00000000000002';

/** What the object's tags say: nothing yet, or one of GuardDuty's results. */
const STATES = {
  'pending (no tag)': {},
  clean: { [EXISTING_SCAN_TAG_KEY]: 'NO_THREATS_FOUND' },
  'threats found': { [EXISTING_SCAN_TAG_KEY]: 'THREATS_FOUND' },
  'scan failed': { [EXISTING_SCAN_TAG_KEY]: 'FAILED' },
  'a tag spelled otherwise': { [EXISTING_SCAN_TAG_KEY]: 'no_threats_found' },
} as const;
type State = keyof typeof STATES;

function devWithScanning() {
  const config = testConfig();
  (config.environments.dev as { malwareScanning?: string }).malwareScanning = 'guardduty';
  return resolveTemplate(templateJson(config, { env: 'dev' }), {
    account: '123456789012',
    region: 'eu-west-1',
  });
}

const dev = devWithScanning();
const devIds = resolvedStack().ids; // logical ids do not depend on the scanning setting
const prod = resolvedStack('prod');

interface Route {
  readonly name: string;
  readonly template: ReturnType<typeof resolveTemplate>;
  readonly roleId: string;
  readonly identity: Record<string, string>;
}

const ROUTES: Route[] = [
  {
    name: 'route 1: identity pool',
    template: dev,
    roleId: devIds.identityPoolRole,
    identity: {
      'aws:PrincipalTag/okta_sub': ALICE,
      'aws:PrincipalTag/okta_teams': ':finance=rw:auditors=r:',
    },
  },
  {
    name: 'route 2: web identity',
    template: dev,
    roleId: devIds.webIdentityRole,
    identity: { [`${issuerKeyPrefix(TEST_ISSUER)}:sub`]: ALICE },
  },
  {
    name: 'route 3: presign role',
    template: dev,
    roleId: devIds.presignRole,
    identity: {
      'aws:PrincipalTag/okta_sub': ALICE,
      'aws:PrincipalTag/okta_teams': ':finance=rw:auditors=r:',
    },
  },
  {
    name: 'route 3 on prod (SSE-KMS)',
    template: prod.template,
    roleId: prod.ids.presignRole,
    identity: { 'aws:PrincipalTag/okta_sub': ALICE },
  },
];

const bucketOf = (t: Route['template']) =>
  t.ref(
    Object.keys(t.resources).find(
      (id) => id.startsWith('StorageData') && t.resources[id].Type === 'AWS::S3::Bucket',
    )!,
  );
const dataBucketId = (t: Route['template']) =>
  Object.keys(t.resources).find(
    (id) => id.startsWith('StorageData') && t.resources[id].Type === 'AWS::S3::Bucket',
  )!;

function ask(
  route: Route,
  action: string,
  key: string,
  context: Record<string, string | string[]> = {},
  options: { policies?: NamedPolicy[]; bucketPolicy?: PolicyDocument; principal?: string } = {},
): Promise<Decision> {
  const { template, roleId } = route;
  return decide({
    identityPolicies: options.policies ?? identityPoliciesOf(template, roleId),
    resourcePolicy: options.bucketPolicy ?? bucketPolicyOf(template, dataBucketId(template)),
    action,
    resource: `arn:aws:s3:::${bucketOf(template)}/${key}`,
    principal: options.principal ?? sessionArnOf(template, roleId, 'session'),
    context: { ...TLS, ...route.identity, ...context },
  });
}

/** Keys each route reaches when the object is clean: the own prefix, and the team folders of routes 1 and 3. */
function readableKeys(route: Route): string[] {
  const own = [`users/${ALICE}/f.txt`];
  return route.identity['aws:PrincipalTag/okta_teams']
    ? [...own, 'teams/finance/f.txt', 'teams/auditors/f.txt']
    : own;
}

describe.each(ROUTES)('$name', (route) => {
  test.each(Object.keys(STATES) as State[])('GetObject of an object %s', async (state) => {
    const expected: Decision = state === 'clean' ? 'Allowed' : 'ExplicitlyDenied';
    for (const key of readableKeys(route)) {
      expect({ key, decision: await ask(route, 's3:GetObject', key, STATES[state]) }).toEqual({
        key,
        decision: expected,
      });
      // Versions are never granted to users; the gate denies them explicitly all the same.
      expect(await ask(route, 's3:GetObjectVersion', key, STATES[state])).not.toBe('Allowed');
    }
    // Another user's object stays out of reach whatever its state.
    expect(await ask(route, 's3:GetObject', `users/${BOB}/f.txt`, STATES[state])).not.toBe('Allowed');
  });

  test('never reaches quarantine/, whatever the object', async () => {
    for (const action of ['s3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:DeleteObject']) {
      for (const key of [`quarantine/v1/users/${ALICE}/f.txt`, 'quarantine/v1/teams/finance/f.txt']) {
        expect(await ask(route, action, key, action.startsWith('s3:Get') ? STATES.clean : {})).not.toBe(
          'Allowed',
        );
      }
    }
  });

  test('sees the scan state: GetObjectTagging on its own objects whatever their state, not on another user', async () => {
    for (const state of Object.keys(STATES) as State[]) {
      expect(await ask(route, 's3:GetObjectTagging', `users/${ALICE}/f.txt`, STATES[state])).toBe('Allowed');
      expect(await ask(route, 's3:GetObjectTagging', `users/${BOB}/f.txt`, STATES[state])).not.toBe(
        'Allowed',
      );
    }
  });

  // GET /files reads each listed file's tag on route 3 (one GetObjectTagging per file): every key it
  // lists, own and team folders, must allow it, and nothing beyond the current version's tags.
  test("reads the scan state wherever it lists, never another folder's nor an older version's", async () => {
    for (const state of Object.keys(STATES) as State[]) {
      for (const key of readableKeys(route))
        expect({ key, decision: await ask(route, 's3:GetObjectTagging', key, STATES[state]) }).toEqual({
          key,
          decision: 'Allowed',
        });
    }
    for (const key of ['teams/hr/f.txt', 'teams/financex/f.txt', `users/${ALICE}x/f.txt`])
      expect(await ask(route, 's3:GetObjectTagging', key, STATES.clean)).not.toBe('Allowed');
    expect(await ask(route, 's3:GetObjectVersionTagging', `users/${ALICE}/f.txt`, STATES.clean)).not.toBe(
      'Allowed',
    );
  });

  test('cannot change the scan tag, nor set tags at upload', async () => {
    const own = `users/${ALICE}/f.txt`;
    for (const action of ['s3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:DeleteObjectTagging']) {
      expect(await ask(route, action, own, STATES['threats found'])).toBe('ExplicitlyDenied');
    }
    // x-amz-tagging on PUT / CreateMultipartUpload, REPLACE on CopyObject, a POST form's tagging field.
    expect(await ask(route, 's3:PutObject', own, { 's3:RequestObjectTagKeys': [SCAN_STATUS_TAG] })).toBe(
      'ExplicitlyDenied',
    );
    expect(await ask(route, 's3:PutObject', own, { 's3:RequestObjectTagKeys': ['project'] })).toBe(
      'ExplicitlyDenied',
    );
    expect(await ask(route, 's3:PutObject', own)).toBe('Allowed');
  });

  test('negative control: without the gate, a pending or infected object would be read', async () => {
    const policy = bucketPolicyOf(route.template, dataBucketId(route.template))!;
    const ungated = {
      ...policy,
      Statement: (policy.Statement as { Sid?: string }[]).filter(
        (s) => s.Sid !== 'DenyReadUntilScannedClean',
      ),
    };
    const own = `users/${ALICE}/f.txt`;
    expect(await ask(route, 's3:GetObject', own, {}, { bucketPolicy: ungated })).toBe('Allowed');
    expect(await ask(route, 's3:GetObject', own, STATES['threats found'], { bucketPolicy: ungated })).toBe(
      'Allowed',
    );
  });
});

describe('who keeps access (prod)', () => {
  const { template, ids } = prod;
  const route: Route = { name: 'prod', template, roleId: ids.presignRole, identity: {} };
  const only = (prefix: string) => {
    const found = Object.keys(template.resources).filter(
      (id) => id.startsWith(prefix) && template.resources[id].Type === 'AWS::IAM::Role',
    );
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('the Okta Workflows connector is gated like a user route', async () => {
    const workflows: Route = { ...route, roleId: ids.workflowsRole };
    const key = 'users/00uX/f.txt';
    const decisions = await Promise.all(
      (Object.keys(STATES) as State[]).map((s) => ask(workflows, 's3:GetObject', key, STATES[s])),
    );
    expect(decisions.filter((d) => d === 'ExplicitlyDenied')).toHaveLength(Object.keys(STATES).length - 1);
  });

  test("GuardDuty's role reads and tags unscanned objects, writes only its validation object", async () => {
    const scanner: Route = { ...route, roleId: only('MalwareProtectionRole') };
    const key = `users/${ALICE}/f.txt`;
    expect(await ask(scanner, 's3:GetObject', key)).toBe('Allowed');
    expect(await ask(scanner, 's3:GetObjectVersion', key, STATES['threats found'])).toBe('Allowed');
    expect(await ask(scanner, 's3:PutObjectTagging', key)).toBe('Allowed');
    expect(await ask(scanner, 's3:PutObject', 'malware-protection-resource-validation-object')).toBe(
      'Allowed',
    );
    expect(await ask(scanner, 's3:PutObject', key)).not.toBe('Allowed');
    expect(await ask(scanner, 's3:DeleteObject', key)).not.toBe('Allowed');
  });

  test('an administrator (any other principal of the account) is not gated by the bucket policy', async () => {
    const admin: NamedPolicy[] = [
      {
        name: 'admin',
        policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      },
    ];
    const principal = `arn:aws:sts::${template.env.account}:assumed-role/Administrator/ops`;
    expect(await ask(route, 's3:GetObject', 'users/00uX/f.txt', {}, { policies: admin, principal })).toBe(
      'Allowed',
    );
    expect(
      await ask(route, 's3:GetObject', 'quarantine/users/00uX/f.txt', STATES['threats found'], {
        policies: admin,
        principal,
      }),
    ).toBe('Allowed');
  });
});
