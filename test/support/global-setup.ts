import * as fs from 'fs';
import * as path from 'path';
import { compactDecisionMemo, DECISION_MEMO_VARIABLE } from '../../emulator/iam/decision-memo';
import { generateRsaKeysPem, PREGENERATED_KEYS_VARIABLE } from '../../emulator/model/cognito-id-token';
import { TEMPLATE_CACHE_VARIABLE, templateCacheForCurrentSources } from './template-cache';

/** What every test file of one vitest run shares: vitest runs it once, and its workers inherit the variables. */
export default function globalSetup(): void {
  process.env[TEMPLATE_CACHE_VARIABLE] = templateCacheForCurrentSources();
  // The user pools of the emulator take these keys in turn: made once and kept, rather than
  // generated in every test file. A worker runs many files in one process and takes a key per pool
  // (the quick tier's files make 4, a local stack 1), so it needs more than one file's worth; a key
  // costs 0.1 to 1 s of CPU to generate. They sign test tokens only.
  const keys = path.join(CACHE, `rsa-keys-${PREGENERATED_KEY_COUNT}.json`);
  if (!fs.existsSync(keys)) {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(keys, JSON.stringify(generateRsaKeysPem(PREGENERATED_KEY_COUNT)));
  }
  process.env[PREGENERATED_KEYS_VARIABLE] = keys;
  // The IAM simulator's answers, kept between runs for the very same policies and requests
  // (emulator/iam/decision-memo.ts). Set EMULATOR_IAM_DECISION_MEMO= (empty) to simulate every one.
  process.env[DECISION_MEMO_VARIABLE] ??= DECISION_MEMO;
  if (process.env[DECISION_MEMO_VARIABLE]) compactDecisionMemo(process.env[DECISION_MEMO_VARIABLE]);
  // The SDK is pinned; its notice that future releases will need a newer Node is about versions
  // this project does not use, and it buried the test output once per worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Every App a test makes (a bare `new Stack()` makes one too) reads this: no stack bundles the
  // presign Lambda with esbuild, about a second of CPU per synth and 25 synths per run. Tests read
  // templates and run the handler from source; CI's `cdk synth` and the package build bundle it.
  process.env.CDK_CONTEXT_JSON = JSON.stringify({
    [BUNDLING_STACKS]: [],
    'aws:cdk:disable-creation-stack-traces': true,
    'aws:cdk:disable-stack-trace': true,
  });
  // aws-cdk-lib's built-in CloudFormation validation starts a WebAssembly engine on the first synth
  // of every process: 2 s of CPU per test file, most of the quick tier. Tests turn it off the way
  // aws-cdk-lib's README documents; test/cloudformation-validate.test.ts runs it on every example
  // environment, and CI's `cdk synth` and cfn-lint check the same templates again.
  process.env.CDK_VALIDATION = 'false';
}

/** What the test runs keep between them, where tools keep caches; `npm ci` starts it afresh. */
const CACHE = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'okta-s3-storage');
const DECISION_MEMO = path.join(CACHE, 'iam-decisions');
const PREGENERATED_KEY_COUNT = 8;

/** CDK's context key naming the stacks whose assets are bundled (cx-api BUNDLING_STACKS). */
const BUNDLING_STACKS = 'aws:cdk:bundling-stacks';
