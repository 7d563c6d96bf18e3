/**
 * A stack "deployed" from the synthesized template: the outputs file `cdk deploy --outputs-file`
 * would write, and what each AWS read API returns for those resources, translated from the
 * CloudFormation property names to the API's response names as the API references document them.
 * Checks are tested against this, so a passing check passes on what the stack really deploys; a
 * failing path changes one response.
 */
import {
  CognitoIdentityClient,
  DescribeIdentityPoolCommand,
  DescribeIdentityPoolCommandOutput,
  GetIdentityPoolRolesCommand,
  GetIdentityPoolRolesCommandOutput,
  GetPrincipalTagAttributeMapCommand,
  GetPrincipalTagAttributeMapCommandOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolClientCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GetOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommandOutput,
  GetRoleCommand,
  GetRoleCommandOutput,
  IAMClient,
  SimulatePrincipalPolicyCommand,
  SimulatePrincipalPolicyCommandOutput,
} from '@aws-sdk/client-iam';
import {
  GetBucketCorsCommand,
  GetBucketCorsCommandOutput,
  GetBucketEncryptionCommand,
  GetBucketEncryptionCommandOutput,
  GetBucketLoggingCommand,
  GetBucketLoggingCommandOutput,
  GetBucketOwnershipControlsCommand,
  GetBucketOwnershipControlsCommandOutput,
  GetBucketPolicyCommand,
  GetBucketPolicyCommandOutput,
  GetBucketVersioningCommand,
  GetBucketVersioningCommandOutput,
  GetPublicAccessBlockCommand,
  GetPublicAccessBlockCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Clients } from '../../cli/verify/clients';
import { Outputs, stackOutputs } from '../../cli/verify/outputs';
import { ResolvedTemplate } from '../../emulator/iam/resolve-template';
import {
  bucketPolicyOf,
  decide,
  type Decision,
  identityPoliciesOf,
  NamedPolicy,
  trustPolicyOf,
} from '../../emulator/iam/simulate';
import { resolvedStack } from '../iam/stack-under-test';

const $metadata = { httpStatusCode: 200, requestId: 'test-request', attempts: 1, totalRetryDelay: 0 };
type Props = Record<string, any>;

export interface Deployment {
  readonly stackName: string;
  readonly outputs: Outputs;
  readonly template: ResolvedTemplate;
  readonly ids: ReturnType<typeof resolvedStack>['ids'];
  /** What each read API returns for the deployed resources. */
  readonly responses: ReturnType<typeof responsesOf>;
  /** The identity policies IAM holds for a role ARN, as the template attaches them. */
  readonly policiesOfRole: (roleArn: string) => NamedPolicy[];
}

/** Synthesizes the test stack once and "deploys" it. Call it in `beforeAll`. */
export function deploy(env: 'dev' | 'prod' = 'dev'): Deployment {
  const { template, ids } = resolvedStack(env);
  const stackName = `TestStore-${env}`;
  const { outputs } = stackOutputs({ [stackName]: template.outputs }, stackName);
  const roleIds = Object.entries(template.resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([id]) => id);
  const policiesOfRole = (roleArn: string) => {
    const id = roleIds.find((r) => template.getAtt(r, 'Arn') === roleArn);
    if (!id) throw Object.assign(new Error(`No role ${roleArn}`), { name: 'NoSuchEntity' });
    return identityPoliciesOf(template, id);
  };
  return { stackName, outputs, template, ids, responses: responsesOf(template, ids), policiesOfRole };
}

function only(template: ResolvedTemplate, type: string, prefix = ''): Props {
  const found = Object.entries(template.resources).filter(
    ([id, r]) => r.Type === type && id.startsWith(prefix),
  );
  if (found.length !== 1) throw new Error(`Expected one ${type} ${prefix}, got ${found.length}`);
  return found[0][1].Properties;
}

