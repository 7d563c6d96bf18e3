/**
 * Cognito user-pool federation, read from a synthesized (resolved) template: what Cognito does with
 * an `AWS::Cognito::UserPoolIdentityProvider`'s attribute mapping and the app clients that allow
 * it. Each rule returns the problems it finds, as sentences; an empty list means AWS accepts it.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { asList, FoundResource, resourcesOfType } from './template-query';

/**
 * The standard attributes of a user pool ("User pool attributes", standard attributes table,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html:
 * every pool has this set of OIDC standard attributes; `email_verified` and
 * `phone_number_verified` are the two verification attributes that can be mapped from an IdP).
 */
export const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);

/** The user pool's custom attributes as Cognito names them: `custom:` + the schema entry's name. */
export function customAttributesOf(userPool: FoundResource): Set<string> {
  return new Set(
    asList(userPool.props.Schema)
      .map((entry) => String((entry as { Name?: unknown }).Name))
      .filter((name) => !STANDARD_ATTRIBUTES.has(name))
      .map((name) => `custom:${name}`),
  );
}

function poolOf(template: ResolvedTemplate, idp: FoundResource): FoundResource {
  const pool = resourcesOfType(template, 'AWS::Cognito::UserPool').find(
    (p) => template.ref(p.id) === idp.props.UserPoolId,
  );
  if (!pool) throw new Error(`${idp.id}: its UserPoolId is not a user pool of this template`);
  return pool;
}

/**
 * Rule: every key of `AttributeMapping` is a standard attribute or `custom:<name>` for a custom
 * attribute in the pool's schema. "Mapping IdP attributes to profiles and tokens"
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html)
 * maps IdP claims to user pool attributes, and a custom attribute's name carries the `custom:`
 * prefix; CDK copies the keys of `attributeMapping.custom` unchanged (aws-cdk issue 26820), so a
 * key without it maps to no attribute at all and the claim is silently dropped.
 */
export function attributeMappingProblems(template: ResolvedTemplate): string[] {
  const problems: string[] = [];
  for (const idp of resourcesOfType(template, 'AWS::Cognito::UserPoolIdentityProvider')) {
    const custom = customAttributesOf(poolOf(template, idp));
    for (const key of Object.keys((idp.props.AttributeMapping as object) ?? {})) {
      if (STANDARD_ATTRIBUTES.has(key) || custom.has(key)) continue;
      const hint = custom.has(`custom:${key}`)
        ? ` (the pool has custom:${key}: the key needs its prefix)`
        : '';
      problems.push(
        `${idp.id} maps "${key}", which is neither a standard attribute nor a custom attribute of the pool${hint}`,
      );
    }
  }
  return problems;
}

/**
 * Rule: every app client that allows an IdP may write every attribute mapped from it.
 * UserPoolClientType.WriteAttributes (Cognito API reference,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html):
 * "If your app client allows users to sign in through an IdP, this array must include all attributes
 * that you have mapped to IdP attributes ... If your app client does not have write access to a
 * mapped attribute, Amazon Cognito throws an error"; without WriteAttributes the client may write
 * the standard attributes.
 */
export function writeAttributeProblems(template: ResolvedTemplate): string[] {
  const problems: string[] = [];
  const idps = resourcesOfType(template, 'AWS::Cognito::UserPoolIdentityProvider');
  for (const client of resourcesOfType(template, 'AWS::Cognito::UserPoolClient')) {
    const allowed = asList(client.props.SupportedIdentityProviders).map(String);
    const writable = client.props.WriteAttributes;
    for (const idp of idps) {
      if (
        idp.props.UserPoolId !== client.props.UserPoolId ||
        !allowed.includes(String(idp.props.ProviderName))
      )
        continue;
      for (const key of Object.keys((idp.props.AttributeMapping as object) ?? {})) {
        const canWrite =
          writable === undefined ? STANDARD_ATTRIBUTES.has(key) : asList(writable).includes(key);
        if (!canWrite)
          problems.push(`${client.id} allows ${idp.props.ProviderName} but may not write "${key}"`);
      }
    }
  }
  return problems;
}

