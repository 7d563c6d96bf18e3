import { CheckResult, skip, verdict } from '../check';

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** One condition a deny must carry: operator, key, and a test for one of its values. */
type Condition = readonly [operator: string, key: string, value: (v: string) => boolean];
type HasAll = (action: string, conditions: Condition[]) => boolean;

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const everyone = (p: unknown) =>
  p === '*' ||
  (typeof p === 'object' && p !== null && list((p as { AWS?: string | string[] }).AWS).includes('*'));
const coversAction = (s: Statement, action: string) =>
  list(s.Action).some((a) => a === '*' || a === 's3:*' || a === action);
const coversObjects = (s: Statement, bucket: string) =>
  list(s.Resource).some(
    (r) => r === '*' || (/^arn:[^:]+:s3:::/.test(r) && r.replace(/^arn:[^:]+:s3:::/, '') === `${bucket}/*`),
  );
const conditionValue = (s: Statement, operator: string, key: string) =>
  list(s.Condition?.[operator]?.[key] as unknown).map(String);

/**
 * The data bucket's denies, read from the policy document S3 returns: every request over plain HTTP
 * and under TLS 1.2, every upload with a customer-provided key (SSE-C), and every upload that names
 * an encryption other than the bucket's own, by anyone. `encryption` is the BucketEncryption
 * output: `SSE-S3`, or the key ARN of an SSE-KMS bucket; without it the upload-encryption row is a
 * SKIP, since which denies are right depends on it.
 * Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * (`Bool` aws:SecureTransport, `NumericLessThan` s3:TlsVersion, `Null` false = the key is present).
 */
export function bucketPolicyDenies(policy: string, bucket: string, encryption?: string): CheckResult[] {
  let statements: Statement[] = [];
  try {
    statements = list((JSON.parse(policy) as { Statement?: Statement | Statement[] }).Statement);
  } catch {
    statements = [];
  }
  const denies = statements.filter(
    (s) => s.Effect === 'Deny' && everyone(s.Principal) && coversObjects(s, bucket),
  );
  const hasAll = (action: string, conditions: Condition[]) =>
    denies.some(
      (s) =>
        coversAction(s, action) &&
        conditions.every(([operator, key, value]) => conditionValue(s, operator, key).some(value)),
    );
  const has = (action: string, operator: string, key: string, value: (v: string) => boolean) =>
    hasAll(action, [[operator, key, value]]);
  const row = (check: string, ok: boolean, expected: string, finding: string) =>
    verdict(check, ok, expected, ok ? expected : 'no such deny', finding);
  return [
    row(
      'bucket.policy.tls',
      has('s3:GetObject', 'Bool', 'aws:SecureTransport', (v) => v === 'false'),
      'Deny * s3:* when aws:SecureTransport false',
      'The bucket accepts plain HTTP: the enforceSSL deny is gone from the bucket policy. Redeploy the stack.',
    ),
    row(
      'bucket.policy.tls-version',
      has('s3:GetObject', 'NumericLessThan', 's3:TlsVersion', (v) => Number(v) >= 1.2),
      'Deny * s3:* when s3:TlsVersion < 1.2',
      'The bucket accepts TLS 1.0/1.1: the minimum-TLS deny is gone from the bucket policy. Redeploy the stack.',
    ),
    row(
      'bucket.policy.sse-c',
      has('s3:PutObject', 'Null', 's3:x-amz-server-side-encryption-customer-algorithm', (v) => v === 'false'),
      'Deny * s3:PutObject with a customer-provided key (SSE-C)',
      'Uploads with customer-provided keys are allowed, so objects could be written that nobody else can read or audit. Redeploy the stack.',
    ),
    uploadEncryptionRow(hasAll, encryption),
  ];
}

const ALGORITHM = 's3:x-amz-server-side-encryption';
const KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const sent = (key: string): Condition => ['Null', key, (v) => v === 'false'];

/**
 * The denies `uploadEncryptionDenials` writes, as the bucket's encryption requires them: an upload
 * naming another algorithm, another key (or any key on an SSE-S3 bucket), or `aws:kms` without a key
 * id (which S3 reads as the AWS managed key aws/s3, not the bucket's:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
 */
