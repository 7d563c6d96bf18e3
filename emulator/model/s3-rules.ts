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

export interface S3Request {
  readonly roleId: string;
  readonly action: string;
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
 * "To upload an object encrypted with an AWS KMS key ... you need kms:GenerateDataKey permissions
 * on the key. To download an object encrypted with an AWS KMS key, you need kms:Decrypt
 * permissions" ("Using server-side encryption with AWS KMS keys (SSE-KMS)",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html). A multipart
 * upload's parts are encrypted with the upload's data key, so listing or aborting one needs no key.
 */
const KMS_ACTION_FOR: Readonly<Record<string, string>> = {
  's3:PutObject': 'kms:GenerateDataKey',
  's3:GetObject': 'kms:Decrypt',
};

/**
 * The request's decision. The KMS leg carries the keys S3 sets on its call: `kms:ViaService`
 * `s3.<region>.amazonaws.com` ("kms:ViaService", AWS KMS condition keys,
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)
 * and the encryption context `aws:s3:arn`, the object's ARN, or the bucket's ARN when an S3 Bucket
 * Key is enabled ("Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys", encryption context,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html). A KMS key policy is the
 * primary control: an identity policy counts only if the key policy delegates to the account
 * ("Key policies in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
 */
export async function decideS3(
  template: ResolvedTemplate,
  bucketId: string,
  request: S3Request,
): Promise<S3Decision> {
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
  const kmsAction = KMS_ACTION_FOR[request.action];
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
      'kms:EncryptionContext:aws:s3:arn': kmsDefault.bucketKey
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
