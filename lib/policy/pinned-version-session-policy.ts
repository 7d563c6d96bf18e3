/*
 * The session policy of one pinned share-link visit, with no CDK import: the presign Lambda builds
 * it at each visit, and the IAM tests feed the very same document to the simulator.
 */

/** The one action a pinned-link session may use: a read of a named object version. */
export const PINNED_VERSION_ACTION = 's3:GetObjectVersion';

/**
 * `s3:versionid` is the condition key S3 documents for `GetObjectVersion` ("Filters access by a
 * specific object version", Service Authorization Reference, Amazon S3,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html). Condition
 * keys are case-insensitive; this is the spelling S3's user guide uses.
 */
export const VERSION_ID_CONDITION_KEY = 's3:VersionId';

export interface PinnedVersionTarget {
  /** The data bucket's ARN, e.g. `arn:aws:s3:::bucket`. */
  readonly bucketArn: string;
  /** The object key the link names (already checked to be under the creator's prefix or folder). */
  readonly key: string;
  /** The version the link names. */
  readonly versionId: string;
  /**
   * The data bucket's KMS key, when it has one: a versioned GET of an SSE-KMS object makes S3 call
   * `kms:Decrypt` as this session, which the session policy must allow too.
   */
  readonly kmsKeyArn?: string;
  /** `s3.<region>.<url suffix>`, the `kms:ViaService` value of S3's calls. */
  readonly s3ViaService?: string;
}

/** An inline session policy as STS takes it in AssumeRole's `Policy` parameter. */
export interface SessionPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/**
 * Exactly one object version: `s3:GetObjectVersion` on the one object ARN, only while the request
 * names that version (`StringEquals s3:VersionId`), and, under SSE-KMS, `kms:Decrypt` of the
 * bucket's key only through S3 and only for that object (or the bucket, with an S3 Bucket Key).
 *
 * "The resulting session's permissions are the intersection of the role's identity-based policy and
 * the session policies" (IAM user guide, "Permissions for AssumeRole",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html):
 * the role allows every version under the users and teams prefixes, and this narrows each session to
 * the one version its link names. A key with `*` or `?` is refused: IAM would read it as a pattern.
 */
export function pinnedVersionSessionPolicy(target: PinnedVersionTarget): SessionPolicyDocument {
  const { bucketArn, key, versionId } = target;
  if (!/^arn:[a-z-]+:s3:::[a-z0-9.-]{3,63}$/.test(bucketArn))
    throw new Error(`pinnedVersionSessionPolicy: not a bucket ARN: ${bucketArn}`);
  if (key === '' || /[*?]|\$\{/.test(key))
    throw new Error('pinnedVersionSessionPolicy: the key must be one literal key (no *, ? or ${)');
  if (versionId === '' || /[*?]|\$\{/.test(versionId))
    throw new Error('pinnedVersionSessionPolicy: the version id must be one literal id');
  const objectArn = `${bucketArn}/${key}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OneObjectVersion',
        Effect: 'Allow',
        Action: PINNED_VERSION_ACTION,
        Resource: objectArn,
        Condition: { StringEquals: { [VERSION_ID_CONDITION_KEY]: versionId } },
      },
      ...(target.kmsKeyArn && target.s3ViaService
        ? [
            {
              Sid: 'DecryptThatObjectThroughS3',
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: target.kmsKeyArn,
              Condition: {
                StringEquals: { 'kms:ViaService': target.s3ViaService },
                StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, objectArn] },
              },
            },
          ]
        : []),
    ],
  };
}
