#!/usr/bin/env node
import 'source-map-support/register';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { contextThenEnvironment, loadConfig } from '../lib/config/load';
import { OktaS3StorageStack } from '../lib/okta-s3-storage-stack';

const app = new App();
const { environment, source, usesPlaceholders } = loadConfig(
  path.join(__dirname, '..'),
  contextThenEnvironment((key) => app.node.tryGetContext(key), process.env),
);
if (usesPlaceholders) {
  process.stderr.write(
    `\n*** WARNING: using placeholder values from ${path.basename(source)}. ` +
      'Copy it to okta-config.ts and fill in your own before deploying. ***\n\n',
  );
}
new OktaS3StorageStack(app, environment.stackName, {
  env: { account: environment.account, region: environment.region },
  settings: environment,
  usesPlaceholders,
});
