import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** The KMS actions S3 calls on a caller's behalf for SSE-KMS uploads and downloads. */
export const S3_KMS_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * Every KMS operation that encrypts or decrypts data. The data bucket's key refuses all of them
 * unless S3 makes the call (see `UserFilesBucket`).
 */
export const KMS_CRYPTO_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/** `kms:ViaService` for S3 in the stack's region, e.g. `s3.eu-west-1.amazonaws.com`. */
export function s3ViaService(scope: Stack): string {
  return `s3.${scope.region}.${scope.urlSuffix}`;
}

/**
 * Use of the bucket's key only as S3 uses it for this bucket: never to decrypt or generate data
 * keys directly, nor through S3 for another bucket.
 * - `kms:ViaService` is set only when an AWS service calls KMS on the principal's behalf
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
 * - S3 puts `aws:s3:arn` in the encryption context: the object ARN, or with an S3 Bucket Key the
 *   bucket ARN (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html). Objects written before
 *   a bucket key was enabled keep their object-ARN context, so both are allowed.
 */
export function grantKeyThroughS3(
  bucket: s3.IBucket,
  key: kms.IKey,
  grantee: iam.IGrantable,
  actions: readonly string[] = S3_KMS_ACTIONS,
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': s3ViaService(Stack.of(bucket)) },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, `${bucket.bucketArn}/*`] },
    },
  });
}

/**
 * Grants are a second way to hand out key use; S3 and CloudWatch Logs need none, so only AWS
 * services acting for an AWS resource may create them (the statement Control Tower's CT.KMS.PR.3
 * asks for, https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html).
 */
export function denyGrantsExceptForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}
