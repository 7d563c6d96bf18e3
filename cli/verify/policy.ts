import { Outputs } from './outputs';
import { PRESIGN_PROBE_FILE } from './probes/presign';

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

/** Partition and account of the stack, from an ARN in its outputs. */
function accountOf(o: Outputs): { partition: string; account: string } {
  const [, partition, , , account] = o.WebIdentityRoleArn.split(':');
  return { partition: partition || 'aws', account: account || '*' };
}

/**
 * The least-privilege IAM policy `verify` needs for this stack: the read-only calls of its checks,
 * `iam:SimulatePrincipalPolicy` on the stack's roles only (the presign Lambda's role too, for its
 * source-function guard), `iam:GetRole` on the presign role for its trust, and the one delete route 3's probe needs
 * to remove its own object; with malware scanning, a read of the stack's GuardDuty plan. Routes 1
 * and 2 probe with the test user's own credentials (GetId, GetCredentialsForIdentity and
 * AssumeRoleWithWebIdentity are unsigned), so they need nothing here.
 * Action names: https://docs.aws.amazon.com/service-authorization/latest/reference/ (S3's
 * GetBucketEncryption is authorized as s3:GetEncryptionConfiguration, GetPublicAccessBlock as
 * s3:GetBucketPublicAccessBlock, GetBucketCors as s3:GetBucketCORS).
 */
export function verifierPolicy(o: Outputs): { Version: '2012-10-17'; Statement: Statement[] } {
  const { partition, account } = accountOf(o);
  const bucketArn = `arn:${partition}:s3:::${o.BucketName}`;
  const roles = [
    o.IdentityPoolRoleArn,
    o.WebIdentityRoleArn,
    o.PresignRoleArn,
    o.PresignHandlerRoleArn,
  ].filter((r): r is string => !!r);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadIdentityPool',
        Effect: 'Allow',
        Action: [
          'cognito-identity:DescribeIdentityPool',
          'cognito-identity:GetIdentityPoolRoles',
          'cognito-identity:GetPrincipalTagAttributeMap',
        ],
        Resource: [
          `arn:${partition}:cognito-identity:${o.Region}:${account}:identitypool/${o.IdentityPoolId}`,
        ],
      },
      {
        Sid: 'ReadUserPoolClient',
        Effect: 'Allow',
        Action: ['cognito-idp:DescribeUserPoolClient'],
        Resource: [`arn:${partition}:cognito-idp:${o.Region}:${account}:userpool/${o.UserPoolId}`],
      },
      {
        Sid: 'ReadOidcProvider',
        Effect: 'Allow',
        Action: ['iam:GetOpenIDConnectProvider'],
        Resource: [o.OidcProviderArn],
      },
      {
        Sid: 'SimulateRoutePolicies',
        Effect: 'Allow',
        Action: ['iam:SimulatePrincipalPolicy'],
        Resource: roles,
      },
      ...(o.PresignRoleArn
        ? [
            {
              Sid: 'ReadPresignRoleTrust',
              Effect: 'Allow' as const,
              Action: ['iam:GetRole'],
              Resource: [o.PresignRoleArn],
            },
          ]
        : []),
      {
        Sid: 'ReadBucketSettings',
        Effect: 'Allow',
        Action: [
          's3:GetBucketCORS',
          's3:GetBucketLogging',
          's3:GetBucketOwnershipControls',
          's3:GetBucketPolicy',
          's3:GetBucketPublicAccessBlock',
          's3:GetBucketVersioning',
          's3:GetEncryptionConfiguration',
        ],
        Resource: [bucketArn],
      },
      ...(o.MalwareProtectionPlanId
        ? [
            {
              Sid: 'ReadMalwareProtectionPlan',
              Effect: 'Allow' as const,
              Action: ['guardduty:GetMalwareProtectionPlan'],
              Resource: [
                `arn:${partition}:guardduty:${o.Region}:${account}:malware-protection-plan/${o.MalwareProtectionPlanId}`,
              ],
            },
          ]
        : []),
      {
        Sid: 'DeleteRoute3ProbeObject',
        Effect: 'Allow',
        Action: ['s3:DeleteObject'],
        Resource: [`${bucketArn}/users/*/${PRESIGN_PROBE_FILE}`],
      },
    ],
  };
}
