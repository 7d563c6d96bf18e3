import { PHYSICAL_ID_RULES, PhysicalIdRule, ResolveEnv, ResourceView } from './physical-ids';

export type { ResolveEnv } from './physical-ids';

/** Test values for the environment. Every field has a default. */
export interface ResolveOptions {
  readonly account?: string;
  readonly region?: string;
  readonly partition?: string;
  readonly stackName?: string;
  /** Values for template parameters; otherwise their `Default` is used. */
  readonly parameters?: Readonly<Record<string, string | readonly string[]>>;
  /** Physical ids and attributes for resources the built-in rules don't cover, or to override them. */
  readonly resources?: Readonly<Record<string, { ref?: string; attributes?: Record<string, string> }>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Parameters?: Readonly<Record<string, { Default?: unknown }>>;
  readonly Outputs?: Readonly<Record<string, { Value?: unknown }>>;
}

/** A template whose `Resources[*].Properties` and `Outputs[*].Value` hold plain values only. */
export interface ResolvedTemplate {
  readonly env: ResolveEnv;
  readonly resources: Readonly<Record<string, { Type: string; Properties: Record<string, unknown> }>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  /** What `{ Ref: logicalId }` resolves to. */
  ref(logicalId: string): string;
  /** What `{ 'Fn::GetAtt': [logicalId, attribute] }` resolves to. */
  getAtt(logicalId: string, attribute: string): string;
}

export const DEFAULT_RESOLVE_ENV: ResolveEnv = {
  account: '123456789012',
  region: 'eu-west-1',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  stackName: 'TestStack',
};

const URL_SUFFIX: Record<string, string> = { 'aws-cn': 'amazonaws.com.cn' };

/**
 * Replaces every intrinsic in a synthesized template with the value CloudFormation would produce
 * in a test environment, so IAM policies can be simulated as deployed. Anything it cannot resolve
 * faithfully throws with its path: a guessed value could make a denial pass by accident.
 */
export function resolveTemplate(template: CfnTemplate, options: ResolveOptions = {}): ResolvedTemplate {
  if (!Object.isFrozen(template)) return new TemplateResolver(template, options).resolveAll();
  // A frozen template cannot change, so its resolution for the same options is kept (the tests
  // share frozen templates and resolve each many times), and is frozen in turn.
  const byOptions = resolvedFrozen.get(template) ?? new Map<string, ResolvedTemplate>();
  resolvedFrozen.set(template, byOptions);
  const key = JSON.stringify(options);
  const known = byOptions.get(key);
  if (known) return known;
  const resolved = new TemplateResolver(template, options).resolveAll();
  deepFreeze(resolved.resources);
  deepFreeze(resolved.outputs);
  byOptions.set(key, Object.freeze(resolved));
  return resolved;
}

const resolvedFrozen = new WeakMap<CfnTemplate, Map<string, ResolvedTemplate>>();

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

type Json = unknown;

