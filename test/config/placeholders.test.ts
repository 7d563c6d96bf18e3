import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configure, loadConfig } from '../../app/config/load';
import { placeholderFields } from '../../app/config/placeholders';
import { ConfigValidationError, validateConfig } from '../../app/config/validate';
import { config as exampleConfig } from '../../okta-config.example';
import { testConfig } from '../support/config';
import { contentsOf, memoizedForSources } from '../support/source-memo';
import { synthesize } from '../support/synth';
import { templateJson } from '../support/template-cache';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'okta-config.example.ts');

/**
 * What CloudFormation does with a rule's assertion: the rule functions the templates use, with the
 * parameters an account bootstrapped with a current CDK holds.
 */
const PARAMETERS: Record<string, string> = { BootstrapVersion: '30' };
function evaluate(expression: unknown): unknown {
  if (Array.isArray(expression)) return expression.map(evaluate);
  if (typeof expression !== 'object' || expression === null) return expression;
  const [[fn, args]] = Object.entries(expression as Record<string, unknown>);
  if (fn === 'Ref') return PARAMETERS[args as string];
  const values = (args as unknown[]).map(evaluate);
  switch (fn) {
    case 'Fn::Equals':
      return values[0] === values[1];
    case 'Fn::Not':
      return !values[0];
    case 'Fn::And':
      return values.every(Boolean);
    case 'Fn::Or':
      return values.some(Boolean);
    case 'Fn::Contains':
      return (values[0] as unknown[]).includes(values[1]);
    default:
      throw new Error(`cannot evaluate ${fn} here`);
  }
}

/** Whether a deploy of the template passes its rules, and the descriptions of those that fail. */
function ruleFailures(template: { Rules?: Record<string, any> }): string[] {
  return Object.values(template.Rules ?? {}).flatMap((rule) =>
    rule.Assertions.filter((a: any) => evaluate(a.Assert) !== true).map((a: any) => a.AssertDescription),
  );
}

describe('placeholders are found by value', () => {
  test('a copy of the example named okta-config.ts still holds them, and says which fields', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-config-copy-'));
    fs.copyFileSync(EXAMPLE, path.join(dir, 'okta-config.ts'));
    const loaded = loadConfig(dir, (key) => (key === 'env' ? 'prod' : undefined));
    expect(loaded.source).toBe(path.join(dir, 'okta-config.ts'));
    expect(loaded.usesPlaceholders).toBe(true);
    expect(loaded.placeholders.prod).toEqual(
      expect.arrayContaining([
        'okta.issuer ("https://example.okta.com/oauth2/default")',
        'okta.clientIds[0] ("0oaEXAMPLEspa0000000")',
        'okta.webClientId ("0oaEXAMPLEweb0000000")',
        'environments.prod.account ("111111111111")',
        'environments.prod.allowedOrigins[0] ("https://files.example.com")',
        'environments.prod.workflows.accountId ("222222222222")',
        'environments.prod.workflows.externalId ("example-external-id-from-okta-workflows")',
      ]),
    );
  });

  test('a configuration of real-looking values holds none, whatever its file is called', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-config-own-'));
    fs.writeFileSync(
      path.join(dir, 'okta-config.example.ts'),
      `export const config = ${JSON.stringify(testConfig())};\n`,
    );
    const loaded = loadConfig(dir, () => undefined);
    expect(loaded.usesPlaceholders).toBe(false);
    expect(loaded.placeholders).toEqual({});
  });

  test('an override that replaces a placeholder removes it from the list', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-config-copy-'));
    fs.copyFileSync(EXAMPLE, path.join(dir, 'okta-config.ts'));
    const context: Record<string, string> = { env: 'prod', account: '444455556666' };
    const fields = loadConfig(dir, (key) => context[key]).placeholders.prod;
    expect(fields.some((f) => f.startsWith('environments.prod.account'))).toBe(false);
    expect(fields.some((f) => f.startsWith('okta.issuer'))).toBe(true);
  });
});

describe('a stack holding placeholders synthesizes, warns, and cannot be deployed', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(EXAMPLE).config;
  // The example's template and warnings, kept beside the templates for the current sources and
  // the example's text (test/support/source-memo.ts): a synthesis of the prod stack is a second of CPU.
  let withPlaceholders: { template: any; warnings: string[] };
  let own: any;
  beforeAll(() => {
    withPlaceholders = memoizedForSources('placeholder-example', contentsOf([EXAMPLE]), () => {
      const { app, stack, template } = synthesize(example, { env: 'prod' });
      // The messages of the synthesis `synthesize` ran: Annotations.fromStack would run another.
      const warnings = app
        .synth()
        .getStackArtifact(stack.artifactId)
        .messages.filter((m) => m.level === 'warning')
        .map((m) => String(m.entry.data));
      return { template: template.toJSON(), warnings };
    });
    own = templateJson(testConfig(), { env: 'prod' });
  });

  test('synth warns once, naming each field', () => {
    const warnings = withPlaceholders.warnings.filter((w) => w.includes('placeholder values'));
    expect(warnings).toHaveLength(1);
    const text = warnings[0];
    const [prod] = configure(example, (k) => (k === 'env' ? 'prod' : undefined)).environments;
    const fields = placeholderFields(prod);
    expect(fields.length).toBeGreaterThanOrEqual(7);
    for (const field of fields) expect(text).toContain(field);
  });

  test('the template’s rule fails at deploy, naming each field; without placeholders there is no rule', () => {
    const failures = ruleFailures(withPlaceholders.template);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('okta.issuer ("https://example.okta.com/oauth2/default")');
    expect(failures[0]).toContain('environments.prod.account ("111111111111")');
    expect(Object.keys(own.Rules)).toEqual(['CheckBootstrapVersion']);
    expect(ruleFailures(own)).toEqual([]);
  });
});

describe('the Okta admin console is not an issuer', () => {
  test.each(['https://acme-admin.okta.com', 'https://acme-admin.oktapreview.com/oauth2/default'])(
    '%s is a config error pointing at the Issuer URI',
    (issuer) => {
      const raw = testConfig() as any;
      raw.okta.issuer = issuer;
      let problems: readonly string[] = [];
      try {
        validateConfig(raw);
      } catch (e) {
        problems = (e as ConfigValidationError).problems;
      }
      expect(problems).toEqual([
        expect.stringMatching(
          /^okta\.issuer: expected the authorization server's Issuer URI, not the admin console's address .*https:\/\/acme\.okta(preview)?\.com\/oauth2\/default/,
        ),
      ]);
    },
  );
});

describe('the web client’s placeholders', () => {
  test('count only when the environment hosts it: its domain name and certificate account', () => {
    const example = structuredClone(exampleConfig) as any;
    const fieldsOf = () => {
      const [prod] = configure(example, (k) => (k === 'env' ? 'prod' : undefined), [], ROOT).environments;
      return placeholderFields(prod).filter((f) => f.includes('.webClient.'));
    };
    expect(fieldsOf()).toEqual([]);
    example.environments.prod.webClient.enabled = true;
    example.environments.prod.webClient.path = 'test/support/web-client-build';
    expect(fieldsOf()).toEqual([
      'environments.prod.webClient.domainName ("app.files.example.com")',
      'environments.prod.webClient.certificateArn ("arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000")',
    ]);
  });
});
