import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { quarantine, QuarantineLog, QuarantineStore, ScanResultEvent } from './core';

/** The environment the construct sets (lib/constructs/malware-quarantine.ts). */
export const QUARANTINE_ENV = { bucketName: 'BUCKET_NAME', protectedPrefixes: 'PROTECTED_PREFIXES' } as const;

/** S3 calls of the quarantine move, on one bucket. */
export function s3QuarantineStore(client: S3Client, bucket: string): QuarantineStore {
  return {
    head: async (key, versionId) => {
      try {
        const head = await client.send(
          new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
        );
        return {
          size: head.ContentLength ?? 0,
          contentType: head.ContentType,
          metadata: head.Metadata ?? {},
        };
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) return undefined;
        throw error;
      }
    },
    copy: async (source, destinationKey, facts, metadata) => {
      await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: destinationKey,
          CopySource: `${bucket}/${encodeURIComponent(source.key).replace(/%2F/g, '/')}?versionId=${encodeURIComponent(source.versionId)}`,
          MetadataDirective: 'REPLACE',
          Metadata: metadata,
          ContentType: facts.contentType,
          // The GuardDutyMalwareScanStatus tag (THREATS_FOUND) travels with the copy: the record.
          TaggingDirective: 'COPY',
        }),
      );
    },
    deleteVersion: async (source) => {
      await client.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: source.key, VersionId: source.versionId }),
      );
    },
  };
}

/** The function's configuration from its environment; a missing or malformed value is an error. */
export function readQuarantineEnvironment(env: Record<string, string | undefined>) {
  const bucket = env[QUARANTINE_ENV.bucketName] ?? '';
  const prefixes = (env[QUARANTINE_ENV.protectedPrefixes] ?? '').split(',').filter(Boolean);
  if (!bucket || prefixes.length === 0 || prefixes.some((p) => !/^([^/]+\/)+$/.test(p)))
    throw new Error(
      `Invalid quarantine configuration: ${QUARANTINE_ENV.bucketName} and ${QUARANTINE_ENV.protectedPrefixes} (folders ending in "/") are required`,
    );
  return { bucket, prefixes };
}

/** What the function logs of one event: Lambda's JSON log format puts it under `message`. */
export function quarantineLogRecord(entry: QuarantineLog): Record<string, unknown> {
  return { function: 'quarantine', ...entry };
}

/**
 * One JSON line per event: `quarantined` is what the "threat found" alarm counts. A failure
 * throws, so Lambda retries the asynchronous invocation and the error alarm fires.
 */
function logToConsole(entry: QuarantineLog): void {
  const line = quarantineLogRecord(entry);
  const write = entry.outcome === 'source-missing' ? console.error : console.warn;
  write(process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON' ? line : JSON.stringify(line));
}

let live: ((event: ScanResultEvent) => Promise<QuarantineLog>) | undefined;

/** The Lambda entry point, for the EventBridge rule on THREATS_FOUND results. */
export const handler = (event: ScanResultEvent): Promise<QuarantineLog> => {
  if (!live) {
    const { bucket, prefixes } = readQuarantineEnvironment(process.env);
    const store = s3QuarantineStore(new S3Client({}), bucket);
    live = (e) => quarantine(e, { bucket, store, log: logToConsole, protectedPrefixes: prefixes });
  }
  return live(event);
};
