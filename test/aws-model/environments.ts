import type { OktaS3Config } from '../../app/config/types';
import { config as exampleConfig } from '../../okta-config.example';
import { ResolvedTemplate, resolveTemplate } from '../../emulator/iam/resolve-template';
import { resolvedStack } from '../iam/stack-under-test';
import { testConfig } from '../support/config';
import { templateJson } from '../support/template-cache';

/** One environment of an example configuration, with what its Okta tokens carry. */
export interface ExampleEnvironment {
  /** e.g. `test config dev`, `okta-config.example prod`. */
  readonly label: string;
  readonly raw: OktaS3Config;
  readonly env: string;
  /** Test values for the pseudo parameters (the environment's own account where it pins one). */
  readonly account: string;
  readonly region: string;
  readonly issuer: string;
  readonly clientIds: readonly string[];
}

function environmentsOf(source: string, raw: OktaS3Config): ExampleEnvironment[] {
  return Object.entries(raw.environments).map(([env, settings]) => ({
    label: `${source} ${env}`,
    raw,
    env,
    account: settings.account ?? '123456789012',
    region: settings.region,
    issuer: raw.okta.issuer,
    clientIds: raw.okta.clientIds,
  }));
}

/**
 * Every environment of the test configuration (test/support/config.ts) and of the example
 * configuration the project ships (okta-config.example.ts).
 */
export const ENVIRONMENTS: readonly ExampleEnvironment[] = [
  ...environmentsOf('test config', testConfig()),
  ...environmentsOf('okta-config.example', exampleConfig),
];

/** `describe.each` rows: the label, then the environment. */
export const ENVIRONMENT_ROWS = ENVIRONMENTS.map((e) => [e.label, e] as const);

/** The synthesized template of an environment (cached per test run), resolved as deployed. */
export function environmentTemplate(environment: ExampleEnvironment): ResolvedTemplate {
  const { raw, env, account, region } = environment;
  return resolveTemplate(templateJson(raw, { env }), { account, region });
}

/** The test configuration's environments, which the broken fixtures start from. */
export type FixtureBase = 'dev' | 'prod';

/**
 * A fixture: an environment's synthesized template with one change, resolved the same way. Each
 * rule is run against such a broken copy too, so that every rule can fail.
 */
export function brokenTemplate(
  env: FixtureBase,
  change: (resources: Record<string, { Type: string; Properties: Record<string, any> }>) => void,
): ResolvedTemplate {
  const raw = structuredClone(templateJson(undefined, { env }));
  change(raw.Resources);
  const { account, region } = resolvedStack(env).template.env;
  return resolveTemplate(raw, { account, region });
}

/** The unbroken template a fixture starts from. */
export const fixtureBase = (env: FixtureBase): ResolvedTemplate => resolvedStack(env).template;

/** The logical id of the one resource of `type` whose id starts with `prefix`, in a raw template. */
export function rawId(resources: Record<string, { Type: string }>, type: string, prefix = ''): string {
  const ids = Object.keys(resources).filter((id) => resources[id].Type === type && id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`Expected one ${type} ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}
