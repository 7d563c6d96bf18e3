import {
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CAUSES } from '../causes';
import { CheckResult, guarded, skip, verdict } from '../check';
import { listOutput, Outputs } from '../outputs';
import { bucketPolicyDenies, scanGateDenies } from './bucket-policy';

/** The data bucket's settings, as S3 reports them now. */
export async function bucketChecks(client: S3Client, o: Outputs): Promise<CheckResult[]> {
  const Bucket = o.BucketName;
  const one = (check: string, expected: string, run: () => Promise<CheckResult>) =>
    guarded(check, expected, async () => [await run()]);
  return [
    ...(await one('bucket.public-access', 'all four blocks on', async () => {
      const { PublicAccessBlockConfiguration: c = {} } = await client.send(
        new GetPublicAccessBlockCommand({ Bucket }),
      );
      const flags = [
        'BlockPublicAcls',
        'IgnorePublicAcls',
        'BlockPublicPolicy',
        'RestrictPublicBuckets',
      ] as const;
      const off = flags.filter((f) => c[f] !== true);
      return verdict(
        'bucket.public-access',
        off.length === 0,
        'all four blocks on',
        off.length ? `off: ${off.join(', ')}` : 'all four blocks on',
        'Block Public Access was loosened after deploy. Turn all four settings back on (aws s3api put-public-access-block) and find who changed it in CloudTrail.',
      );
    })),
    ...(await one('bucket.versioning', 'Enabled', async () => {
      const { Status } = await client.send(new GetBucketVersioningCommand({ Bucket }));
      return verdict(
        'bucket.versioning',
        Status === 'Enabled',
        'Enabled',
        Status ?? 'never enabled',
        "Without versioning a user's delete or overwrite cannot be undone. Enable it (aws s3api put-bucket-versioning) and redeploy.",
      );
    })),
    ...(await one('bucket.ownership', 'BucketOwnerEnforced', async () => {
      const { OwnershipControls } = await client.send(new GetBucketOwnershipControlsCommand({ Bucket }));
      const found = OwnershipControls?.Rules?.map((r) => r.ObjectOwnership).join(', ') || 'none';
      return verdict(
        'bucket.ownership',
        found === 'BucketOwnerEnforced',
        'BucketOwnerEnforced',
        found,
        'ACLs are active again, so an uploader could own objects the bucket owner cannot read. Set ObjectOwnership to BucketOwnerEnforced.',
      );
    })),
    ...(await one('bucket.encryption', o.BucketEncryption ?? 'SSE-S3 or SSE-KMS', async () => {
      const { ServerSideEncryptionConfiguration } = await client.send(
        new GetBucketEncryptionCommand({ Bucket }),
      );
      const rule = ServerSideEncryptionConfiguration?.Rules?.[0];
      const d = rule?.ApplyServerSideEncryptionByDefault;
      const found =
        d?.SSEAlgorithm === 'aws:kms'
          ? `aws:kms ${d.KMSMasterKeyID ?? '(AWS managed key)'}`
          : (d?.SSEAlgorithm ?? 'none');
      const expectedKey = o.BucketEncryption;
      const ok = !expectedKey
        ? d?.SSEAlgorithm === 'AES256' || d?.SSEAlgorithm === 'aws:kms'
        : expectedKey === 'SSE-S3'
          ? d?.SSEAlgorithm === 'AES256'
          : d?.SSEAlgorithm === 'aws:kms' &&
            d.KMSMasterKeyID === expectedKey &&
            rule?.BucketKeyEnabled === true;
      const expected = !expectedKey
        ? 'AES256 or aws:kms'
        : expectedKey === 'SSE-S3'
          ? 'AES256'
          : `aws:kms ${expectedKey}, bucket key on`;
      return verdict(
        'bucket.encryption',
        ok,
        expected,
        `${found}${rule?.BucketKeyEnabled ? ', bucket key on' : ''}`,
        'Default encryption differs from the stack (changed by hand, or the outputs file is from another deploy). Restore it with cdk deploy.',
      );
    })),
    ...(await corsCheck(client, o)),
    ...(await guarded(
      'bucket.policy',
      'denies plain HTTP, TLS < 1.2, SSE-C and other encryption',
      async () => {
        const { Policy } = await client.send(new GetBucketPolicyCommand({ Bucket }));
        const gated = [
          o.IdentityPoolRoleArn,
          o.WebIdentityRoleArn,
          o.PresignRoleArn,
          o.WorkflowsConnectorRoleArn,
        ];
        return [
          ...bucketPolicyDenies(Policy ?? '{}', Bucket, o.BucketEncryption),
          ...(o.MalwareScanning === 'guardduty'
            ? scanGateDenies(
                Policy ?? '{}',
                Bucket,
                gated.filter((arn): arn is string => Boolean(arn)),
              )
            : []),
        ];
      },
    )),
    ...(await one('bucket.logging', o.AccessLogBucketName ?? 'a log bucket', async () => {
      const { LoggingEnabled } = await client.send(new GetBucketLoggingCommand({ Bucket }));
      const found = LoggingEnabled
        ? `${LoggingEnabled.TargetBucket}/${LoggingEnabled.TargetPrefix ?? ''}`
        : 'logging off';
      const expected = `${o.AccessLogBucketName ?? '<log bucket>'}/data-bucket/`;
      const ok =
        LoggingEnabled !== undefined &&
        LoggingEnabled.TargetPrefix === 'data-bucket/' &&
        (!o.AccessLogBucketName || LoggingEnabled.TargetBucket === o.AccessLogBucketName);
      return verdict(
        'bucket.logging',
        ok,
        expected,
        found,
        'Server access logs are off or go elsewhere, so requests are no longer attributable. Redeploy the stack to restore the logging target.',
      );
    })),
  ];
}

/** Exactly the configured origins, never `*` unless configured, and ETag exposed. */
async function corsCheck(client: S3Client, o: Outputs): Promise<CheckResult[]> {
  const check = 'bucket.cors';
  if (!o.AllowedOrigins)
    return [
      skip(
        check,
        'the configured origins',
        'The outputs file has no AllowedOrigins output: redeploy the current stack to check CORS.',
      ),
    ];
  const wanted = listOutput(o.AllowedOrigins).sort();
  return guarded(check, wanted.join(', '), async () => {
    let rules: { AllowedOrigins?: string[]; ExposeHeaders?: string[] }[] = [];
    try {
      rules = (await client.send(new GetBucketCorsCommand({ Bucket: o.BucketName }))).CORSRules ?? [];
    } catch (error) {
      if ((error as Error).name !== 'NoSuchCORSConfiguration') throw error;
    }
    const origins = [...new Set(rules.flatMap((r) => r.AllowedOrigins ?? []))].sort();
    const exposesEtag =
      rules.length > 0 && rules.every((r) => (r.ExposeHeaders ?? []).some((h) => h.toLowerCase() === 'etag'));
    return [
      verdict(
        check,
        JSON.stringify(origins) === JSON.stringify(wanted) && exposesEtag,
        `origins ${wanted.join(', ')}; ETag exposed`,
        `origins ${origins.join(', ') || 'none'}; ETag ${exposesEtag ? 'exposed' : 'not exposed'}`,
        CAUSES.cors,
      ),
    ];
  });
}
