/**
 * DynamoDB and presigned-URL rules the sharing feature depends on, each with its source, read from
 * a synthesized (resolved) template or applied to what the real handler produced.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { SHARING_TABLE_LAYOUT } from '../../lib/validation/rules';
import { resourcesOfType } from './template-query';

/**
 * TTL: "TTL compares the current time in epoch time format to the time stored in the TTL attribute
 * of an item. If the epoch time value stored in the attribute is less than the current time, the
 * item is marked as expired and subsequently deleted." "DynamoDB typically deletes expired items
 * within two days of expiration. [...] Items that have expired and not been deleted will still
 * show up in reads, queries, and scans." (DynamoDB API reference, UpdateTimeToLive,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html.)
 *
 * So the model table below never deletes an expired item early: within the documented window a
 * read returns it as if TTL did not exist, and the API must check expiry itself.
 */
export const TYPICAL_TTL_DELETION_LAG_SECONDS = 2 * 86_400;

/** Whether DynamoDB has marked an item expired at `nowSeconds` (strictly less than now). */
export function ttlExpired(ttlEpochSeconds: number, nowSeconds: number): boolean {
  return ttlEpochSeconds < nowSeconds;
}

/** Whether a read at `nowSeconds` may still return the item: until deleted, always. */
export function mayStillBeRead(
  ttlEpochSeconds: number,
  nowSeconds: number,
  deletedAfterSeconds: number,
): boolean {
  return !ttlExpired(ttlEpochSeconds, nowSeconds) || nowSeconds - ttlEpochSeconds <= deletedAfterSeconds;
}

/**
 * Rule: the sharing table enables TTL on the attribute the Lambda writes (epoch seconds), so expired
 * items are tidied away at all (`TimeToLiveSpecification`, AWS::DynamoDB::Table,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-table-timetolivespecification.html).
 */
export function sharingTableTtlProblems(template: ResolvedTemplate): string[] {
  const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
  return tables.flatMap((table) => {
    const ttl = table.props.TimeToLiveSpecification as
      { AttributeName?: string; Enabled?: boolean } | undefined;
    if (ttl?.Enabled !== true) return [`${table.id}: TTL is not enabled`];
    if (ttl.AttributeName !== SHARING_TABLE_LAYOUT.ttlAttribute) {
      return [
        `${table.id}: TTL is on ${ttl.AttributeName}, but the Lambda writes ${SHARING_TABLE_LAYOUT.ttlAttribute}`,
      ];
    }
    return [];
  });
}

/**
 * Presigned URLs: SigV4 query authentication allows `X-Amz-Expires` up to 604800 seconds (seven
 * days), and "If you created a presigned URL using a temporary credential, the URL expires when the
 * credential expires" (S3 user guide, "Sharing objects with presigned URLs",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html; the seven-day
 * maximum is in "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html). A link that must
 * outlive both is therefore not a presigned URL, but a token resolved on each visit.
 */
export const SIGV4_MAX_EXPIRES_SECONDS = 604_800;

/** Problems of a presigned URL signed with credentials that expire at `credentialsExpiration`. */
export function presignedUrlLifetimeProblems(url: string, credentialsExpiration: Date): string[] {
  const query = new URL(url).searchParams;
  const expires = Number(query.get('X-Amz-Expires'));
  const date = query.get('X-Amz-Date') ?? '';
  const signed = Date.parse(
    date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  const problems: string[] = [];
  if (!(Number.isInteger(expires) && expires >= 1 && expires <= SIGV4_MAX_EXPIRES_SECONDS)) {
    problems.push(`X-Amz-Expires ${query.get('X-Amz-Expires')} is outside 1..${SIGV4_MAX_EXPIRES_SECONDS}`);
  }
  if (Number.isNaN(signed)) problems.push(`X-Amz-Date ${date} is not a SigV4 date`);
  else if (signed + expires * 1000 > credentialsExpiration.getTime()) {
    problems.push('the URL would outlive the credentials that signed it, and die with them');
  }
  return problems;
}
