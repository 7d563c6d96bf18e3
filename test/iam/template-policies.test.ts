import { resolveTemplate } from '../../emulator/iam/resolve-template';
import {
  bucketPolicyOf,
  decide,
  identityPoliciesOf,
  sessionArnOf,
  trustPolicyOf,
} from '../../emulator/iam/simulate';

const doc = (sid: string) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: sid, Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
});
const BASIC_EXECUTION = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  ],
};
const TRUST = doc('Trust');

const template = resolveTemplate({
  Resources: {
    Fn: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: TRUST,
        Policies: [{ PolicyName: 'inline', PolicyDocument: doc('Inline') }],
        ManagedPolicyArns: [{ Ref: 'ByArn' }, BASIC_EXECUTION],
      },
    },
    Other: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: TRUST } },
    FnPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyDocument: doc('Attached'), Roles: [{ Ref: 'Fn' }] },
    },
    OtherPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyDocument: doc('Other'), Roles: [{ Ref: 'Other' }] },
    },
    ByArn: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc('ByArn') } },
    ByRoles: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: doc('ByRoles'), Roles: [{ Ref: 'Fn' }, { Ref: 'Other' }] },
    },
    Bucket: { Type: 'AWS::S3::Bucket' },
    BucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: doc('Bucket') },
    },
    Unknown: {
      Type: 'AWS::IAM::Role',
      Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    },
    Bounded: {
      Type: 'AWS::IAM::Role',
      Properties: { PermissionsBoundary: 'arn:aws:iam::123456789012:policy/b' },
    },
  },
});

const sids = (policies: { policy: { Statement: unknown } }[]) =>
  policies.flatMap((p) => [p.policy.Statement].flat().map((s) => (s as { Sid?: string }).Sid ?? '(no sid)'));

test('identityPoliciesOf finds attached, inline, managed-by-Roles and managed-by-ARN policies', () => {
  expect(sids(identityPoliciesOf(template, 'Fn')).sort()).toEqual(
    ['Attached', 'ByArn', 'ByRoles', 'Inline', '(no sid)'].sort(),
  );
  expect(sids(identityPoliciesOf(template, 'Other')).sort()).toEqual(['ByRoles', 'Other']);
});

test('AWSLambdaBasicExecutionRole stands in with exactly the log actions', async () => {
  const basic = identityPoliciesOf(template, 'Fn').filter((p) => p.name.startsWith('AWS managed'));
  const logGroup = 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn';
  const ask = (action: string, resource: string) =>
    decide({ identityPolicies: basic, action, resource, principal: sessionArnOf(template, 'Fn', 'fn') });
  expect(await ask('logs:CreateLogGroup', logGroup)).toBe('Allowed');
  expect(await ask('logs:PutLogEvents', `${logGroup}:log-stream:s`)).toBe('Allowed');
  expect(await ask('logs:DeleteLogGroup', logGroup)).toBe('ImplicitlyDenied');
});

test('an AWS managed policy without a stand-in fails instead of being guessed', () => {
  expect(() => identityPoliciesOf(template, 'Unknown')).toThrow(
    /Unknown managed policy .*AdministratorAccess/,
  );
});

test('a permissions boundary fails instead of being ignored', () => {
  expect(() => identityPoliciesOf(template, 'Bounded')).toThrow(/PermissionsBoundary/);
});

test('trustPolicyOf, bucketPolicyOf and sessionArnOf', () => {
  expect(trustPolicyOf(template, 'Fn')).toEqual(TRUST);
  expect(bucketPolicyOf(template, 'Bucket')).toEqual(doc('Bucket'));
  expect(sessionArnOf(template, 'Fn', 's1')).toBe('arn:aws:sts::123456789012:assumed-role/Fn/s1');
  expect(() => trustPolicyOf(template, 'Bucket')).toThrow(
    /Bucket is a AWS::S3::Bucket, not a AWS::IAM::Role/,
  );
});
