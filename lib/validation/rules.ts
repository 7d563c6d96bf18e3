import { parseUrl } from './origins';

/*
 * Rules shared by the configuration validator and the constructs' prop checks, defined once so
 * the two cannot disagree about what a valid value is.
 */

export const AWS_ACCOUNT_ID = /^\d{12}$/;

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
