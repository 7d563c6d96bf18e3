/**
 * What the local endpoints know about the deployment, read from the resolved synthesized template
 * and nothing else: never from construct props or configuration. Anything the template leaves
 * ambiguous (two identity pools, a role mapping) throws rather than being guessed.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { bucketPolicyOf, type PolicyDocument } from '../iam/template-policies';
import { issuerKeyPrefix } from '../iam/web-identity-context';

type Resource = ResolvedTemplate['resources'][string];

export interface OidcProviderModel {
  readonly arn: string;
  /** Issuer host and path, as IAM names its condition keys and Cognito its `Logins` key. */
  readonly name: string;
  readonly clientIds: readonly string[];
}

export interface IdentityPoolModel {
  readonly id: string;
  readonly allowUnauthenticated: boolean;
  readonly oidcProviderArns: readonly string[];
  readonly authenticatedRoleArn: string;
  /** Principal-tag maps (tag → claim), keyed by the `IdentityProviderName` the template gives them. */
  readonly principalTags: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface StackModel {
  readonly template: ResolvedTemplate;
  readonly account: string;
  readonly region: string;
  readonly bucketLogicalId: string;
  readonly bucketName: string;
  readonly bucketPolicy?: PolicyDocument;
  readonly oidcProviders: readonly OidcProviderModel[];
  readonly identityPool: IdentityPoolModel;
  /** The role's logical id for its ARN, or undefined for a role the stack does not have. */
  roleIdOf(roleArn: string): string | undefined;
  /** `MaxSessionDuration` of the role (IAM's default is 3600 s when the template sets none). */
  maxSessionSecondsOf(roleLogicalId: string): number;
}

const entriesOf = (template: ResolvedTemplate, type: string): [string, Resource][] =>
  Object.entries(template.resources).filter(([, r]) => r.Type === type);

function single(template: ResolvedTemplate, type: string, prefix = ''): [string, Resource] {
  const found = entriesOf(template, type).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`Expected one ${type} ${prefix}*, found ${found.length}`);
  return found[0];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Reads the model of a template resolved with test values (see emulator/iam/resolve-template.ts). */
export function stackModel(template: ResolvedTemplate): StackModel {
  const [bucketLogicalId] = single(template, 'AWS::S3::Bucket', 'StorageData');
  const oidcProviders = entriesOf(template, 'AWS::IAM::OIDCProvider').map(([id, r]) => ({
    arn: template.ref(id),
    name: issuerKeyPrefix(String(r.Properties.Url)),
    clientIds: strings(r.Properties.ClientIdList),
  }));
  const roles = entriesOf(template, 'AWS::IAM::Role');
  return {
    template,
    account: template.env.account,
    region: template.env.region,
    bucketLogicalId,
    bucketName: template.ref(bucketLogicalId),
    bucketPolicy: bucketPolicyOf(template, bucketLogicalId),
    oidcProviders,
    identityPool: identityPoolModel(template),
    roleIdOf: (arn) => roles.find(([id]) => template.getAtt(id, 'Arn') === arn)?.[0],
    maxSessionSecondsOf: (id) => Number(template.resources[id]?.Properties.MaxSessionDuration ?? 3600),
  };
}

function identityPoolModel(template: ResolvedTemplate): IdentityPoolModel {
  const [poolId, pool] = single(template, 'AWS::Cognito::IdentityPool');
  const id = template.ref(poolId);
  const forPool = (type: string) =>
    entriesOf(template, type)
      .map(([, r]) => r)
      .filter((r) => r.Properties.IdentityPoolId === id);
  const attachments = forPool('AWS::Cognito::IdentityPoolRoleAttachment');
  if (attachments.length !== 1) throw new Error(`Expected one role attachment for ${id}`);
  const { Roles, RoleMappings } = attachments[0].Properties as { Roles?: any; RoleMappings?: unknown };
  // Rules- or token-based role mappings choose another role per user; the local stack does not model them.
  if (RoleMappings !== undefined) throw new Error('Identity pool role mappings are not modelled');
  const principalTags: Record<string, Record<string, string>> = {};
  for (const tag of forPool('AWS::Cognito::IdentityPoolPrincipalTag')) {
    const { IdentityProviderName, PrincipalTags, UseDefaults } = tag.Properties as any;
    // The default map (UseDefaults) is not documented precisely enough to model.
    if (UseDefaults === true) throw new Error('Default principal tags (UseDefaults) are not modelled');
    principalTags[String(IdentityProviderName)] = { ...(PrincipalTags ?? {}) };
  }
  return {
    id,
    allowUnauthenticated: pool.Properties.AllowUnauthenticatedIdentities === true,
    oidcProviderArns: strings(pool.Properties.OpenIdConnectProviderARNs),
    authenticatedRoleArn: String(Roles?.authenticated ?? ''),
    principalTags,
  };
}
