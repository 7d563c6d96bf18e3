import { TEST_ISSUER } from '../support/config';
import { MATRIX_USERS } from '../../cli/verify/matrix';
import {
  bucketPolicyOf,
  decide,
  Decision,
  identityPoliciesOf,
  NamedPolicy,
  sessionArnOf,
} from '../../emulator/iam/simulate';
import { issuerKeyPrefix } from '../../emulator/iam/web-identity-context';
import { resolvedStack } from './stack-under-test';

/**
 * Offboarding through IAM, on the synthesized template of the test configuration's dev
 * environment (offboarding on): no user route reaches `offboarded/` or the ledger, for any user,
 * own sub or not; the mover reaches exactly the folders it moves between (the negative control
 * that shows the same simulator allows there when a policy grants it).
 */
const { template, ids } = resolvedStack();
const bucketName = template.ref(ids.dataBucket);
const bucketPolicy = bucketPolicyOf(template, ids.dataBucket);
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
const object = (key: string) => `arn:aws:s3:::${bucketName}/${key}`;
const roleNamed = (prefix: string) => {
  const found = Object.keys(template.resources).filter(
    (id) => id.startsWith(prefix) && template.resources[id].Type === 'AWS::IAM::Role',
  );
  expect(found).toHaveLength(1);
  return found[0];
};

interface Attempt {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

/** What a user could try on moved files and on the ledger, for `whose` files. */
function attemptsOn(whose: string): Attempt[] {
  const keys = [
    `offboarded/${whose}/f.txt`,
    `offboarding-ledger/deliveries/e1`,
    `offboarding-ledger/events/u1`,
  ];
  return [
    ...keys.flatMap((key) =>
      ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging'].map(
        (action) => ({ action, resource: object(key) }),
      ),
    ),
    ...[`offboarded/${whose}/`, 'offboarded/', 'offboarding-ledger/'].map((prefix) => ({
      action: 's3:ListBucket',
      resource: `arn:aws:s3:::${bucketName}`,
      context: { 's3:prefix': prefix },
    })),
  ];
}

async function decideAll(
  policies: NamedPolicy[],
  roleId: string,
  identity: Record<string, string>,
  attempts: Attempt[],
): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (const a of attempts) {
    decisions.push(
      await decide({
        identityPolicies: policies,
        resourcePolicy: bucketPolicy,
        action: a.action,
        resource: a.resource,
        principal: sessionArnOf(template, roleId, 'session'),
        context: { ...TLS, ...identity, ...a.context },
      }),
    );
  }
  return decisions;
}

const ROUTES: [string, () => string, (sub: string) => Record<string, string>][] = [
  ['route 1: identity pool', () => ids.identityPoolRole, (sub) => ({ 'aws:PrincipalTag/okta_sub': sub })],
  [
    'route 2: web identity',
    () => ids.webIdentityRole,
    (sub) => ({ [`${issuerKeyPrefix(TEST_ISSUER)}:sub`]: sub }),
  ],
  ['route 3: presign role', () => ids.presignRole, (sub) => ({ 'aws:PrincipalTag/okta_sub': sub })],
];

describe.each(ROUTES)('%s', (_, roleId, identity) => {
  test('reaches nothing under offboarded/ (own or anyone’s) and nothing in the ledger', async () => {
    for (const user of MATRIX_USERS) {
      for (const whose of [user.sub, MATRIX_USERS.find((u) => u !== user)!.sub]) {
        const attempts = attemptsOn(whose);
        const decisions = await decideAll(
          identityPoliciesOf(template, roleId()),
          roleId(),
          identity(user.sub),
          attempts,
        );
        const allowed = attempts.filter((_a, i) => decisions[i] === 'Allowed');
        expect(allowed).toEqual([]);
      }
    }
  });

  test('the check can fail: the same role with a grant on offboarded/* is allowed there', async () => {
    const sub = MATRIX_USERS[0].sub;
    const leak: NamedPolicy = {
      name: 'mutation',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: object('offboarded/*') }],
      },
    };
    const decisions = await decideAll(
      [...identityPoliciesOf(template, roleId()), leak],
      roleId(),
      identity(sub),
      [{ action: 's3:GetObject', resource: object(`offboarded/${sub}/f.txt`) }],
    );
    expect(decisions).toEqual(['Allowed']);
  });
});

describe('the offboarding roles (negative control: the simulator allows where the template grants)', () => {
  const sub = MATRIX_USERS[0].sub;
  const decideAs = async (rolePrefix: string, attempts: Attempt[]) => {
    const roleId = roleNamed(rolePrefix);
    const decisions = await decideAll(identityPoliciesOf(template, roleId), roleId, {}, attempts);
    // Explicitly or implicitly: a refusal either way.
    return decisions.map((d) => (d === 'Allowed' ? 'Allowed' : 'Denied'));
  };

  test('the mover reads and deletes users/<sub>/, writes and reads offboarded/<sub>/', async () => {
    expect(
      await decideAs('OffboardingMoverRole', [
        { action: 's3:GetObject', resource: object(`users/${sub}/f.txt`) },
        { action: 's3:DeleteObject', resource: object(`users/${sub}/f.txt`) },
        { action: 's3:PutObject', resource: object(`offboarded/${sub}/f.txt`) },
        { action: 's3:GetObject', resource: object(`offboarded/${sub}/f.txt`) },
        {
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${bucketName}`,
          context: { 's3:prefix': `users/${sub}/` },
        },
      ]),
    ).toEqual(['Allowed', 'Allowed', 'Allowed', 'Allowed', 'Allowed']);
  });

  test('the mover cannot touch team folders, delete moved files, or delete any version', async () => {
    expect(
      await decideAs('OffboardingMoverRole', [
        { action: 's3:GetObject', resource: object('teams/finance/f.txt') },
        { action: 's3:DeleteObject', resource: object('teams/finance/f.txt') },
        { action: 's3:PutObject', resource: object(`users/${sub}/f.txt`) },
        { action: 's3:DeleteObject', resource: object(`offboarded/${sub}/f.txt`) },
        { action: 's3:DeleteObjectVersion', resource: object(`users/${sub}/f.txt`) },
        { action: 's3:DeleteObjectVersion', resource: object(`offboarded/${sub}/f.txt`) },
      ]),
    ).toEqual(['Denied', 'Denied', 'Denied', 'Denied', 'Denied', 'Denied']);
  });

  test.each(['OffboardingHookRole', 'OffboardingReconcilerRole'])(
    '%s writes the ledger and reads no one’s files',
    async (role) => {
      expect(
        await decideAs(role, [
          { action: 's3:PutObject', resource: object('offboarding-ledger/deliveries/e1') },
          { action: 's3:GetObject', resource: object(`users/${sub}/f.txt`) },
          { action: 's3:GetObject', resource: object(`offboarded/${sub}/f.txt`) },
          { action: 's3:PutObject', resource: object(`users/${sub}/f.txt`) },
        ]),
      ).toEqual(['Allowed', 'Denied', 'Denied', 'Denied']);
    },
  );
});
