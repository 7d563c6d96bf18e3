import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { UserFilesBucket, UserFilesBucketProps } from '../../lib/constructs/user-files-bucket';
import { TEST_ORIGINS } from '../support/config';
import { allOf, named, only } from '../support/resources';
import { synthesizedTemplate } from '../support/template-cache';

/**
 * What browser SDK v3 clients, presigned uploads and the file browser's copy (CopyObject) send,
 * written out so the test can fail.
 */
const BROWSER_SDK_HEADERS = [
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'authorization',
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-md5',
  'content-type',
  'expires',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-unmodified-since',
  'range',
  'x-amz-checksum-algorithm',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-mode',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
  'x-amz-checksum-type',
  'x-amz-content-sha256',
  'x-amz-copy-source',
  'x-amz-copy-source-if-match',
  'x-amz-copy-source-if-unmodified-since',
  'x-amz-date',
  'x-amz-expected-bucket-owner',
  'x-amz-metadata-directive',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-security-token',
  'x-amz-source-expected-bucket-owner',
  'x-amz-tagging-directive',
  'x-amz-user-agent',
];

const BPA_ALL = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

/** The construct alone in a bare stack (an app without feature flags), from explicit props. */
const bare = (props: UserFilesBucketProps) => {
  const stack = new Stack();
  new UserFilesBucket(stack, 'Files', props);
  return Template.fromStack(stack);
};

const policyOf = (template: Template, bucketId: string) =>
  only(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } }).Properties.PolicyDocument
    .Statement as Record<string, unknown>[];
const bothResources = (id: string) => [
  { 'Fn::GetAtt': [id, 'Arn'] },
  { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
];

describe('UserFilesBucket with every option set', () => {
  let template: Template;
  let data: ReturnType<typeof named>;
  let log: ReturnType<typeof named>;
  beforeAll(() => {
    template = bare({
      allowedOrigins: TEST_ORIGINS,
      exposedMetadataKeys: ['original-name', 'x-amz-meta-checksum'],
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(3),
      accessLogRetention: Duration.days(90),
    });
    data = named(template, 'AWS::S3::Bucket', 'FilesData');
    log = named(template, 'AWS::S3::Bucket', 'FilesAccessLogs');
  });
  const bucket = (which: string) => (which === 'data' ? data : log);

  test('creates exactly a data bucket and a log bucket, and no KMS key', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test.each(['data', 'log'])('%s bucket blocks all public access', (which) => {
    expect(bucket(which).Properties.PublicAccessBlockConfiguration).toEqual(BPA_ALL);
  });

  test.each(['data', 'log'])('%s bucket denies plain HTTP and TLS below 1.2 for everyone', (which) => {
    const { id } = bucket(which);
    const statements = policyOf(template, id);
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Resource: bothResources(id),
    });
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      Resource: bothResources(id),
    });
  });

  test('data bucket has SSE-S3, versioning and BucketOwnerEnforced', () => {
    expect(data.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('log bucket has SSE-S3 and BucketOwnerEnforced (delivery by policy, not ACL)', () => {
    expect(log.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(log.Properties.AccessControl).toBeUndefined();
  });

  test('data bucket lifecycle aborts uploads, expires old versions and removes expired delete markers', () => {
    expect(data.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'abort-incomplete-multipart-uploads',
        Status: 'Enabled',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
      },
      {
        Id: 'expire-noncurrent-versions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
  });

  test('log bucket expires logs after accessLogRetention', () => {
    expect(log.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 90 },
    ]);
  });

  test('CORS allows exactly the given origins, methods and headers; x-amz-meta- is never doubled', () => {
    expect(data.Properties.CorsConfiguration.CorsRules).toEqual([
      {
        Id: 'browser-access',
        AllowedOrigins: TEST_ORIGINS,
        AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
        AllowedHeaders: [...BROWSER_SDK_HEADERS, 'x-amz-meta-original-name', 'x-amz-meta-checksum'],
        ExposedHeaders: ['ETag', 'x-amz-version-id', 'x-amz-meta-original-name', 'x-amz-meta-checksum'],
        MaxAge: 3000,
      },
    ]);
    expect(BROWSER_SDK_HEADERS.every((h) => !h.includes('*'))).toBe(true);
  });

  test('access logs go to the log bucket under their own prefix', () => {
    expect(data.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: log.id },
      LogFilePrefix: 'data-bucket/',
    });
  });

  test("only S3 log delivery for this bucket and the stack's account may write logs, under the prefix", () => {
    const allows = policyOf(template, log.id).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [log.id, 'Arn'] }, '/data-bucket/*']] },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [data.id, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
  });

  test('the data bucket policy allows nobody anything', () => {
    expect(policyOf(template, data.id).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  test('the data bucket refuses uploads encrypted with customer-provided keys', () => {
    expect(policyOf(template, data.id)).toContainEqual({
      Sid: 'DenyCustomerProvidedKeys',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [data.id, 'Arn'] }, '/*']] },
      Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
    });
  });
});

