import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserFilesBucket } from '../../lib/constructs/user-files-bucket';
import { TEST_ORIGINS } from '../support/config';
import { synthesizedTemplate } from '../support/template-cache';

/** What browser SDK v3 clients and presigned uploads send, written out so the test can fail. */
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
  'x-amz-date',
  'x-amz-expected-bucket-owner',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-security-token',
  'x-amz-user-agent',
];

const BPA_ALL = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

let template: Template;
let dataBucketId: string;
let logBucketId: string;

beforeAll(() => {
  template = synthesizedTemplate();
  const buckets = template.findResources('AWS::S3::Bucket');
  dataBucketId = Object.keys(buckets).find((id) => buckets[id].Properties.VersioningConfiguration)!;
  logBucketId = Object.keys(buckets).find((id) => id !== dataBucketId)!;
});

const bucket = (id: string) => template.toJSON().Resources[id];
const policyOf = (bucketId: string) => {
  const policies = template.findResources('AWS::S3::BucketPolicy', {
    Properties: { Bucket: { Ref: bucketId } },
  });
  expect(Object.keys(policies)).toHaveLength(1);
  return Object.values(policies)[0].Properties.PolicyDocument.Statement as Record<string, unknown>[];
};
const bothResources = (id: string) => [
  { 'Fn::GetAtt': [id, 'Arn'] },
  { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
];

describe('UserFilesBucket in the stack', () => {
  test('creates exactly a data bucket and a log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    expect(dataBucketId).toMatch(/^StorageData/);
    expect(logBucketId).toMatch(/^StorageAccessLogs/);
  });

  test.each(['data', 'log'])('%s bucket blocks all public access', (which) => {
    const id = which === 'data' ? dataBucketId : logBucketId;
    expect(bucket(id).Properties.PublicAccessBlockConfiguration).toEqual(BPA_ALL);
  });

  test.each(['data', 'log'])('%s bucket denies plain HTTP and TLS below 1.2 for everyone', (which) => {
    const id = which === 'data' ? dataBucketId : logBucketId;
    const statements = policyOf(id);
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
    const props = bucket(dataBucketId).Properties;
    expect(props.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  test('log bucket has SSE-S3 and BucketOwnerEnforced (delivery by policy, not ACL)', () => {
    const props = bucket(logBucketId).Properties;
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual(
      {
        SSEAlgorithm: 'AES256',
      },
    );
    expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(props.AccessControl).toBeUndefined();
  });

  test('data bucket lifecycle aborts uploads, expires old versions and removes expired delete markers', () => {
    expect(bucket(dataBucketId).Properties.LifecycleConfiguration.Rules).toEqual([
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

  test('log bucket expires logs after the configured window', () => {
    expect(bucket(logBucketId).Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 90 },
    ]);
  });

  test('CORS allows exactly the configured origins, methods and headers', () => {
    expect(bucket(dataBucketId).Properties.CorsConfiguration.CorsRules).toEqual([
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
    expect(bucket(dataBucketId).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucketId },
      LogFilePrefix: 'data-bucket/',
    });
  });

  test('only S3 log delivery for this bucket and account may write logs, under the prefix', () => {
    const allows = policyOf(logBucketId).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logBucketId, 'Arn'] }, '/data-bucket/*']] },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [dataBucketId, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': '123456789012' },
        },
      },
    ]);
  });

  test('the data bucket policy allows nobody anything', () => {
    expect(policyOf(dataBucketId).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  test('the data bucket refuses uploads encrypted with customer-provided keys', () => {
    expect(policyOf(dataBucketId)).toContainEqual({
      Sid: 'DenyCustomerProvidedKeys',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [dataBucketId, 'Arn'] }, '/*']] },
      Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
    });
  });

  test.each(['data', 'log'])('%s bucket is retained on delete and on replacement', (which) => {
    const id = which === 'data' ? dataBucketId : logBucketId;
    expect(bucket(id).DeletionPolicy).toBe('Retain');
    expect(bucket(id).UpdateReplacePolicy).toBe('Retain');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('UserFilesBucket options', () => {
  const standalone = (props: ConstructorParameters<typeof UserFilesBucket>[2]) => {
    const stack = new Stack(new App(), 'S');
    new UserFilesBucket(stack, 'Files', props);
    return Template.fromStack(stack);
  };

  test('the kms option uses a rotating customer managed key with a bucket key', () => {
    const t = synthesizedTemplate(undefined, { env: 'prod' });
    const keys = t.findResources('AWS::KMS::Key');
    expect(Object.values(keys).map((k) => k.Properties.EnableKeyRotation)).toEqual([true]);
    t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Object.keys(keys)[0], 'Arn'] },
            },
          },
        ],
      },
    });
  });

  test('DESTROY is opt-in and empties the buckets before deleting them', () => {
    const t = standalone({ removalPolicy: RemovalPolicy.DESTROY });
    const buckets = Object.values(t.findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => b.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });

  test('logs are delivered by bucket policy even in an app without feature flags', () => {
    const t = standalone({});
    const props = Object.values(t.findResources('AWS::S3::Bucket')).map((b) => b.Properties);
    expect(props.filter((p) => p.AccessControl)).toEqual([]);
    expect(
      props.filter((p) => p.LoggingConfiguration).map((p) => p.LoggingConfiguration.LogFilePrefix),
    ).toEqual(['data-bucket/']);
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
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

  test('defaults: retained, 90-day versions, 7-day uploads, 365-day logs, no CORS', () => {
    const t = standalone({});
    const buckets = Object.values(t.findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => b.DeletionPolicy)).toEqual(['Retain', 'Retain']);
    t.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: Match.absent(),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
    });
  });

  test('rejects bad props, naming each', () => {
    expect(() =>
      standalone({
        allowedOrigins: ['*', 'https://a.example/'],
        exposedMetadataKeys: ['Bad Key'],
        noncurrentVersionExpiration: Duration.hours(5),
      }),
    ).toThrow(
      'UserFilesBucket at S/Files: allowedOrigins: "*" allows every web origin; set allowAnyOrigin: true to mean it; allowedOrigins: "https://a.example/" is not an https origin (https://host[:port]), or http://localhost / http://127.0.0.1, with no path; exposedMetadataKeys: "Bad Key" is not a lowercase header token; noncurrentVersionExpiration: expected a whole number of days, at least 1',
    );
  });
});
