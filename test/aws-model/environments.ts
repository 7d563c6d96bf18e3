import { ResolvedTemplate, resolveTemplate } from '../iam/resolve-template';
import { resolvedStack } from '../iam/stack-under-test';
import { templateJson } from '../support/template-cache';

/** Every environment of the example configuration (test/support/config.ts). */
export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** The synthesized template of an environment (cached per jest run), resolved as deployed. */
export function environmentTemplate(env: EnvironmentName): ResolvedTemplate {
  return resolvedStack(env).template;
}

/**
 * A fixture: the environment's synthesized template with one change, resolved the same way. Each
 * rule is run against such a broken copy too, so that every rule can fail.
 */
export function brokenTemplate(
  env: EnvironmentName,
  change: (resources: Record<string, { Type: string; Properties: Record<string, any> }>) => void,
): ResolvedTemplate {
  const raw = structuredClone(templateJson(undefined, { env }));
  change(raw.Resources);
  const { account, region } = resolvedStack(env).template.env;
  return resolveTemplate(raw, { account, region });
}

/** The logical id of the one resource of `type` whose id starts with `prefix`, in a raw template. */
export function rawId(resources: Record<string, { Type: string }>, type: string, prefix = ''): string {
  const ids = Object.keys(resources).filter((id) => resources[id].Type === type && id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`Expected one ${type} ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}
