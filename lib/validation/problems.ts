import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { originProblem } from './origins';
import { isUsersPrefix } from './rules';

/**
 * Throws one error naming the construct and every problem with its props, or returns if there are
 * none. Callers skip values that are unresolved tokens: those are checked by CloudFormation.
 */
export function throwIfProblems(
  scope: IConstruct,
  problems: readonly string[],
  /** The name the user wrote: the public construct or method, when the class is internal. */
  publicName = scope.constructor.name,
): void {
  if (problems.length) {
    throw new Error(`${publicName} at ${scope.node.path}: ${problems.join('; ')}`);
  }
}

/** The `usersPrefix` prop's problem, if any: the same rule the Lambda and the policy builder apply. */
export function usersPrefixProblems(usersPrefix: string | undefined): string[] {
  if (usersPrefix === undefined || Token.isUnresolved(usersPrefix) || isUsersPrefix(usersPrefix)) return [];
  return [`usersPrefix: must be folder segments each ending in "/", such as "users/", got "${usersPrefix}"`];
}

/**
 * Problems with an origin list, the same in every construct: each must be a valid origin, and `*`
 * only when `allowAnyOrigin` says so, and then alone. Unresolved tokens are left to deploy time.
 */
export function originListProblems(
  prop: string,
  origins: readonly string[],
  allowAnyOrigin: boolean | undefined,
): string[] {
  const problems = !origins.includes('*')
    ? []
    : !allowAnyOrigin
      ? [`${prop}: "*" allows every web origin; set allowAnyOrigin: true to mean it`]
      : origins.length > 1
        ? [`${prop}: "*" must be the only origin`]
        : [];
  return problems.concat(
    origins.flatMap((origin) => {
      if (origin === '*' || Token.isUnresolved(origin)) return [];
      const problem = originProblem(origin);
      return problem ? [`${prop}: "${origin}" is not ${problem}`] : [];
    }),
  );
}
