import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Template } from 'aws-cdk-lib/assertions';
import { configure } from '../../app/config/load';
import { OktaS3StorageStack } from '../../app/okta-s3-storage-stack';
import { testConfig } from './config';

const CDK_JSON = path.join(__dirname, '..', '..', 'cdk.json');

/** The feature flags of cdk.json, so tests build exactly what `cdk synth` builds. */
export function projectContext(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(CDK_JSON, 'utf8')).context;
}

export function testApp(): App {
  return new App({ context: projectContext(), builtinCloudFormationValidation: false });
}

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: OktaS3StorageStack;
  readonly template: Template;
}

/**
 * Builds the stack the way `bin/` does, from a raw configuration and `-c` context values.
 * Call it once per configuration per test file (in `beforeAll`): synthesis is the slow part.
 */
export function synthesize(
  raw: unknown = testConfig(),
  context: Record<string, unknown> = {},
  options: { withNag?: boolean } = {},
): SynthesizedStack {
  // One stack per call: the dev environment unless the context names another.
  const chosen: Record<string, unknown> = { env: 'dev', ...context };
  const [environment] = configure(raw, (key) => chosen[key]).environments;
  const app = testApp();
  if (options.withNag) Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const stack = new OktaS3StorageStack(app, environment.stackName, {
    env: { account: environment.account, region: environment.region },
    settings: environment,
  });
  return { app, stack, template: Template.fromStack(stack) };
}
