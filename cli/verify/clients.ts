/**
 * The AWS clients the verifier uses, made once with the default credential chain and the region of
 * the outputs file (or --region). Checks take them as arguments, so tests mock them.
 */
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

export interface Clients {
  readonly cognitoIdentity: CognitoIdentityClient;
  readonly cognitoIdp: CognitoIdentityProviderClient;
  readonly guardDuty: GuardDutyClient;
  readonly iam: IAMClient;
  readonly s3: S3Client;
  readonly sts: STSClient;
  /** Plain HTTPS, for the presign API and presigned URLs. */
  readonly fetch: typeof fetch;
}

export function createClients(region: string): Clients {
  // Presigned and probe requests carry no optional checksums, as the presign Lambda signs them.
  const config = { region, maxAttempts: 3 };
  return {
    cognitoIdentity: new CognitoIdentityClient(config),
    cognitoIdp: new CognitoIdentityProviderClient(config),
    guardDuty: new GuardDutyClient(config),
    iam: new IAMClient(config),
    s3: new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' }),
    sts: new STSClient(config),
    fetch: globalThis.fetch,
  };
}
