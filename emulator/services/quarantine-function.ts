/**
 * The template's quarantine function, run as Lambda runs it for an event its rule delivers: the
 * real core (lambda/quarantine) with the environment the template gives it, and S3 calls signed
 * with a session of its execution role, through the IAM-enforcing S3 front. What it logs is kept
 * as the lines Lambda's JSON log format writes (Lambda developer guide,
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html:
 * `timestamp`, `level`, `requestId`), with the one object logged as the line's `message`, as the
 * Node.js runtime's formatter writes it (aws/aws-lambda-nodejs-runtime-interface-client,
 * src/logging/formatter.ts), so a test can match them with the alarm's metric filter.
 */
import { randomUUID } from 'crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { quarantine, type QuarantineLog, type ScanResultEvent } from '../../lambda/quarantine/core';
import {
  QUARANTINE_ENV,
  quarantineLogRecord,
  readQuarantineEnvironment,
  s3QuarantineStore,
} from '../../lambda/quarantine/handler';
import { functionRuntime, functionsWithVariable } from './lambda-runtime';
import { stripBucketSlash } from './s3-server';
import type { SessionStore } from './sessions';
import type { StackModel } from './stack-model';

export interface LocalQuarantineFunction {
  /** The function's logical id in the template. */
  readonly functionId: string;
  /** One invocation: the core's outcome, or its error (which makes Lambda retry). */
  invoke(event: Record<string, unknown>): Promise<QuarantineLog>;
  /** Each outcome, as the log line Lambda writes. */
  readonly logLines: readonly string[];
  close(): Promise<void>;
}

/** The quarantine function of the template, if it has one. */
export function quarantineFunction(options: {
  readonly model: StackModel;
  readonly sessions: SessionStore;
  readonly s3Endpoint: string;
}): LocalQuarantineFunction | undefined {
  const { model, sessions } = options;
  const [functionId] = functionsWithVariable(model, QUARANTINE_ENV.protectedPrefixes);
  if (!functionId) return undefined;
  const fn = functionRuntime(model, sessions, functionId, 'quarantine');
  const { bucket, prefixes } = readQuarantineEnvironment(fn.environment);
  const client = new S3Client({
    region: model.region,
    endpoint: options.s3Endpoint,
    forcePathStyle: true,
    credentials: fn.credentials,
  });
  stripBucketSlash(client);
  const logLines: string[] = [];
  const log = (entry: QuarantineLog) =>
    logLines.push(
      JSON.stringify({
        timestamp: new Date().toISOString(),
        level: entry.outcome === 'source-missing' ? 'ERROR' : 'WARN',
        requestId: randomUUID(),
        message: quarantineLogRecord(entry),
      }),
    );
  const store = s3QuarantineStore(client, bucket);
  return {
    functionId,
    invoke: (event) =>
      quarantine(event as ScanResultEvent, { bucket, store, log, protectedPrefixes: prefixes }),
    logLines,
    close: async () => client.destroy(),
  };
}
