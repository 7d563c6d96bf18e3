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

type FieldKind = 'string' | 'number' | 'boolean' | 'list';

const kindOfDefault = (value: unknown): FieldKind =>
  Array.isArray(value)
    ? 'list'
    : typeof value === 'number'
      ? 'number'
      : typeof value === 'boolean'
        ? 'boolean'
        : 'string';

/** Fields that `-c <field>=<value>` may override, by kind; they apply to the chosen environment. */
const ENVIRONMENT_FIELDS: Record<string, FieldKind> = {
  account: 'string',
  region: 'string',
  allowedOrigins: 'list',
  allowAnyOrigin: 'boolean',
  oidcProvider: 'string',
  ...Object.fromEntries(Object.entries(DEFAULT_STORAGE).map(([k, v]) => [`storage.${k}`, kindOfDefault(v)])),
  ...Object.fromEntries(Object.entries(DEFAULT_PRESIGN).map(([k, v]) => [`presign.${k}`, kindOfDefault(v)])),
  'userPool.domainPrefix': 'string',
  'userPool.callbackUrls': 'list',
  'userPool.logoutUrls': 'list',
  'userPool.idTokenValidityMinutes': 'number',
  'workflows.accountId': 'string',
  'workflows.externalId': 'string',
};
/** Fields that `-c <field>=<value>` may override for every environment. */
const ROOT_FIELDS: Record<string, FieldKind> = {
  stackNamePrefix: 'string',
  'okta.issuer': 'string',
  'okta.clientIds': 'list',
  'okta.webClientId': 'string',
  'okta.webClientSecretName': 'string',
};
export const ROOT_OVERRIDES = Object.keys(ROOT_FIELDS);
export const ENVIRONMENT_OVERRIDES = Object.keys(ENVIRONMENT_FIELDS);

export interface LoadedConfig {
  readonly config: OktaS3Config;
  readonly environment: ResolvedEnvironment;
  /** The file the configuration came from. */
  readonly source: string;
  /** True when the committed example (placeholder values) was used. */
  readonly usesPlaceholders: boolean;
}

export type ContextLookup = (key: string) => unknown;

/**
 * The environment variable that overrides a field when no `-c` value does:
 * `presign.urlExpirySeconds` → `OKTA_S3_PRESIGN_URL_EXPIRY_SECONDS`, `env` → `OKTA_S3_ENV`.
 */
export function environmentVariableFor(key: string): string {
  return `OKTA_S3_${key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toUpperCase()}`;
}

/** `-c` context first, then `OKTA_S3_*` environment variables. */
export function contextThenEnvironment(
  context: ContextLookup,
  env: Readonly<Record<string, string | undefined>>,
): ContextLookup {
  return (key) => context(key) ?? env[environmentVariableFor(key)];
}

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
    for (const [key, kind] of Object.entries(ROOT_FIELDS)) applyOverride(copy, key, kind, context(key));
    const env = (copy.environments as Record<string, Record<string, unknown>> | undefined)?.[envName];
    if (env && typeof env === 'object') {
      for (const [key, kind] of Object.entries(ENVIRONMENT_FIELDS))
        applyOverride(env, key, kind, context(key));
    }
  }
  const config = validateConfig(copy);
  return { config, environment: resolveEnvironment(config, config.defaultEnvironment) };
}

function applyOverride(target: Record<string, unknown>, dottedPath: string, kind: FieldKind, value: unknown) {
  if (value === undefined) return;
  const parts = dottedPath.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = parseContextValue(value, kind);
}

/**
 * `-c` values arrive as strings. Each is read as its field's kind, so an account id stays a
 * string; a value that doesn't parse is passed on as given, for validation to name.
 */
function parseContextValue(value: unknown, kind: FieldKind): unknown {
  if (typeof value !== 'string') return value;
  switch (kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'list':
      return value.trim().startsWith('[')
        ? parseJson(value)
        : value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean);
    default:
      return value;
  }
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function stringContext(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
