/**
 * Amazon S3 object requests, decided the way S3 decides them for a bucket of the synthesized
 * (resolved) template: the caller's identity policies with the bucket policy, and, when the object
 * is encrypted with SSE-KMS, the KMS call S3 makes on the caller's behalf, decided by the caller's
 * identity policies with the key policy. Both through the IAM simulator (emulator/iam/simulate.ts).
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { bucketPolicyOf, decide, identityPoliciesOf, sessionArnOf, type Decision } from '../iam/simulate';
import type { RequestContext } from '../iam/simulate';
import { FoundResource, resourceNamed } from './template-query';

/** The S3 API operations whose KMS call differs although IAM authorizes them all as `s3:PutObject`. */
export type S3Operation =
  'PutObject' | 'CreateMultipartUpload' | 'UploadPart' | 'UploadPartCopy' | 'GetObject';

export interface S3Request {
  readonly roleId: string;
  readonly action: string;
  /** The API operation, when it matters for the KMS leg. @default the action's own (PutObject, GetObject) */
  readonly operation?: S3Operation;
  /**
   * Whether the object is (or will be) encrypted with the S3 Bucket Key. False for an object written
   * before the bucket key was enabled, or uploaded with `x-amz-server-side-encryption-bucket-key-enabled:
   * false`. @default the bucket's setting
   */
  readonly objectUsesBucketKey?: boolean;
  /** The object ARN, or the bucket ARN for bucket actions. */
  readonly resource: string;
  /** The session's keys (principal tags or web-identity claims), TLS and request keys. */
  readonly context: RequestContext;
}

export interface S3Decision {
  readonly s3: Decision;
  /** The KMS leg, when S3 calls KMS for this request. */
  readonly kms?: { readonly action: string; readonly decision: Decision };
  readonly allowed: boolean;
}

interface KmsDefault {
  readonly keyId: string;
  readonly bucketKey: boolean;
}

/** The bucket's default SSE-KMS key, if its default encryption is SSE-KMS. */
export function kmsDefaultOf(bucket: FoundResource): KmsDefault | undefined {
  const [rule] = ((bucket.props.BucketEncryption as any)?.ServerSideEncryptionConfiguration ?? []) as any[];
  const byDefault = rule?.ServerSideEncryptionByDefault;
  if (!byDefault || !String(byDefault.SSEAlgorithm).startsWith('aws:kms')) return undefined;
  return { keyId: String(byDefault.KMSMasterKeyID), bucketKey: rule.BucketKeyEnabled === true };
}

/**
 * The KMS action S3 calls for each operation:
 * - "To upload an object encrypted with an AWS KMS key ... you need kms:GenerateDataKey permissions
 *   on the key. To download an object encrypted with an AWS KMS key, you need kms:Decrypt
 *   permissions" ("Using server-side encryption with AWS KMS keys (SSE-KMS)",
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
 * - "The requester must also have permissions for the kms:GenerateDataKey action for the
 *   CreateMultipartUpload API. Then, the requester needs permissions for the kms:Decrypt action on
 *   the UploadPart and UploadPartCopy APIs" (CreateMultipartUpload,
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html; also
 *   https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key). Listing or aborting parts
 *   calls no key.
 */
const KMS_ACTION_FOR: Readonly<Record<S3Operation, string>> = {
  PutObject: 'kms:GenerateDataKey',
  CreateMultipartUpload: 'kms:GenerateDataKey',
  UploadPart: 'kms:Decrypt',
  UploadPartCopy: 'kms:Decrypt',
  GetObject: 'kms:Decrypt',
};

/** The IAM action that authorizes each operation (all uploads are `s3:PutObject`). */
const ACTION_OF: Readonly<Record<S3Operation, string>> = {
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  UploadPartCopy: 's3:PutObject',
  GetObject: 's3:GetObject',
};

/** The operation a request stands for: the one given, else the action's own object operation. */
function operationOf(request: S3Request): S3Operation | undefined {
  if (request.operation === undefined) {
    const own = request.action.replace(/^s3:/, '') as S3Operation;
    return ACTION_OF[own] === request.action ? own : undefined;
  }
  if (ACTION_OF[request.operation] !== request.action)
    throw new Error(
      `${request.operation} is authorized as ${ACTION_OF[request.operation]}, not ${request.action}`,
    );
  return request.operation;
}

/**
 * The request's decision. The KMS leg carries the keys S3 sets on its call: `kms:ViaService`
 * `s3.<region>.amazonaws.com` ("kms:ViaService", AWS KMS condition keys,
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)
 * and the encryption context `aws:s3:arn`: the bucket's ARN for an object encrypted with an S3
 * Bucket Key, else the object's ARN ("Without enabling an S3 Bucket Key, the object ARN is used as
 * the encryption context", "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html). Which one is per object:
 * objects written before the bucket key was enabled, or with the request header
 * `x-amz-server-side-encryption-bucket-key-enabled: false`, keep the object ARN (same page). A KMS key policy is the
 * primary control: an identity policy counts only if the key policy delegates to the account
 * ("Key policies in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
 */
export async function decideS3(
  template: ResolvedTemplate,
  bucketId: string,
  request: S3Request,
): Promise<S3Decision> {
  const operation = operationOf(request);
  const principal = sessionArnOf(template, request.roleId, 'session');
  const identityPolicies = identityPoliciesOf(template, request.roleId);
  const s3 = await decide({
    identityPolicies,
    resourcePolicy: bucketPolicyOf(template, bucketId),
    action: request.action,
    resource: request.resource,
    principal,
    context: request.context,
  });
  const bucket = { id: bucketId, type: 'AWS::S3::Bucket', props: template.resources[bucketId].Properties };
  const kmsDefault = kmsDefaultOf(bucket);
  const kmsAction = operation && KMS_ACTION_FOR[operation];
  if (!kmsDefault || !kmsAction || s3 !== 'Allowed') return { s3, allowed: s3 === 'Allowed' };

  const key = resourceNamed(template, 'AWS::KMS::Key', kmsDefault.keyId);
  if (!key) throw new Error(`The bucket's key ${kmsDefault.keyId} is not a key of this template`);
  const { region, urlSuffix } = template.env;
  const kmsDecision = await decide({
    identityPolicies,
    resourcePolicy: key.props.KeyPolicy as never,
    action: kmsAction,
    resource: template.getAtt(key.id, 'Arn'),
    principal,
    context: {
      'kms:ViaService': `s3.${region}.${urlSuffix}`,
      'kms:EncryptionContext:aws:s3:arn':
        (request.objectUsesBucketKey ?? kmsDefault.bucketKey)
          ? template.getAtt(bucketId, 'Arn')
          : request.resource,
      ...sessionKeysOf(request.context),
    },
  });
  return {
    s3,
    kms: { action: kmsAction, decision: kmsDecision },
    allowed: kmsDecision === 'Allowed',
  };
}

/** The session's own keys (principal tags, web-identity claims) travel with the KMS call; S3's don't. */
function sessionKeysOf(context: RequestContext): RequestContext {
  return Object.fromEntries(
    Object.entries(context).filter(([key]) => !/^(s3:|aws:SecureTransport)/.test(key)),
  );
}
