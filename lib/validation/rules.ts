import { parseUrl } from './origins';

/*
 * Rules shared by the configuration validator and the constructs' prop checks, defined once so
 * the two cannot disagree about what a valid value is.
 */

export const AWS_ACCOUNT_ID = /^\d{12}$/;

/** The folder every user's own prefix lives under, unless a construct is told otherwise. */
export const DEFAULT_USERS_PREFIX = 'users/';

/**
 * A users prefix: one or more key segments, each ending in `/`, no leading `/`, no `.` or `..`
 * segment, and only characters S3 calls safe in a key (letters, digits, ! - _ . * ' ( )), so the
 * prefix means the same in an ARN, a policy condition and a ListObjects prefix. `*` is refused too:
 * in an IAM resource it would be a wildcard, widening every user's grant.
 * (S3 object key naming guidelines, https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html.)
 */
export function isUsersPrefix(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length <= 256 &&
    /^([A-Za-z0-9!_.'()-]+\/)+$/.test(value) &&
    value.split('/').every((segment) => segment !== '.' && segment !== '..')
  );
}

/** What STS accepts as an external id. */
export const STS_EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** A lowercase HTTP header token, as user-metadata keys must be. */
export const LOWERCASE_HEADER_TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * The presign Lambda signs with a role-chained session, which STS caps at one hour. URLs must
 * expire well inside that so a cached session always outlives every URL signed with it.
 */
export const MAX_URL_EXPIRY_SECONDS = 1800;

/** S3's limit for a single PUT. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/**
 * S3's multipart limits, from the user guide's quick facts
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): part numbers 1 to 10,000,
 * each part 5 MiB to 5 GiB except the last, which has no minimum, and objects up to 48.8 TiB,
 * which is exactly 10,000 parts of 5 GiB.
 */
export const MULTIPART_LIMITS = {
  maxParts: 10_000,
  minPartBytes: 5 * 1024 ** 2,
  maxPartBytes: 5 * 1024 ** 3,
  maxObjectBytes: 10_000 * 5 * 1024 ** 3,
} as const;

/** A Cognito hosted-domain prefix: Cognito refuses the AWS brand names in it. */
export function isCognitoDomainPrefix(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value) &&
    !/aws|amazon|cognito/.test(value)
  );
}

/** An OIDC issuer as IAM and Cognito compare it: https, no trailing slash, query, fragment or credentials. */
export function isIssuerUrl(value: unknown): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    url.protocol === 'https:' &&
    !url.search &&
    !url.hash &&
    !url.username &&
    !(value as string).endsWith('/')
  );
}

/**
 * A user-pool identity provider name as Cognito accepts it: 1-32 characters matching
 * `[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+` (AWS::Cognito::UserPoolIdentityProvider
 * ProviderName, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpoolidentityprovider.html).
 * The pattern itself needs at least three characters, and leaves no whitespace and no `_` after
 * the second character, so `<provider>_<user id>` usernames split unambiguously. Control
 * characters, which the last class would let through, are refused too (stricter than Cognito).
 */
export function isCognitoProviderName(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    [...value].length <= 32 &&
    /^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u.test(value) &&
    !/\p{C}/u.test(value)
  );
}

/** Cognito's range for an app client's ID-token lifetime (TokenValidityUnitsType: five minutes to one day). */
export const ID_TOKEN_VALIDITY_MINUTES = { min: 5, max: 24 * 60 } as const;

/**
 * A DNS host name as CloudFront takes an alternate domain name: lowercase labels of letters, digits
 * and hyphens, at least two labels, at most 253 characters, no trailing dot, no wildcard.
 */
export function isDomainName(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length <= 253 &&
    /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(value)
  );
}

/**
 * The only region whose ACM certificates CloudFront can use: "To use an ACM certificate with
 * CloudFront, make sure you request (or import) the certificate in the US East (N. Virginia)
 * Region (us-east-1)" (CloudFront Developer Guide, requirements for using SSL/TLS certificates,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html).
 */
export const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

/** The region of an ACM certificate ARN (`arn:<partition>:acm:<region>:<account>:certificate/<id>`), or undefined if it is none. */
export function acmCertificateRegion(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]{1,128}$/.exec(value)?.[1];
}

/** What is wrong with an ACM certificate ARN for CloudFront, or undefined if nothing is. */
export function cloudFrontCertificateProblem(value: unknown): string | undefined {
  const region = acmCertificateRegion(value);
  if (region === undefined)
    return 'an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)';
  return region === CLOUDFRONT_CERTIFICATE_REGION
    ? undefined
    : `a certificate in ${CLOUDFRONT_CERTIFICATE_REGION}, the only region whose ACM certificates CloudFront can use (this one is in ${region}: request or import it in us-east-1)`;
}

/**
 * Share links and file requests (issue 21). A link lives in the sharing table, not in a URL's
 * signature, so its life is bounded by this, not by STS; each visit gets a fresh presigned URL of
 * `visitUrlSeconds`, well inside the one-hour role-chained session that signs it.
 */
export const SHARING_LIMITS = {
  defaultMaxLinkDays: 7,
  maxLinkDays: 30,
  visitUrlSeconds: 120,
  defaultFileRequestMaxFiles: 20,
  maxFileRequestMaxFiles: 1000,
  defaultFileRequestMaxFileBytes: 100 * 1024 * 1024,
  maxContentTypes: 50,
} as const;

/** A DynamoDB table name (CreateTable's TableName: 3-255 of letters, digits, `_ - .`). */
export const DYNAMODB_TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * The sharing table's layout, shared by the construct (lib/constructs/sharing-table.ts) and the
 * Lambda's store: partition key `pk`, TTL attribute `expiresAt` (epoch seconds), and the index
 * `byCreator` that lists a creator's links (`creatorKind` = `<sub>#<kind>`, sorted by `createdAt`).
 */
export const SHARING_TABLE_LAYOUT = {
  partitionKey: 'pk',
  ttlAttribute: 'expiresAt',
  creatorIndex: 'byCreator',
  creatorIndexPartitionKey: 'creatorKind',
  creatorIndexSortKey: 'createdAt',
} as const;
