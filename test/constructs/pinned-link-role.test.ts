import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PresignApi } from '../../lib/constructs/presign-api';
import { TEST_ORIGINS } from '../support/config';
import { allOf, named, statementsOfRole } from '../support/resources';

/** PresignApi with sharing on an SSE-KMS bucket, in a bare stack (bundling is off for test apps). */
function synth(sharing = true) {
  const stack = new Stack(new App(), 'Pinned', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'DataKey');
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
  const api = new PresignApi(stack, 'PresignApi', {
    userPool: new cognito.UserPool(stack, 'UserPool'),
    bucket,
    allowedOrigins: TEST_ORIGINS,
    ...(sharing ? { sharing: {} } : {}),
  });
  return { stack, api, template: Template.fromStack(stack) };
}

describe('PresignApi sharing: the pinned-link role', () => {
  const { template } = synth();
  const role = named(template, 'AWS::IAM::Role', 'PresignApiPinnedLinksRole');
  const executionRole = named(template, 'AWS::IAM::Role', 'PresignApiHandlerRole');
  const bucketArn = { 'Fn::GetAtt': [named(template, 'AWS::S3::Bucket', 'Bucket').id, 'Arn'] };

  test('is trusted by the presign function’s execution role alone, for sts:AssumeRole alone, one hour at most', () => {
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: { 'Fn::GetAtt': [executionRole.id, 'Arn'] } },
      },
    ]);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
  });

  test('may read object versions under users/ and teams/ and decrypt them through S3, nothing else', () => {
    expect(statementsOfRole(template, role.id)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObjectVersion',
        Resource: [
          { 'Fn::Join': ['', [bucketArn, '/users/*']] },
          { 'Fn::Join': ['', [bucketArn, '/teams/*']] },
        ],
      },
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [named(template, 'AWS::KMS::Key', 'DataKey').id, 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
          },
          StringLike: {
            'kms:EncryptionContext:aws:s3:arn': [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          },
        },
      }),
    ]);
  });

  test('the function may assume it, only from itself, and is told its ARN, the bucket and the key', () => {
    const statements = statementsOfRole(template, executionRole.id);
    const roleArn = { 'Fn::GetAtt': [role.id, 'Arn'] };
    expect(statements).toContainEqual({
      Sid: 'AssumePinnedLinkRole',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: roleArn,
    });
    const guard = statements.find((s) => s.Sid === 'PresignRoleOnlyFromThisFunction');
    expect(guard).toMatchObject({ Effect: 'Deny', Resource: expect.arrayContaining([roleArn]) });
    const vars = named(template, 'AWS::Lambda::Function', 'PresignApiHandler').Properties.Environment
      .Variables;
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining(['PINNED_LINK_ROLE_ARN', 'BUCKET_ARN', 'DATA_KEY_ARN', 'S3_VIA_SERVICE']),
    );
  });

  test('without sharing there is no pinned-link role', () => {
    const off = synth(false).template;
    expect(allOf(off, 'AWS::IAM::Role').filter((r) => r.id.startsWith('PresignApiPinnedLinks'))).toEqual([]);
  });
});
