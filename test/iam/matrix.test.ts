import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PRINCIPAL_TAG_KEY, userPrefixStatements } from '../../lib/policy/user-prefix-statements';
import { testApp } from '../support/synth';
import {
  buildMatrix,
  MATRIX_USERS,
  MatrixCase,
  OWN_OBJECT_ACTIONS,
  runMatrix,
} from '../../cli/verify/matrix';
import { CfnTemplate, resolveTemplate } from '../../emulator/iam/resolve-template';
import { decide, identityPoliciesOf, NamedPolicy, sessionArnOf } from '../../emulator/iam/simulate';

const BUCKET = 'files';
const cases = buildMatrix({ bucketName: BUCKET });

describe('buildMatrix', () => {
  test('covers users × actions × keys, and users × listing prefixes', () => {
    // per user: 10 object actions × (own, 2 other users, extension, users/, root) + 9 listing prefixes
    expect(cases).toHaveLength(MATRIX_USERS.length * (10 * 6 + 9));
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  test('includes a prefix-extension pair of users', () => {
    const [a, b] = MATRIX_USERS;
    expect(b.sub.startsWith(a.sub)).toBe(true);
    expect(cases.some((c) => c.user === a && c.resource.endsWith(`/users/${b.sub}/f.txt`))).toBe(true);
  });

  test('expects an allow only for own-prefix object actions and own-prefix listings', () => {
    const allowed = cases.filter((c) => c.expected === 'Allowed');
    expect(allowed).toHaveLength(MATRIX_USERS.length * (OWN_OBJECT_ACTIONS.length + 2));
    for (const c of allowed) {
      expect(c.owner).toBe('own');
      const ownPrefix = `arn:aws:s3:::${BUCKET}/users/${c.user.sub}/`;
      if (c.action === 's3:ListBucket')
        expect(c.context['s3:prefix']).toMatch(new RegExp(`^users/${c.user.sub}/`));
      else expect(c.resource.startsWith(ownPrefix)).toBe(true);
    }
  });
});

/** The matrix through identity policies keyed by `aws:PrincipalTag/okta_sub`. */
function runWith(policies: NamedPolicy[], principal = 'arn:aws:sts::123456789012:assumed-role/User/s') {
  return runMatrix(cases, (c: MatrixCase) =>
    decide({
      identityPolicies: policies,
      action: c.action,
      resource: c.resource,
      principal,
      context: { 'aws:PrincipalTag/okta_sub': c.user.sub, ...c.context },
    }),
  );
}

const policy = (...Statement: object[]): NamedPolicy[] => [
  { name: 'p', policy: { Version: '2012-10-17', Statement } },
];

describe('runMatrix', () => {
  test('passes the statements from lib/policy, synthesized and resolved', async () => {
    const stack = new Stack(testApp(), 'MatrixProbe', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const bucket = new s3.Bucket(stack, 'Files', { bucketName: BUCKET });
    const role = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    for (const statement of userPrefixStatements(bucket.bucketArn, PRINCIPAL_TAG_KEY))
      role.addToPolicy(statement);
    const template = resolveTemplate(Template.fromStack(stack).toJSON() as CfnTemplate);

    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const summary = await runWith(identityPoliciesOf(template, roleId), sessionArnOf(template, roleId, 's'));
    expect(summary).toEqual({
      total: cases.length,
      allowed: 24,
      denied: cases.length - 24,
      crossUserAllows: 0,
      mismatches: [],
    });
  });

  test('catches a key without its slash: the prefix-extension user is reached', async () => {
    const summary = await runWith(
      policy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/users/\${aws:PrincipalTag/okta_sub}*`,
      }),
    );
    expect(summary.crossUserAllows).toBeGreaterThan(0);
    expect(summary.mismatches.map((m) => m.id)).toContain(
      `${MATRIX_USERS[0].sub} s3:GetObject users/${MATRIX_USERS[1].sub}/f.txt (other-user)`,
    );
  });

  test('catches actions that must never be granted', async () => {
    const summary = await runWith(
      policy({
        Effect: 'Allow',
        Action: 's3:*',
        Resource: `arn:aws:s3:::${BUCKET}/users/\${aws:PrincipalTag/okta_sub}/*`,
      }),
    );
    expect(summary.crossUserAllows).toBe(0);
    expect(summary.mismatches.map((m) => m.id)).toContain(
      `${MATRIX_USERS[0].sub} s3:DeleteObjectVersion users/${MATRIX_USERS[0].sub}/f.txt (own)`,
    );
  });

  test('catches a listing that is not confined to the own prefix', async () => {
    const summary = await runWith(
      policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }),
    );
    expect(summary.crossUserAllows).toBeGreaterThan(0);
    expect(summary.mismatches.some((m) => m.id.includes('(no-prefix)'))).toBe(true);
  });
});
