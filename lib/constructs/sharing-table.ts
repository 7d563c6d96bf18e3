import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { denyGrantsExceptForAwsServices } from '../policy/grant-key-through-s3';
import { MAX_SINGLE_PUT_BYTES, SHARING_LIMITS, SHARING_TABLE_LAYOUT } from '../validation/rules';

/**
 * Share links and file requests on the presign API (`PresignApiOptions.sharing`). A link lives in
 * the sharing table, so its life does not depend on any STS session: each visit is answered with
 * a fresh presigned URL of two minutes, signed by the creator's own tagged session.
 */
export interface SharingOptions {
  /**
   * Longest life, in days, a user may give a share link or a file request (1 to 30).
   * @default 7
   */
  readonly maxLinkDays?: number;
  /**
   * Most files one file request may receive (1 to 1000).
   * @default 20
   */
  readonly fileRequestMaxFiles?: number;
  /**
   * Largest file a file-request visitor may upload, in bytes (at most 5 GiB, S3's single PUT).
   * @default 104857600 (100 MiB)
   */
  readonly fileRequestMaxFileBytes?: number;
  /**
   * Content types (lower-case `type/subtype`) a file-request visitor may upload.
   * @default - any
   */
  readonly fileRequestContentTypes?: string[];
  /**
   * Steady-state requests per second of each public method (`GET /s/{token}`, `GET /r/{token}`,
   * `POST /r/{token}/uploads`), for all visitors together: API Gateway answers 429 beyond it.
   * @default 10
   */
  readonly visitRateLimit?: number;
  /**
   * Burst capacity of each public method.
   * @default 20
   */
  readonly visitBurstLimit?: number;
}

/** What the Lambda does with the table, and nothing more: no Scan, no DeleteItem, no batch calls. */
const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const INDEX_ACTIONS = ['dynamodb:Query'];
/**
 * What a principal needs of a table's customer managed key to read and write items, only through
 * DynamoDB (`kms:ViaService`), as CDK's own `grantReadWriteData` grants them without `ReEncrypt*`
 * (DynamoDB developer guide, "DynamoDB encryption at rest",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html).
 */
const KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

export interface SharingTableProps {
  /**
   * What happens to the table and its key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The sharing table: on demand, point-in-time recovery, TTL on `expiresAt` (which only tidies up:
 * the API checks expiry itself, as TTL deletes late), encrypted with its own customer managed key
 * (rotated yearly), deletion-protected and retained.
 */
export class SharingTable extends Construct {
  public readonly table: dynamodb.Table;
  /** The table's own key. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: SharingTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = new kms.Key(this, 'Key', {
      description: 'Sharing table: share links and file requests (hashes of tokens only)',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // DynamoDB creates its own grants on a table's key (an AWS service, for an AWS resource); no
    // one else needs one (CT.KMS.PR.3).
    this.key.addToResourcePolicy(denyGrantsExceptForAwsServices());
    const L = SHARING_TABLE_LAYOUT;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: L.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: L.ttlAttribute,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: L.creatorIndex,
      partitionKey: { name: L.creatorIndexPartitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: L.creatorIndexSortKey, type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /**
   * Lets `grantee` revoke every link and file request of a person (offboarding): find them by
   * creator (Query on the creator index) and mark them revoked (UpdateItem), the key only through
   * DynamoDB. It can read no item by its token hash and create none.
   */
  public grantRevokeAll(grantee: iam.IGrantable): iam.Grant {
    return this.grantItemActions(grantee, ['dynamodb:UpdateItem']);
  }

  /** Item reads and writes and the creator index's queries, and the key uses they need. */
  public grantSharingAccess(grantee: iam.IGrantable): iam.Grant {
    return this.grantItemActions(grantee, TABLE_ACTIONS);
  }

  /** `actions` on the table's items, Query on the creator index, and the key only through DynamoDB. */
  private grantItemActions(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const items = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.table.tableArn] });
    const index = iam.Grant.addToPrincipal({
      grantee,
      actions: INDEX_ACTIONS,
      resourceArns: [`${this.table.tableArn}/index/${SHARING_TABLE_LAYOUT.creatorIndex}`],
    });
    const key = iam.Grant.addToPrincipal({
      grantee,
      actions: KEY_ACTIONS,
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
    });
    return items.combine(index).combine(key);
  }
}

/** Problems of the `sharing` options, each naming its prop; tokens are skipped. */
export function sharingProblems(prop: string, options: SharingOptions | undefined): string[] {
  if (options === undefined) return [];
  const problems: string[] = [];
  const integer = (name: keyof SharingOptions, min: number, max: number) => {
    const value = options[name] as number | undefined;
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${prop}.${name}: must be an integer from ${min} to ${max}`);
    }
  };
  integer('maxLinkDays', 1, SHARING_LIMITS.maxLinkDays);
  integer('fileRequestMaxFiles', 1, SHARING_LIMITS.maxFileRequestMaxFiles);
  integer('fileRequestMaxFileBytes', 1, MAX_SINGLE_PUT_BYTES);
  integer('visitRateLimit', 1, 10_000);
  integer('visitBurstLimit', 1, 5_000);
  const types = options.fileRequestContentTypes ?? [];
  if (types.length > SHARING_LIMITS.maxContentTypes) {
    problems.push(`${prop}.fileRequestContentTypes: at most ${SHARING_LIMITS.maxContentTypes} types`);
  }
  for (const type of types) {
    if (!Token.isUnresolved(type) && !SHARING_CONTENT_TYPE.test(type)) {
      problems.push(`${prop}.fileRequestContentTypes: "${type}" is not a lower-case type/subtype`);
    }
  }
  return problems;
}

/** A MIME type's essence, lower case, as the Lambda compares it. */
export const SHARING_CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^._+-]{0,126}\/[a-z0-9][a-z0-9!#$&^._+-]{0,126}$/;