class TemplateResolver {
  private readonly env: ResolveEnv;
  private readonly resources: Readonly<Record<string, CfnResource>>;
  private readonly propCache = new Map<string, unknown>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly template: CfnTemplate,
    private readonly options: ResolveOptions,
  ) {
    const partition = options.partition ?? DEFAULT_RESOLVE_ENV.partition;
    this.env = {
      account: options.account ?? DEFAULT_RESOLVE_ENV.account,
      region: options.region ?? DEFAULT_RESOLVE_ENV.region,
      partition,
      urlSuffix: URL_SUFFIX[partition] ?? DEFAULT_RESOLVE_ENV.urlSuffix,
      stackName: options.stackName ?? DEFAULT_RESOLVE_ENV.stackName,
    };
    this.resources = template.Resources ?? {};
  }

  resolveAll(): ResolvedTemplate {
    const resources: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
    for (const [id, resource] of Object.entries(this.resources)) {
      const properties: Record<string, unknown> = {};
      for (const name of Object.keys(resource.Properties ?? {})) properties[name] = this.prop(id, name);
      resources[id] = { Type: resource.Type, Properties: properties };
    }
    const outputs: Record<string, unknown> = {};
    for (const [id, output] of Object.entries(this.template.Outputs ?? {})) {
      outputs[id] = this.resolve(output.Value, `Outputs.${id}.Value`);
    }
    return {
      env: this.env,
      resources,
      outputs,
      ref: (id) => this.ref(id, `ref(${id})`),
      getAtt: (id, attribute) => this.getAtt(id, attribute, `getAtt(${id}.${attribute})`),
    };
  }

  /** One resolved property, cached: physical ids of other resources are built from these. */
  private prop(logicalId: string, name: string): unknown {
    const key = `${logicalId}.${name}`;
    if (this.propCache.has(key)) return this.propCache.get(key);
    if (this.inProgress.has(key)) throw new Error(`Circular reference through Resources.${key}`);
    this.inProgress.add(key);
    try {
      const raw = this.resources[logicalId]?.Properties?.[name];
      const value = this.resolve(raw, `Resources.${logicalId}.Properties.${name}`);
      this.propCache.set(key, value);
      return value;
    } finally {
      this.inProgress.delete(key);
    }
  }

  resolve(value: Json, path: string): Json {
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, `${path}[${i}]`));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(key, arg, `${path}.${key}`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, `${path}.${k}`)]));
  }

  private intrinsic(name: string, arg: Json, path: string): Json {
    switch (name) {
      case 'Ref':
        return this.ref(expectString(arg, path), path);
      case 'Fn::GetAtt':
        return this.getAttFromArg(arg, path);
      case 'Fn::Join': {
        const [delimiter, list] = expectArgs(arg, 2, path);
        return this.stringList(list, path).join(expectString(delimiter, path));
      }
      case 'Fn::Split': {
        const [delimiter, source] = expectArgs(arg, 2, path);
        return expectString(this.resolve(source, `${path}[1]`), path).split(expectString(delimiter, path));
      }
      case 'Fn::Select': {
        const [index, list] = expectArgs(arg, 2, path);
        const items = this.stringList(list, path);
        const i = Number(this.resolve(index, `${path}[0]`));
        if (!Number.isInteger(i) || i < 0 || i >= items.length)
          throw new Error(`${path}: index ${i} out of range`);
        return items[i];
      }
      case 'Fn::Sub':
        return this.sub(arg, path);
      default:
        throw new Error(`${path}: intrinsic ${name} is not supported by the test resolver`);
    }
  }

  private stringList(list: Json, path: string): string[] {
    const resolved = this.resolve(list, `${path}[1]`);
    if (!Array.isArray(resolved))
      throw new Error(`${path}: expected a list, got ${JSON.stringify(resolved)}`);
    return resolved.map((item) => expectString(item, path));
  }

  private sub(arg: Json, path: string): string {
    const [body, variables] = typeof arg === 'string' ? [arg, {}] : expectArgs(arg, 2, path);
    if (variables === null || typeof variables !== 'object')
      throw new Error(`${path}: variables must be a map`);
    const vars = variables as Record<string, Json>;
    return expectString(body, path).replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`; // ${!Literal} is CloudFormation's escape
      if (inner in vars)
        return expectString(this.resolve(vars[inner], `${path}.${inner}`), `${path}.${inner}`);
      const dot = inner.indexOf('.');
      if (dot > 0 && !inner.startsWith('AWS::')) {
        return this.getAtt(inner.slice(0, dot), inner.slice(dot + 1), `${path}.\${${inner}}`);
      }
      return this.ref(inner, `${path}.\${${inner}}`);
    });
  }

  private getAttFromArg(arg: Json, path: string): string {
    const parts = typeof arg === 'string' ? splitOnce(arg, '.') : expectArgs(arg, 2, path);
    const [id, attribute] = parts.map((p) => expectString(p, path));
    return this.getAtt(id, attribute, path);
  }

  private ref(name: string, path: string): string {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.template.Parameters?.[name];
    if (parameter) return this.parameter(name, parameter.Default, path);
    const override = this.options.resources?.[name]?.ref;
    if (override !== undefined) return override;
    return this.rule(name, path).ref(this.view(name));
  }

  private getAtt(id: string, attribute: string, path: string): string {
    const override = this.options.resources?.[id]?.attributes?.[attribute];
    if (override !== undefined) return override;
    const rule = this.rule(id, path);
    const build = rule.attributes?.[attribute];
    if (!build) {
      throw new Error(
        `${path}: no test value for Fn::GetAtt ${id}.${attribute} (${this.resources[id].Type}); ` +
          'add it to PHYSICAL_ID_RULES or pass options.resources',
      );
    }
    return build(this.view(id));
  }

  private rule(id: string, path: string): PhysicalIdRule {
    const resource = this.resources[id];
    if (!resource)
      throw new Error(`${path}: ${id} is neither a resource, a parameter nor a pseudo parameter`);
    const rule = PHYSICAL_ID_RULES[resource.Type];
    if (!rule) {
      throw new Error(
        `${path}: no test physical id for ${id} (${resource.Type}); add it to PHYSICAL_ID_RULES or pass options.resources`,
      );
    }
    return rule;
  }

  private view(logicalId: string): ResourceView {
    return { logicalId, env: this.env, prop: (name) => this.prop(logicalId, name) };
  }

  private pseudo(name: string): string | undefined {
    const { account, region, partition, urlSuffix, stackName } = this.env;
    const values: Record<string, string> = {
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': urlSuffix,
      'AWS::StackName': stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/${'0'.repeat(8)}-0000-0000-0000-000000000000`,
    };
    return values[name];
  }

  private parameter(name: string, fallback: unknown, path: string): string {
    const value = this.options.parameters?.[name] ?? fallback;
    if (Array.isArray(value)) return value.join(','); // a list parameter's Ref is its comma-joined value
    if (typeof value !== 'string') throw new Error(`${path}: parameter ${name} has no value and no default`);
    return value;
  }
}

function expectString(value: Json, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new Error(`${path}: expected a string, got ${JSON.stringify(value)}`);
}

function expectArgs(arg: Json, count: number, path: string): Json[] {
  if (!Array.isArray(arg) || arg.length !== count) {
    throw new Error(`${path}: expected ${count} arguments, got ${JSON.stringify(arg)}`);
  }
  return arg;
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}