/** The Okta provider of the pool: the one OIDC `UserPoolIdentityProvider`. */
export function oidcProviderOf(template: ResolvedTemplate): FoundResource {
  const oidc = resourcesOfType(template, 'AWS::Cognito::UserPoolIdentityProvider').filter(
    (r) => r.props.ProviderType === 'OIDC',
  );
  if (oidc.length !== 1) throw new Error(`Expected one OIDC user-pool provider, found ${oidc.length}`);
  return oidc[0];
}

/** The app clients of the pool that allow the provider (`SupportedIdentityProviders`). */
export function clientsAllowing(template: ResolvedTemplate, idp: FoundResource): FoundResource[] {
  return resourcesOfType(template, 'AWS::Cognito::UserPoolClient').filter(
    (c) =>
      c.props.UserPoolId === idp.props.UserPoolId &&
      asList(c.props.SupportedIdentityProviders).map(String).includes(String(idp.props.ProviderName)),
  );
}

/** The claim, custom attribute and session tag that carry team memberships (lib/policy/team-folder-names.ts). */
const TEAMS = 'okta_teams';
/** The longest membership claim a deployment may produce: a session tag value's 256 characters. */
const TEAMS_CLAIM_MAX_CHARS = 256;

/**
 * Rule: with team folders on route 3 (a presign function told `TEAM_FOLDERS`), the memberships
 * reach the ID token the function reads:
 * - the Okta provider maps `custom:okta_teams` from the Okta claim `okta_teams` ("Mapping IdP
 *   attributes to profiles and tokens",
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html:
 *   "Amazon Cognito updates the mapped attributes with the latest information from the IdP" at
 *   each federated sign-in);
 * - the pool's schema has `okta_teams`, mutable, long enough for the claim (SchemaAttributeType,
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html:
 *   "Any user pool attribute whose value you map from an IdP attribute must be mutable ... If an
 *   attribute is immutable, Amazon Cognito throws an error when it attempts to update the attribute");
 * - every client that allows the provider reads it (UserPoolClientType.ReadAttributes: without a
 *   list a client reads the standard attributes only, so a custom attribute never reaches its
 *   tokens) and writes it (WriteAttributes, see writeAttributeProblems).
 */
export function teamsAttributeProblems(template: ResolvedTemplate): string[] {
  const teamFoldersOn = resourcesOfType(template, 'AWS::Lambda::Function').some(
    (fn) =>
      String(
        (fn.props.Environment as { Variables?: Record<string, unknown> })?.Variables?.TEAM_FOLDERS ?? '',
      ) !== '',
  );
  if (!teamFoldersOn) return [];
  const attribute = `custom:${TEAMS}`;
  const problems: string[] = [];
  for (const idp of resourcesOfType(template, 'AWS::Cognito::UserPoolIdentityProvider')) {
    const mapping = (idp.props.AttributeMapping ?? {}) as Record<string, unknown>;
    if (mapping[attribute] !== TEAMS) {
      problems.push(`${idp.id} does not map ${attribute} from the Okta claim ${TEAMS}`);
    }
    const pool = poolOf(template, idp);
    const entry = asList(pool.props.Schema).find((e) => (e as { Name?: unknown }).Name === TEAMS) as
      { Mutable?: unknown; StringAttributeConstraints?: { MaxLength?: unknown } } | undefined;
    if (!entry) problems.push(`${pool.id} has no custom attribute ${TEAMS}`);
    else if (entry.Mutable !== true && entry.Mutable !== 'true') {
      problems.push(`${pool.id}'s ${TEAMS} is not mutable: Cognito could not rewrite it at sign-in`);
    } else if (Number(entry.StringAttributeConstraints?.MaxLength ?? 2048) < TEAMS_CLAIM_MAX_CHARS) {
      problems.push(`${pool.id}'s ${TEAMS} holds fewer than ${TEAMS_CLAIM_MAX_CHARS} characters`);
    }
    for (const client of clientsAllowing(template, idp)) {
      for (const list of ['ReadAttributes', 'WriteAttributes']) {
        if (!asList(client.props[list]).includes(attribute)) {
          problems.push(`${client.id} allows ${idp.props.ProviderName} but its ${list} lack ${attribute}`);
        }
      }
    }
  }
  return problems;
}
