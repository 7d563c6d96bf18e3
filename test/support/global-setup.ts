import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where test/support/template-cache.ts keeps templates during one `jest` run. */
export const TEMPLATE_CACHE_VARIABLE = 'TEST_TEMPLATE_CACHE';

/** One template cache per `jest` run; worker processes inherit the variable. */
export default function globalSetup(): void {
  process.env[TEMPLATE_CACHE_VARIABLE] = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-templates-'));
  // The SDK is pinned; its notice that future releases will need a newer Node is about versions
  // this project does not use, and it buried the test output once per worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Every App a test makes (a bare `new Stack()` makes one too) reads this: no stack bundles the
  // presign Lambda with esbuild, about a second of CPU per synth and 25 synths per run. Tests read
  // templates and run the handler from source; CI's `cdk synth` and the package build bundle it.
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ [BUNDLING_STACKS]: [] });
}

/** CDK's context key naming the stacks whose assets are bundled (cx-api BUNDLING_STACKS). */
const BUNDLING_STACKS = 'aws:cdk:bundling-stacks';
