import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_MONITORING, DEFAULT_PRESIGN, DEFAULT_STORAGE, DEFAULT_WEB_CLIENT } from './defaults';
import { closest } from './keys';
import { placeholderFields } from './placeholders';
import { PROJECT_DIR, resolveEnvironment } from './resolve';
import { OktaS3Config, ResolvedEnvironment } from './types';
import { ConfigValidationError, validateConfig } from './validate';

export const CONFIG_FILE = 'okta-config.ts';
export const EXAMPLE_CONFIG_FILE = 'okta-config.example.ts';
/** The context key that picks an environment: `cdk synth -c env=prod`. */
export const ENVIRONMENT_CONTEXT_KEY = 'env';
/** `-c env=all`, like no `env` at all, builds every environment. */
export const ALL_ENVIRONMENTS = 'all';
/** Every environment variable that names a field starts with this. */
export const ENVIRONMENT_VARIABLE_PREFIX = 'OKTA_S3_';

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
  identityPoolAudiences: 'string',
  teamsPrefix: 'string',
  compliance: 'string',
  malwareScanning: 'string',
  'storage.accessLogsBucketName': 'string',
  ...Object.fromEntries(Object.entries(DEFAULT_STORAGE).map(([k, v]) => [`storage.${k}`, kindOfDefault(v)])),
  ...Object.fromEntries(Object.entries(DEFAULT_PRESIGN).map(([k, v]) => [`presign.${k}`, kindOfDefault(v)])),
  ...Object.fromEntries(
    Object.entries(DEFAULT_MONITORING).map(([k, v]) => [`monitoring.${k}`, kindOfDefault(v)]),
  ),
  'monitoring.alarmTopicArn': 'string',
  'userPool.domainPrefix': 'string',
  'userPool.callbackUrls': 'list',
  'userPool.logoutUrls': 'list',
  'userPool.idTokenValidityMinutes': 'number',
  'workflows.accountId': 'string',
  'workflows.externalId': 'string',
  'offboarding.retentionDays': 'number',
  'offboarding.reconcileIntervalMinutes': 'number',
  ...Object.fromEntries(
    Object.entries(DEFAULT_WEB_CLIENT).map(([k, v]) => [`webClient.${k}`, kindOfDefault(v)]),
  ),
  'webClient.domainName': 'string',
  'webClient.certificateArn': 'string',
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
/** Every key `-c` (or `OKTA_S3_*`) may set. */
export const OVERRIDE_KEYS = [ENVIRONMENT_CONTEXT_KEY, ...ROOT_OVERRIDES, ...ENVIRONMENT_OVERRIDES];

export interface LoadedConfig {
  readonly config: OktaS3Config;
  /** The environments to build: the one `env` names, or all of them. */
  readonly environments: readonly ResolvedEnvironment[];
  /** The file the configuration came from. */
  readonly source: string;
  /** True when any chosen environment holds the example's placeholder values, found by value. */
  readonly usesPlaceholders: boolean;
  /** Each field holding a placeholder, per chosen environment (`okta.issuer ("...")`). */
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
}

export type ContextLookup = ((key: string) => unknown) & {
  /** Where a key's value came from, for error messages: `-c key` or the `OKTA_S3_*` variable. */
  readonly originOf?: (key: string) => string;
};

/** An override the user gave, by where it came from: a `-c` key or an `OKTA_S3_*` variable. */
export type GivenOverride = { readonly contextKey: string } | { readonly variable: string };

/**
 * The overrides a user gave, for {@link configure} to check against the fields that exist.
 * Context keys with `:`, `/` or `@` belong to CDK (feature flags, lookups, the CLI's own), and so
 * do the keys of cdk.json's own `context`; every other key is meant for this configuration.
 */
export function givenOverrides(
  contextKeys: readonly string[],
  cdkOwnKeys: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): GivenOverride[] {
  return [
    ...contextKeys
      .filter((key) => !/[:/@]/.test(key) && !cdkOwnKeys.includes(key))
      .map((contextKey) => ({ contextKey })),
    ...Object.keys(env)
      .filter((name) => name.startsWith(ENVIRONMENT_VARIABLE_PREFIX))
      .map((variable) => ({ variable })),
  ];
}