function responsesOf(template: ResolvedTemplate, ids: ReturnType<typeof resolvedStack>['ids']) {
  const pool: Props = template.resources[ids.identityPool].Properties;
  const attachment = only(template, 'AWS::Cognito::IdentityPoolRoleAttachment');
  const tags = only(template, 'AWS::Cognito::IdentityPoolPrincipalTag');
  const provider: Props = template.resources[ids.oidcProvider].Properties;
  const bucket: Props = template.resources[ids.dataBucket].Properties;
  const client = only(template, 'AWS::Cognito::UserPoolClient');
  const cfnCors: Props[] = bucket.CorsConfiguration?.CorsRules ?? [];
  const cfnEncryption: Props[] = bucket.BucketEncryption.ServerSideEncryptionConfiguration;
  return {
    // https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DescribeIdentityPool.html
    describeIdentityPool: {
      $metadata,
      IdentityPoolId: template.ref(ids.identityPool),
      IdentityPoolName: String(pool.IdentityPoolName ?? 'pool'),
      AllowUnauthenticatedIdentities: pool.AllowUnauthenticatedIdentities,
      AllowClassicFlow: pool.AllowClassicFlow ?? false,
      OpenIdConnectProviderARNs: pool.OpenIdConnectProviderARNs,
      IdentityPoolTags: {},
    } satisfies DescribeIdentityPoolCommandOutput,
    // https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetIdentityPoolRoles.html
    getIdentityPoolRoles: {
      $metadata,
      IdentityPoolId: template.ref(ids.identityPool),
      Roles: attachment.Roles,
    } satisfies GetIdentityPoolRolesCommandOutput,
    // https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetPrincipalTagAttributeMap.html
    getPrincipalTagAttributeMap: {
      $metadata,
      IdentityPoolId: tags.IdentityPoolId,
      IdentityProviderName: tags.IdentityProviderName,
      UseDefaults: tags.UseDefaults,
      PrincipalTags: tags.PrincipalTags,
    } satisfies GetPrincipalTagAttributeMapCommandOutput,
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetOpenIDConnectProvider.html
    // (the Url comes back without https://, as in the reference's example response)
    getOpenIdConnectProvider: {
      $metadata,
      Url: String(provider.Url).replace(/^https:\/\//, ''),
      ClientIDList: provider.ClientIdList as string[],
      ThumbprintList: (provider.ThumbprintList ?? []) as string[],
      CreateDate: new Date('2026-11-01T00:00:00Z'),
      Tags: [],
    } satisfies GetOpenIDConnectProviderCommandOutput,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html
    getPublicAccessBlock: {
      $metadata,
      PublicAccessBlockConfiguration: bucket.PublicAccessBlockConfiguration,
    } satisfies GetPublicAccessBlockCommandOutput,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
    getBucketVersioning: {
      $metadata,
      Status: (bucket.VersioningConfiguration as Props).Status,
    } satisfies GetBucketVersioningCommandOutput,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html
    getBucketOwnershipControls: {
      $metadata,
      OwnershipControls: bucket.OwnershipControls,
    } satisfies GetBucketOwnershipControlsCommandOutput,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
    getBucketEncryption: {
      $metadata,
      ServerSideEncryptionConfiguration: {
        Rules: cfnEncryption.map((r) => ({
          ApplyServerSideEncryptionByDefault: r.ServerSideEncryptionByDefault,
          BucketKeyEnabled: r.BucketKeyEnabled ?? false,
        })),
      },
    } satisfies GetBucketEncryptionCommandOutput,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html (ID, ExposeHeaders, MaxAgeSeconds)
    getBucketCors: {
      $metadata,
      CORSRules: cfnCors.map((r) => ({
        ID: r.Id,
        AllowedHeaders: r.AllowedHeaders,
        AllowedMethods: r.AllowedMethods,
        AllowedOrigins: r.AllowedOrigins,
        ExposeHeaders: r.ExposedHeaders,
        MaxAgeSeconds: r.MaxAge,
      })),
    } satisfies GetBucketCorsCommandOutput,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html: the policy as a JSON string
    getBucketPolicy: {
      $metadata,
      Policy: JSON.stringify(bucketPolicyOf(template, ids.dataBucket)),
    } satisfies GetBucketPolicyCommandOutput,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLogging.html
    getBucketLogging: {
      $metadata,
      LoggingEnabled: {
        TargetBucket: (bucket.LoggingConfiguration as Props).DestinationBucketName,
        TargetPrefix: (bucket.LoggingConfiguration as Props).LogFilePrefix,
      },
    } satisfies GetBucketLoggingCommandOutput,
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html: the trust policy comes
    // back URL-encoded (RFC 3986), as IAM returns every policy document.
    getPresignRole: {
      $metadata,
      Role: {
        Path: '/',
        RoleName: String(template.outputs.PresignRoleArn).split('/').pop()!,
        RoleId: 'AROAPRESIGNROLEEXAMPLE',
        Arn: String(template.outputs.PresignRoleArn),
        CreateDate: new Date('2026-11-01T00:00:00Z'),
        AssumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify(trustPolicyOf(template, ids.presignRole)),
        ),
        MaxSessionDuration: 3600,
      },
    } satisfies GetRoleCommandOutput,
    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPoolClient.html
    describeUserPoolClient: {
      $metadata,
      UserPoolClient: {
        UserPoolId: client.UserPoolId,
        ClientName: 'WebClient',
        ClientId: template.outputs.UserPoolClientId as string,
        ExplicitAuthFlows: client.ExplicitAuthFlows,
        AllowedOAuthFlows: client.AllowedOAuthFlows,
        AllowedOAuthScopes: client.AllowedOAuthScopes,
        AllowedOAuthFlowsUserPoolClient: client.AllowedOAuthFlowsUserPoolClient,
        SupportedIdentityProviders: client.SupportedIdentityProviders,
        CallbackURLs: client.CallbackURLs,
        LogoutURLs: client.LogoutURLs,
        ReadAttributes: client.ReadAttributes,
        WriteAttributes: client.WriteAttributes,
        PreventUserExistenceErrors: client.PreventUserExistenceErrors,
        EnableTokenRevocation: client.EnableTokenRevocation,
        IdTokenValidity: client.IdTokenValidity,
        TokenValidityUnits: client.TokenValidityUnits,
      },
    } satisfies DescribeUserPoolClientCommandOutput,
  };
}

