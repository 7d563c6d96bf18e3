import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { VerifyArgs } from './args';
import { CheckResult, skip } from './check';
import { apiChecks } from './checks/api';
import { bucketChecks } from './checks/bucket';
import { identityPoolChecks } from './checks/identity-pool';
import { malwareProtectionChecks } from './checks/malware-protection';
import { oidcProviderChecks } from './checks/oidc-provider';
import { presignRoleChecks } from './checks/presign-role';
import { simulationChecks } from './checks/simulate';
import { teamSimulationChecks } from './checks/teams';
import { userPoolChecks } from './checks/user-pool';
import { Clients } from './clients';
import { Outputs } from './outputs';
import { presignProbe } from './probes/presign';
import { federatedUserId, readToken } from './probes/token';
import { identityPoolProbe, webIdentityProbe } from './probes/web-identity';

/** Credentials that cannot be used, or belong to another account than the stack. */
export class CredentialsError extends Error {}

/**
 * Resolves the default credential chain before any check (so a machine without credentials gets
 * one line, not a failed row per check), then confirms the account is the stack's.
 */
export async function confirmAccount(clients: Clients, o: Outputs): Promise<string> {
  try {
    await clients.sts.config.credentials();
  } catch (error) {
    throw new CredentialsError(
      `no AWS credentials found (${(error as Error).message.split('\n')[0]}). Set AWS_PROFILE, run aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
    );
  }
  const { Account } = await clients.sts.send(new GetCallerIdentityCommand({}));
  const stackAccount = o.WebIdentityRoleArn.split(':')[4];
  if (stackAccount && Account !== stackAccount)
    throw new CredentialsError(
      `the credentials are for account ${Account}, but the stack is in account ${stackAccount}`,
    );
  return Account ?? '';
}

/** Every read-only check, then the probes the token files ask for. */
export type Tokens = ReturnType<typeof readTokens>;

/** Reads the token files before anything runs: a bad file is an input error, not a failed check. */
export function readTokens(args: Pick<VerifyArgs, 'oktaIdToken' | 'userPoolIdToken'>) {
  return {
    okta: args.oktaIdToken ? readToken(args.oktaIdToken, '--okta-id-token') : undefined,
    userPool: args.userPoolIdToken ? readToken(args.userPoolIdToken, '--user-pool-id-token') : undefined,
  };
}

export async function runChecks(
  clients: Clients,
  o: Outputs,
  { okta, userPool }: Tokens,
): Promise<CheckResult[]> {
  const results = [
    ...(await identityPoolChecks(clients.cognitoIdentity, o)),
    ...(await oidcProviderChecks(clients.iam, o)),
    ...(await bucketChecks(clients.s3, o)),
    ...(await malwareProtectionChecks(clients.guardDuty, o)),
    ...(await apiChecks(clients.fetch, o)),
    ...(await userPoolChecks(clients.cognitoIdp, o)),
    ...(await presignRoleChecks(clients.iam, o)),
    ...(await simulationChecks(clients.iam, o)),
    ...(await teamSimulationChecks(clients.iam, o)),
  ];
  if (okta) {
    const sub = typeof okta.claims.sub === 'string' ? okta.claims.sub : '';
    results.push(...(await identityPoolProbe(clients, o, okta.token, sub, okta.claims)));
    results.push(...(await webIdentityProbe(clients, o, okta.token, sub, okta.claims)));
  } else {
    results.push(
      skip(
        'probe.route1',
        'live probe',
        "Pass --okta-id-token FILE (a test user's Okta ID token) to probe routes 1 and 2.",
      ),
    );
    results.push(skip('probe.route2', 'live probe', 'Pass --okta-id-token FILE to probe routes 1 and 2.'));
  }
  if (userPool) {
    const oktaSub = federatedUserId(userPool.claims, o.UserPoolProviderName);
    results.push(...(await presignProbe(clients, o, userPool.token, oktaSub)));
  } else {
    results.push(
      skip(
        'probe.route3',
        'live probe',
        "Pass --user-pool-id-token FILE (the same user's user-pool ID token) to probe route 3.",
      ),
    );
  }
  return results;
}