/** Overrides that name no field, each with the nearest field it might have meant. */
function unknownOverrideProblems(given: readonly GivenOverride[]): string[] {
  const variables = OVERRIDE_KEYS.map(environmentVariableFor);
  return given.flatMap((g) => {
    if ('contextKey' in g) {
      if (OVERRIDE_KEYS.includes(g.contextKey)) return [];
      const near = closest(g.contextKey, OVERRIDE_KEYS) ?? suffixMatch(g.contextKey);
      return [`-c ${g.contextKey}: not a configuration field${near ? `; did you mean "${near}"?` : ''}`];
    }
    if (variables.includes(g.variable)) return [];
    const near = closest(g.variable, variables);
    return [`${g.variable}: not a configuration field${near ? `; did you mean ${near}?` : ''}`];
  });
}

/** `urlExpirySeconds` for `presign.urlExpirySeconds`: a field given without its section. */
function suffixMatch(key: string): string | undefined {
  const matches = OVERRIDE_KEYS.filter((k) => k.endsWith(`.${key}`));
  return matches.length === 1 ? matches[0] : undefined;
}

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
  const lookup = (key: string) => context(key) ?? env[environmentVariableFor(key)];
  return Object.assign(lookup, {
    originOf: (key: string) => (context(key) !== undefined ? `-c ${key}` : environmentVariableFor(key)),
  });
}

/** Reads `okta-config.ts` if present, else the example, then applies overrides and validates. */
export function loadConfig(
  projectDir: string,
  context: ContextLookup,
  given: readonly GivenOverride[] = [],
): LoadedConfig {
  const own = path.join(projectDir, CONFIG_FILE);
  const source = fs.existsSync(own) ? own : path.join(projectDir, EXAMPLE_CONFIG_FILE);
  const configured = configure(readConfigFile(source), context, given, projectDir);
  const placeholders = Object.fromEntries(
    configured.environments.map((e) => [e.name, placeholderFields(e)] as const).filter(([, f]) => f.length),
  );
  return { ...configured, source, usesPlaceholders: Object.keys(placeholders).length > 0, placeholders };
}

/** TypeScript's first syntax error in a file, as `file:line:column: TS1005: ...`, if it has one. */
function syntaxErrorOf(source: string): string | undefined {
  // Loaded only here, for a file that failed to load: TypeScript takes a while to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const { diagnostics = [] } = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
    fileName: path.basename(source),
    reportDiagnostics: true,
  });
  const [first] = diagnostics;
  if (!first?.file || first.start === undefined) return undefined;
  const { line, character } = first.file.getLineAndCharacterOfPosition(first.start);
  const text = ts.flattenDiagnosticMessageText(first.messageText, ' ');
  return `${first.file.fileName}:${line + 1}:${character + 1}: TS${first.code}: ${text}`;
}

/**
 * The `config` export of a configuration file. A file that does not compile, or exports another
 * name, is one configuration problem naming the file (and the line and column), not a trace.
 */
function readConfigFile(source: string): unknown {
  const file = path.basename(source);
  let exported: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(source);
  } catch (error) {
    const e = error as Error;
    // ts-node's TSError: "⨯ Unable to compile TypeScript:\nokta-config.ts(12,5): error TS1005: ..."
    const diagnostic = /^(?:.*[\\/])?([^\\/\n]+)\((\d+),(\d+)\): error (TS\d+: .*)$/m.exec(e.message ?? '');
    if (diagnostic) {
      const [, name, line, column, text] = diagnostic;
      throw new ConfigValidationError([`${name}:${line}:${column}: ${text}`]);
    }
    // ts-node with swc (tsconfig.json) reports a syntax error in swc's many-line drawing: say it
    // as TypeScript's parser does, in one line.
    const syntax = syntaxErrorOf(source);
    if (syntax) throw new ConfigValidationError([syntax]);
    if (error instanceof SyntaxError) throw new ConfigValidationError([`${file}: ${e.message}`]);
    throw error;
  }
  if (!('config' in exported)) {
    const names = Object.keys(exported).filter((n) => n !== '__esModule');
    const near = names.find((n) => /config/i.test(n)) ?? closest('config', names);
    throw new ConfigValidationError([
      `${file}: exports no \`config\`${names.length ? ` (it exports ${names.join(', ')})` : ''}` +
        (near ? `; did you mean \`config\` instead of \`${near}\`?` : '') +
        ' Write: export const config: OktaS3Config = { ... }',
    ]);
  }
  return exported.config;
}

