import * as iam from 'aws-cdk-lib/aws-iam';

const ALGORITHM = 's3:x-amz-server-side-encryption';
const KMS_KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const CUSTOMER_ALGORITHM = 's3:x-amz-server-side-encryption-customer-algorithm';

/**
 * Bucket-policy denials that keep every new object under the bucket's own encryption, whoever
 * signs the upload. An upload that names no encryption gets the bucket default and is allowed;
 * one that names anything else is refused. They apply to `s3:PutObject`, which authorizes
 * PutObject, CopyObject (the destination) and CreateMultipartUpload: the requests that carry the
 * encryption headers (UploadPart carries none but SSE-C's).
 *
 * Why each one, by the documents it relies on:
 * - IAM: with a negated operator (`StringNotEquals`) a key absent from the request makes the
 *   condition true, so each denial also requires `Null: false`, "the header was sent"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * - S3 PutObject, SSEKMSKeyId: `aws:kms` without a key id encrypts under the AWS managed key
 *   `aws/s3`, not the bucket default, so that pair is refused too
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
 * - S3 ServerSideEncryptionByDefault: an alias is resolved in the requester's account, so it may
 *   name the requester's own key; only the full key ARN identifies this key wherever the request
 *   comes from (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html).
 *   The condition compares the header text as sent, so a key id or alias of this very key is
 *   refused as well: name the key by its ARN, or better, name none.
 */
export function uploadEncryptionDenials(objectsArn: string, kmsKeyArn?: string): iam.PolicyStatement[] {
  const deny = (sid: string, conditions: Record<string, Record<string, string>>) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objectsArn],
      conditions,
    });
  const sent = (key: string) => ({ Null: { [key]: 'false' } });
  return [
    // An object under a key only its uploader holds could never be recovered or audited.
    deny('DenyCustomerProvidedKeys', sent(CUSTOMER_ALGORITHM)),
    deny('DenyOtherEncryption', {
      ...sent(ALGORITHM),
      StringNotEquals: { [ALGORITHM]: kmsKeyArn ? 'aws:kms' : 'AES256' },
    }),
    kmsKeyArn
      ? deny('DenyOtherKmsKey', { ...sent(KMS_KEY_ID), StringNotEquals: { [KMS_KEY_ID]: kmsKeyArn } })
      : deny('DenyKmsKeyOnS3ManagedBucket', sent(KMS_KEY_ID)),
    ...(kmsKeyArn
      ? [
          deny('DenyKmsWithoutKeyId', {
            StringEquals: { [ALGORITHM]: 'aws:kms' },
            Null: { [KMS_KEY_ID]: 'true' },
          }),
        ]
      : []),
  ];
}