describe('UserFilesBucket defaults', () => {
  let template: Template;
  beforeAll(() => {
    template = bare({});
  });

  test.each(['FilesData', 'FilesAccessLogs'])('%s is retained on delete and on replacement', (prefix) => {
    const bucket = named(template, 'AWS::S3::Bucket', prefix);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('90-day versions, 7-day uploads, 365-day logs, no CORS', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: Match.absent(),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
    });
  });

  test('logs are delivered by bucket policy even in an app without feature flags', () => {
    const props = allOf(template, 'AWS::S3::Bucket').map((b) => b.Properties);
    expect(props.filter((p) => p.AccessControl)).toEqual([]);
    expect(
      props.filter((p) => p.LoggingConfiguration).map((p) => p.LoggingConfiguration.LogFilePrefix),
    ).toEqual(['data-bucket/']);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('UserFilesBucket with KMS', () => {
  let template: Template;
  beforeAll(() => {
    template = bare({ encryption: s3.BucketEncryption.KMS });
  });

  test('uses a rotating customer managed key with a bucket key', () => {
    const key = only(template, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key.id, 'Arn'] },
            },
          },
        ],
      },
    });
  });
});

describe('UserFilesBucket options', () => {
  test('DESTROY is opt-in and empties the buckets before deleting them', () => {
    const t = bare({ removalPolicy: RemovalPolicy.DESTROY });
    expect(allOf(t, 'AWS::S3::Bucket').map((b) => b.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  test('rejects bad props, naming each', () => {
    expect(() =>
      bare({
        allowedOrigins: ['*', 'https://a.example/'],
        exposedMetadataKeys: ['Bad Key'],
        noncurrentVersionExpiration: Duration.hours(5),
      }),
    ).toThrow(
      'UserFilesBucket at Default/Files: allowedOrigins: "*" allows every web origin; set allowAnyOrigin: true to mean it; allowedOrigins: "https://a.example/" is not an https origin (https://host[:port]), or http://localhost / http://127.0.0.1, with no path; exposedMetadataKeys: "Bad Key" is not a lowercase header token; noncurrentVersionExpiration: expected a whole number of days, at least 1',
    );
  });
});

/** The app's composition: the dev configuration's storage settings reach the bucket. */
describe('UserFilesBucket in the app', () => {
  test('the storage settings of the configuration become the bucket props', () => {
    const template = synthesizedTemplate();
    const data = named(template, 'AWS::S3::Bucket', 'StorageData');
    expect(data.Properties.CorsConfiguration.CorsRules[0]).toMatchObject({
      AllowedOrigins: TEST_ORIGINS,
      ExposedHeaders: ['ETag', 'x-amz-version-id', 'x-amz-meta-original-name', 'x-amz-meta-checksum'],
    });
    expect(data.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 } }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
      ]),
    );
    expect(named(template, 'AWS::S3::Bucket', 'StorageAccessLogs').Properties.LifecycleConfiguration).toEqual(
      {
        Rules: [{ Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 90 }],
      },
    );
    only(template, 'AWS::S3::BucketPolicy', {
      Bucket: { Ref: named(template, 'AWS::S3::Bucket', 'StorageAccessLogs').id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012' } }),
          }),
        ]),
      },
    });
  });
});