/** Real SDK clients (fixed test credentials, no network) whose `send` the mocks below answer. */
export function testClients(fetchFn: typeof fetch = unexpectedFetch): Clients {
  const config = {
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'test-secret' },
  };
  return {
    cognitoIdentity: new CognitoIdentityClient(config),
    cognitoIdp: new CognitoIdentityProviderClient(config),
    guardDuty: new GuardDutyClient(config),
    iam: new IAMClient(config),
    s3: new S3Client(config),
    sts: new STSClient(config),
    fetch: fetchFn,
  };
}

async function unexpectedFetch(): Promise<Response> {
  throw new Error('This test makes no HTTP request');
}

/** Mocks every read API with the deployment's responses; tests override single commands. */
export function mockDeployment(d: Deployment, simulatePolicies = d.policiesOfRole) {
  const r = d.responses;
  const cognitoIdentity = mockClient(CognitoIdentityClient);
  cognitoIdentity.on(DescribeIdentityPoolCommand).resolves(r.describeIdentityPool);
  cognitoIdentity.on(GetIdentityPoolRolesCommand).resolves(r.getIdentityPoolRoles);
  cognitoIdentity
    .on(GetPrincipalTagAttributeMapCommand)
    .rejects(resourceNotFound())
    .on(GetPrincipalTagAttributeMapCommand, {
      IdentityProviderName: r.getPrincipalTagAttributeMap.IdentityProviderName,
    })
    .resolves(r.getPrincipalTagAttributeMap);
  const iam = mockClient(IAMClient);
  iam.on(GetOpenIDConnectProviderCommand).resolves(r.getOpenIdConnectProvider);
  iam.on(GetRoleCommand, { RoleName: r.getPresignRole.Role.RoleName }).resolves(r.getPresignRole);
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input) => simulate(input, simulatePolicies));
  const s3 = mockClient(S3Client);
  s3.on(GetPublicAccessBlockCommand).resolves(r.getPublicAccessBlock);
  s3.on(GetBucketVersioningCommand).resolves(r.getBucketVersioning);
  s3.on(GetBucketOwnershipControlsCommand).resolves(r.getBucketOwnershipControls);
  s3.on(GetBucketEncryptionCommand).resolves(r.getBucketEncryption);
  s3.on(GetBucketCorsCommand).resolves(r.getBucketCors);
  s3.on(GetBucketPolicyCommand).resolves(r.getBucketPolicy);
  s3.on(GetBucketLoggingCommand).resolves(r.getBucketLogging);
  const cognitoIdp = mockClient(CognitoIdentityProviderClient);
  cognitoIdp.on(DescribeUserPoolClientCommand).resolves(r.describeUserPoolClient);
  const sts = mockClient(STSClient);
  return { cognitoIdentity, iam, s3, cognitoIdp, sts };
}

