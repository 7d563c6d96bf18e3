import { TEST_ISSUER } from '../support/config';
import {
  buildMatrix,
  MatrixCase,
  MatrixSummary,
  MATRIX_USERS,
  NEVER_OBJECT_ACTIONS,
  OWN_OBJECT_ACTIONS,
  runMatrix,
} from '../../cli/verify/matrix';
import { bucketPolicyOf, decide, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import { resolvedStack } from './stack-under-test';
import { issuerKeyPrefix } from '../../emulator/iam/web-identity-context';

/**
 * Every route's role, taken from the synthesized template, through the users × actions × keys
 * matrix, together with the bucket policy. A request is over TLS 1.3, as real clients make it.
 */
const { template, ids } = resolvedStack();
const bucketName = template.ref(ids.dataBucket);
const bucketPolicy = bucketPolicyOf(template, ids.dataBucket);
const cases = buildMatrix({ bucketName });
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

type IdentityOf = (sub: string) => Record<string, string>;

const ROUTES: [string, string, IdentityOf][] = [
  [
    'route 1: identity pool authenticated role',
    ids.identityPoolRole,
    (sub) => ({ 'aws:PrincipalTag/okta_sub': sub }),
  ],
  [
    'route 2: web-identity role',
    ids.webIdentityRole,
    (sub) => ({ [`${issuerKeyPrefix(TEST_ISSUER)}:sub`]: sub }),
  ],
  ['route 3: presign role session', ids.presignRole, (sub) => ({ 'aws:PrincipalTag/okta_sub': sub })],
];

const results: Record<string, MatrixSummary> = {};

const decideFor = (roleId: string, identity: IdentityOf) => (c: MatrixCase) =>
  decide({
    identityPolicies: identityPoliciesOf(template, roleId),
    resourcePolicy: bucketPolicy,
    action: c.action,
    resource: c.resource,
    principal: sessionArnOf(template, roleId, `session-${c.user.sub}`),
    context: { ...TLS, ...identity(c.user.sub), ...c.context },
  });

describe.each(ROUTES)('%s', (route, roleId, identity) => {
  let result: MatrixSummary;
  beforeAll(async () => {
    result = await runMatrix(cases, decideFor(roleId, identity));
    results[route] = result;
  });

  test('allows every own-prefix operation and nothing else', () => {
    expect(result.mismatches).toEqual([]);
    expect(result.allowed).toBe(cases.filter((c) => c.expected === 'Allowed').length);
  });

  test('never lets a user reach another user, the users/ folder or the bucket root', () => {
    expect(result.crossUserAllows).toEqual(0);
  });

  test('a session without its identity reaches nothing', async () => {
    const own = cases.filter((c) => c.expected === 'Allowed');
    const noIdentity = await runMatrix(
      own.map((c) => ({ ...c, expected: 'Denied' as const })),
      decideFor(roleId, () => ({})),
    );
    expect(noIdentity.mismatches).toEqual([]);
    expect(noIdentity.allowed).toBe(0);
  });
});

describe('roles that must reach no object at all', () => {
  const userKeys = MATRIX_USERS.flatMap((u) => [`users/${u.sub}/f.txt`, `users/${u.sub}/x/y.bin`]);
  const actions = [...OWN_OBJECT_ACTIONS, ...NEVER_OBJECT_ACTIONS];

  test.each([
    ['the presign Lambda execution role', () => ids.executionRole],
    ['the unauthenticated identity-pool role', () => ids.unauthenticatedRole],
  ])('%s is denied every object action and every listing', async (_name, roleId) => {
    const decisions = [];
    for (const key of userKeys) {
      for (const action of actions) {
        decisions.push(
          await decide({
            identityPolicies: identityPoliciesOf(template, roleId()),
            resourcePolicy: bucketPolicy,
            action,
            resource: `arn:aws:s3:::${bucketName}/${key}`,
            principal: sessionArnOf(template, roleId(), 'session'),
            context: { ...TLS, 'aws:PrincipalTag/okta_sub': key.split('/')[1] },
          }),
        );
      }
    }
    for (const prefix of ['', 'users/', `users/${MATRIX_USERS[0].sub}/`]) {
      decisions.push(
        await decide({
          identityPolicies: identityPoliciesOf(template, roleId()),
          resourcePolicy: bucketPolicy,
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${bucketName}`,
          principal: sessionArnOf(template, roleId(), 'session'),
          context: { ...TLS, 's3:prefix': prefix },
        }),
      );
    }
    expect(decisions).toHaveLength(userKeys.length * actions.length + 3);
    expect(decisions.filter((d) => d === 'Allowed')).toEqual([]);
  });
});

describe('the bucket policy', () => {
  test('denies even an own-prefix read over plain HTTP or TLS 1.1', async () => {
    const own = cases.find((c) => c.expected === 'Allowed' && c.action === 's3:GetObject')!;
    const decideWith = (transport: Record<string, string>) =>
      decide({
        identityPolicies: identityPoliciesOf(template, ids.presignRole),
        resourcePolicy: bucketPolicy,
        action: own.action,
        resource: own.resource,
        principal: sessionArnOf(template, ids.presignRole, 's'),
        context: { ...transport, 'aws:PrincipalTag/okta_sub': own.user.sub },
      });
    expect(await decideWith({ 'aws:SecureTransport': 'false', 's3:TlsVersion': '1.3' })).toBe(
      'ExplicitlyDenied',
    );
    expect(await decideWith({ 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.1' })).toBe(
      'ExplicitlyDenied',
    );
    expect(await decideWith(TLS)).toBe('Allowed');
  });

  test('denies an own-prefix upload encrypted with a customer-provided key', async () => {
    const own = cases.find((c) => c.expected === 'Allowed' && c.action === 's3:PutObject')!;
    const put = (extra: Record<string, string>) =>
      decide({
        identityPolicies: identityPoliciesOf(template, ids.identityPoolRole),
        resourcePolicy: bucketPolicy,
        action: own.action,
        resource: own.resource,
        principal: sessionArnOf(template, ids.identityPoolRole, 's'),
        context: { ...TLS, 'aws:PrincipalTag/okta_sub': own.user.sub, ...extra },
      });
    expect(await put({ 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' })).toBe(
      'ExplicitlyDenied',
    );
    expect(await put({})).toBe('Allowed');
  });
});

afterAll(() => {
  const rows = Object.entries(results).map(([route, r]) => ({
    route,
    ...r,
    mismatches: r.mismatches.length,
  }));
  const total = rows.reduce((n, r) => n + r.total, 0);
  // Printed for the record: the closing note quotes these figures.
  console.log(
    `IAM matrix: ${total} decisions, ${rows.reduce((n, r) => n + r.allowed, 0)} allowed, ` +
      `${rows.reduce((n, r) => n + r.denied, 0)} denied, ${rows.reduce((n, r) => n + r.crossUserAllows, 0)} cross-user allows\n` +
      rows.map((r) => `  ${r.route}: ${r.total} (${r.allowed} allowed, ${r.denied} denied)`).join('\n'),
  );
});
