import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_PRESIGN, DEFAULT_STORAGE } from './defaults';
import { resolveEnvironment } from './resolve';
import { OktaS3Config, ResolvedEnvironment } from './types';
import { validateConfig } from './validate';

export const CONFIG_FILE = 'okta-config.ts';
export const EXAMPLE_CONFIG_FILE = 'okta-config.example.ts';
/** The context key that picks an environment: `cdk synth -c env=prod`. */
export const ENVIRONMENT_CONTEXT_KEY = 'env';

/** Fields that `-c <field>=<value>` may override; environment fields apply to the chosen environment. */
export const ROOT_OVERRIDES = [
  'stackNamePrefix',
  'okta.issuer',
  'okta.clientIds',
  'okta.webClientId',
  'okta.webClientSecretName',
];
export const ENVIRONMENT_OVERRIDES = [
  'account',
  'region',
  'allowedOrigins',
  'allowAnyOrigin',
  ...Object.keys(DEFAULT_STORAGE).map((k) => `storage.${k}`),
  ...Object.keys(DEFAULT_PRESIGN).map((k) => `presign.${k}`),
  'userPool.domainPrefix',
  'userPool.callbackUrls',
  'userPool.logoutUrls',
  'workflows.accountId',
  'workflows.externalId',
];

export interface LoadedConfig {
  readonly config: OktaS3Config;
  readonly environment: ResolvedEnvironment;
  /** The file the configuration came from. */
  readonly source: string;
  /** True when the committed example (placeholder values) was used. */
  readonly usesPlaceholders: boolean;
}

export type ContextLookup = (key: string) => unknown;

/** Reads `okta-config.ts` if present, else the example, then applies overrides and validates. */
export function loadConfig(projectDir: string, context: ContextLookup): LoadedConfig {
  const own = path.join(projectDir, CONFIG_FILE);
  const source = fs.existsSync(own) ? own : path.join(projectDir, EXAMPLE_CONFIG_FILE);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const raw: unknown = require(source).config;
  return { ...configure(raw, context), source, usesPlaceholders: source !== own };
}

/**
 * Applies context overrides to a raw configuration, validates it and resolves the chosen
 * environment. Nothing is built from a configuration that fails here.
 */
export function configure(
  raw: unknown,
  context: ContextLookup,
): Omit<LoadedConfig, 'source' | 'usesPlaceholders'> {
  const copy = structuredClone(raw) as Record<string, unknown> | undefined;
  const envName = stringContext(context(ENVIRONMENT_CONTEXT_KEY)) ?? (copy?.defaultEnvironment as string);
  if (copy && typeof copy === 'object') {
    if (envName !== undefined) copy.defaultEnvironment = envName;
    for (const key of ROOT_OVERRIDES) applyOverride(copy, key, context(key));
    const env = (copy.environments as Record<string, Record<string, unknown>> | undefined)?.[envName];
    if (env && typeof env === 'object') {
      for (const key of ENVIRONMENT_OVERRIDES) applyOverride(env, key, context(key));
    }
  }
  const config = validateConfig(copy);
  return { config, environment: resolveEnvironment(config, config.defaultEnvironment) };
}

function applyOverride(target: Record<string, unknown>, dottedPath: string, value: unknown) {
  if (value === undefined) return;
  const parts = dottedPath.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = parseContextValue(value);
}

/** `-c` values arrive as strings; JSON lets lists, numbers and booleans be given too. */
function parseContextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function stringContext(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