function uploadEncryptionRow(hasAll: HasAll, encryption: string | undefined): CheckResult {
  const check = 'bucket.policy.upload-encryption';
  if (!encryption) {
    return skip(
      check,
      'denies for uploads naming other encryption',
      'The outputs file has no BucketEncryption output (a deploy older than this version). Redeploy, then run verify again.',
    );
  }
  const kms = encryption !== 'SSE-S3';
  const algorithm = kms ? 'aws:kms' : 'AES256';
  const needed: [string, boolean][] = [
    [
      `another algorithm than ${algorithm}`,
      hasAll('s3:PutObject', [sent(ALGORITHM), ['StringNotEquals', ALGORITHM, (v) => v === algorithm]]),
    ],
    kms
      ? [
          `another key than ${encryption}`,
          hasAll('s3:PutObject', [sent(KEY_ID), ['StringNotEquals', KEY_ID, (v) => v === encryption]]),
        ]
      : ['any KMS key', hasAll('s3:PutObject', [sent(KEY_ID)])],
    ...(kms
      ? ([
          [
            'aws:kms without a key id',
            hasAll('s3:PutObject', [
              ['StringEquals', ALGORITHM, (v) => v === 'aws:kms'],
              ['Null', KEY_ID, (v) => v === 'true'],
            ]),
          ],
        ] as [string, boolean][])
      : []),
  ];
  const missing = needed.filter(([, present]) => !present).map(([what]) => what);
  const expected = `Deny * s3:PutObject naming ${needed.map(([what]) => what).join('; ')}`;
  return verdict(
    check,
    missing.length === 0,
    expected,
    missing.length === 0 ? expected : `no deny for: ${missing.join('; ')}`,
    'Uploads may choose their own encryption, so objects could land under a key the bucket does not own or the AWS managed key. Redeploy the stack.',
  );
}

const SCAN_TAG = 's3:ExistingObjectTag/GuardDutyMalwareScanStatus';

/**
 * With `MalwareScanning` `guardduty`: the bucket policy's scan gate, as `scanGateStatements`
 * writes it, for the principals it names (the user routes; not `*`, so administrators and
 * GuardDuty keep their access). Reads are denied unless the object's GuardDuty tag is
 * NO_THREATS_FOUND (StringNotEquals: a missing tag is denied too), tag changes are denied, and
 * uploads that name tags (`Null s3:RequestObjectTagKeys false`) are denied.
 */
export function scanGateDenies(
  policy: string,
  bucket: string,
  gatedRoleArns: readonly string[],
): CheckResult[] {
  let statements: Statement[] = [];
  try {
    statements = list((JSON.parse(policy) as { Statement?: Statement | Statement[] }).Statement);
  } catch {
    statements = [];
  }
  const names = (s: Statement) =>
    list((s.Principal as { AWS?: string | string[] } | undefined)?.AWS).map(String);
  const gates = (s: Statement) =>
    s.Effect === 'Deny' && coversObjects(s, bucket) && gatedRoleArns.every((arn) => names(s).includes(arn));
  const denies = statements.filter(gates);
  const has = (action: string, condition?: Condition) =>
    denies.some(
      (s) =>
        coversAction(s, action) &&
        (condition ? conditionValue(s, condition[0], condition[1]).some(condition[2]) : !s.Condition),
    );
  const ok = (v: string) => v === 'NO_THREATS_FOUND';
  const reads =
    has('s3:GetObject', ['StringNotEquals', SCAN_TAG, ok]) &&
    has('s3:GetObjectVersion', ['StringNotEquals', SCAN_TAG, ok]);
  const tags =
    has('s3:PutObjectTagging') &&
    has('s3:DeleteObjectTagging') &&
    has('s3:PutObject', ['Null', 's3:RequestObjectTagKeys', (v) => v === 'false']);
  const who = `the user routes (${gatedRoleArns.length} roles)`;
  return [
    verdict(
      'bucket.policy.scan-gate',
      reads,
      `Deny ${who} s3:GetObject/GetObjectVersion unless tagged NO_THREATS_FOUND`,
      reads ? 'present' : 'no such deny',
      'Users can read objects GuardDuty has not scanned clean: the scan gate is gone from the bucket policy, or names other roles. Redeploy the stack.',
    ),
    verdict(
      'bucket.policy.scan-tags',
      tags,
      `Deny ${who} tag changes and tags at upload`,
      tags ? 'present' : 'no such deny',
      'Users could set or change the GuardDutyMalwareScanStatus tag, and so mark a file clean themselves. Redeploy the stack.',
    ),
  ];
}