/**
 * Applies context overrides to a raw configuration, validates it and resolves the environments
 * to build: the one `env` names, or every one. Nothing is built from a configuration that fails
 * here, and one error lists the problems of the file and of the overrides together.
 */
export function configure(
  raw: unknown,
  context: ContextLookup,
  given: readonly GivenOverride[] = [],
  projectDir: string = PROJECT_DIR,
): Omit<LoadedConfig, 'source' | 'usesPlaceholders' | 'placeholders'> {
  const problems = unknownOverrideProblems(given);
  const copy = structuredClone(raw) as Record<string, unknown> | undefined;
  const envName = stringContext(context(ENVIRONMENT_CONTEXT_KEY)) ?? ALL_ENVIRONMENTS;
  const environments = isObject(copy) && isObject(copy.environments) ? copy.environments : {};
  const names = Object.keys(environments);
  if (envName !== ALL_ENVIRONMENTS && !names.includes(envName)) {
    problems.push(
      `env: expected ${[...names, ALL_ENVIRONMENTS].join(', ')} (from -c env or ${environmentVariableFor('env')}), got ${JSON.stringify(envName)}`,
    );
  }
  const chosen = envName === ALL_ENVIRONMENTS ? names : names.filter((n) => n === envName);
  /** Configuration paths set by an override, and where each value came from. */
  const origins = new Map<string, string>();
  const originOf = context.originOf ?? ((key: string) => `-c ${key}`);
  if (isObject(copy)) {
    for (const [key, kind] of Object.entries(ROOT_FIELDS)) {
      if (context(key) !== undefined) origins.set(key, originOf(key));
      applyOverride(copy, key, kind, context(key));
    }
    for (const [key, kind] of Object.entries(ENVIRONMENT_FIELDS)) {
      const value = context(key);
      if (value === undefined) continue;
      if (chosen.length > 1) {
        problems.push(`-c ${key}: changes one environment; add -c env=<${names.join('|')}>`);
        continue;
      }
      for (const name of chosen) {
        origins.set(`environments.${name}.${key}`, originOf(key));
        applyOverride(environments[name] as Record<string, unknown>, key, kind, value);
      }
    }
  }
  let config: OktaS3Config | undefined;
  try {
    config = validateConfig(copy);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    problems.push(...error.problems.map((problem) => withOrigin(problem, origins)));
  }
  if (problems.length > 0 || !config) throw new ConfigValidationError(problems);
  const valid = config;
  const resolved = chosen.map((name) => resolveEnvironment(valid, name, projectDir));
  const unbuilt = resolved.flatMap((e) => unbuiltWebClientProblems(e, valid, origins));
  if (unbuilt.length > 0) throw new ConfigValidationError(unbuilt);
  return { config: valid, environments: resolved };
}

/**
 * An environment that hosts the web client needs it built: CDK would otherwise fail deep inside
 * the asset staging with a trace. One line naming the folder and the command that fills it.
 */
function unbuiltWebClientProblems(
  environment: ResolvedEnvironment,
  config: OktaS3Config,
  origins: ReadonlyMap<string, string>,
): string[] {
  const { enabled, path: folder } = environment.webClient;
  if (!enabled || fs.existsSync(path.join(folder, 'index.html'))) return [];
  const field = `environments.${environment.name}.webClient.path`;
  const given = config.environments[environment.name].webClient?.path ?? DEFAULT_WEB_CLIENT.path;
  return [
    withOrigin(
      `${field}: no built web client in ${given} (no index.html there); run \`npm run build:web\` first, or set webClient.enabled: false`,
      origins,
    ),
  ];
}

/** A problem about a field an override set says so: `region: expected ... (from -c region)`. */
function withOrigin(problem: string, origins: ReadonlyMap<string, string>): string {
  const field = /^([^:\s]+):/.exec(problem)?.[1];
  if (!field) return problem;
  const set = [...origins.keys()].find(
    (p) => field === p || field.startsWith(`${p}[`) || field.startsWith(`${p}.`),
  );
  return set ? `${problem} (from ${origins.get(set)})` : problem;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