export function resourceNotFound(message = 'PrincipalTag mapping not found') {
  return new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 } });
}

const EVAL_DECISION = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny',
};

/**
 * Decisions already made in this test file, by everything that decides them: the failing cases of
 * a check change one role and ask the same questions of the others again. The simulator is pure,
 * so a remembered answer is the answer (and it costs milliseconds per question).
 */
const decisions = new Map<string, Promise<Decision>>();
function remembered(key: string, decideNow: () => Promise<Decision>): Promise<Decision> {
  if (!decisions.has(key)) decisions.set(key, decideNow());
  return decisions.get(key)!;
}

/**
 * SimulatePrincipalPolicy answered by the offline simulator on the template's policies: each action
 * evaluated for each resource, with the context entries as the request context
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
 */
async function simulate(
  input: SimulatePrincipalPolicyCommand['input'],
  policiesOf: (roleArn: string) => NamedPolicy[],
): Promise<SimulatePrincipalPolicyCommandOutput> {
  const policies = policiesOf(input.PolicySourceArn!);
  const context = Object.fromEntries(
    (input.ContextEntries ?? []).map((e) => [
      e.ContextKeyName!,
      e.ContextKeyType === 'stringList' ? e.ContextKeyValues! : e.ContextKeyValues![0],
    ]),
  );
  const sessionArn =
    input.PolicySourceArn!.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/verify';
  const EvaluationResults = [];
  const asked = JSON.stringify([policies, sessionArn, context]);
  for (const action of input.ActionNames ?? []) {
    for (const resource of input.ResourceArns ?? []) {
      const decision = await remembered(`${asked} ${action} ${resource}`, () =>
        decide({ identityPolicies: policies, action, resource, principal: sessionArn, context }),
      );
      EvaluationResults.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: EVAL_DECISION[decision] as 'allowed',
        MatchedStatements: [],
        MissingContextValues: [],
      });
    }
  }
  return { $metadata, EvaluationResults, IsTruncated: false };
}

/**
 * The deployment's policies with route 3's presign role also holding the identity-pool role's team
 * statements: what a stack with route-3 team folders deploys. Until those grants land in the
 * presign-api construct (branch route3), the whole-run and `iam.teams.route3` tests use this;
 * once they have, the added copy is a harmless duplicate.
 */
export function withRoute3TeamFolders(d: Deployment): (roleArn: string) => NamedPolicy[] {
  const isTeamStatement = (s: { Condition?: { StringLike?: Record<string, unknown> } }) =>
    s.Condition?.StringLike?.['aws:PrincipalTag/okta_teams'] !== undefined;
  return (roleArn) => {
    const policies = structuredClone(d.policiesOfRole(roleArn));
    if (roleArn !== d.outputs.PresignRoleArn) return policies;
    const teamStatements = structuredClone(d.policiesOfRole(d.outputs.IdentityPoolRoleArn!))
      .flatMap((p) => p.policy.Statement as { Condition?: { StringLike?: Record<string, unknown> } }[])
      .filter(isTeamStatement);
    return [
      ...policies,
      {
        name: 'team statements of the identity-pool role',
        policy: { Version: '2012-10-17', Statement: teamStatements },
      },
    ];
  };
}
