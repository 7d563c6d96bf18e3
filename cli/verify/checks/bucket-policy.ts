import { CheckResult, verdict } from '../check';

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

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
 * and under TLS 1.2, and every upload with a customer-provided key (SSE-C), by anyone.
 * Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * (`Bool` aws:SecureTransport, `NumericLessThan` s3:TlsVersion, `Null` false = the key is present).
 */
export function bucketPolicyDenies(policy: string, bucket: string): CheckResult[] {
  let statements: Statement[] = [];
  try {
    statements = list((JSON.parse(policy) as { Statement?: Statement | Statement[] }).Statement);
  } catch {
    statements = [];
  }
  const denies = statements.filter(
    (s) => s.Effect === 'Deny' && everyone(s.Principal) && coversObjects(s, bucket),
  );
  const has = (action: string, operator: string, key: string, value: (v: string) => boolean) =>
    denies.some((s) => coversAction(s, action) && conditionValue(s, operator, key).some(value));
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
  ];
}
