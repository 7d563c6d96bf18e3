#!/usr/bin/env node
import 'source-map-support/register';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { contextThenEnvironment, givenOverrides, loadConfig } from '../app/config/load';
import { ConfigValidationError } from '../app/config/validate';
import { OktaS3StorageStack } from '../app/okta-s3-storage-stack';

const projectDir = path.join(__dirname, '..');
const app = new App();

try {
  const { environments, source, placeholders } = loadConfig(
    projectDir,
    contextThenEnvironment((key) => app.node.tryGetContext(key), process.env),
    givenOverrides(Object.keys(app.node.getAllContext()), cdkJsonContextKeys(), process.env),
  );
  for (const [name, fields] of Object.entries(placeholders)) {
    process.stderr.write(
      `\n*** WARNING: environment "${name}" holds placeholder values from ${path.basename(source)}; ` +
        'it synthesizes, but a deploy is refused. Put your own in okta-config.ts:\n' +
        fields.map((f) => `      ${f}\n`).join('') +
        '\n',
    );
  }
  for (const environment of environments) {
    new OktaS3StorageStack(app, environment.stackName, {
      env: { account: environment.account, region: environment.region },
      settings: environment,
    });
  }
} catch (error) {
  // A bad configuration is the operator's to fix: the list of problems, once, without a trace.
  if (!(error instanceof ConfigValidationError) || process.env.DEBUG) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

/** cdk.json's own context (feature flags and CLI settings) is CDK's, never a configuration field. */
function cdkJsonContextKeys(): string[] {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(projectDir, 'cdk.json'), 'utf8'));
  return Object.keys(cdkJson.context ?? {});
}
