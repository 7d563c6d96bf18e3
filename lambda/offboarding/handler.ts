import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, SQSEvent } from 'aws-lambda';
import { logLine, readOffboardingConfig } from './config';
import { handleHookRequest } from './hook-core';
import type { OffboardingJob } from './okta-event';
import { moveBatch } from './mover';
import { reconcile } from './reconcile-core';
import { s3Ledger } from './s3-ledger';
import { s3MoveStore } from './s3-move-store';
import { dynamoDbSharingStore } from '../presign/sharing/dynamodb-store';

/*
 * The three offboarding functions share one bundle; the construct names the export each runs
 * (`index.hook`, `index.mover`, `index.reconciler`).
 */

const s3 = new S3Client({});
const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});

/** Secrets are read once per 5 minutes per execution environment, so a rotation takes effect soon. */
const SECRET_CACHE_MS = 5 * 60_000;
const cache = new Map<string, { value: string; at: number }>();
async function secretValue(arn: string): Promise<string> {
  const hit = cache.get(arn);
  if (hit && Date.now() - hit.at < SECRET_CACHE_MS) return hit.value;
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  const value = SecretString ?? '';
  cache.set(arn, { value, at: Date.now() });
  return value;
}

function enqueuer(queueUrl: string) {
  return async (job: OffboardingJob) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(job) }));
  };
}

export async function hook(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const config = readOffboardingConfig();
  const response = await handleHookRequest(
    {
      method: event.httpMethod,
      headers: lowerCased(event.headers ?? {}),
      multiValueHeaders: lowerCased(event.multiValueHeaders ?? {}),
      body:
        event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body,
    },
    {
      secret: () => secretValue(process.env.HOOK_SECRET_ARN!),
      ledger: s3Ledger(s3, config.bucket, config.ledgerPrefix),
      enqueue: enqueuer(config.queueUrl),
      log: (entry) =>
        logLine(
          { function: 'offboarding-hook', requestId: event.requestContext?.requestId, ...entry },
          entry.outcome === 'failed',
        ),
    },
  );
  return { ...response, headers: { 'Content-Type': 'application/json' } };
}

export async function mover(event: SQSEvent) {
  const config = readOffboardingConfig();
  return moveBatch(event.Records, {
    store: s3MoveStore(s3, config.bucket),
    usersPrefix: config.usersPrefix,
    offboardedPrefix: config.offboardedPrefix,
    log: (entry, error) => logLine({ function: 'offboarding-mover', ...entry }, error),
    ...(process.env.SHARING_TABLE_NAME
      ? { revokeSharing: sharingRevoker(process.env.SHARING_TABLE_NAME) }
      : {}),
  });
}

export async function reconciler(): Promise<void> {
  const config = readOffboardingConfig();
  try {
    const result = await reconcile({
      orgUrl: process.env.OKTA_ORG_URL!,
      apiToken: () => secretValue(process.env.OKTA_API_TOKEN_SECRET_ARN!),
      fetch,
      ledger: s3Ledger(s3, config.bucket, config.ledgerPrefix),
      enqueue: enqueuer(config.queueUrl),
      now: () => new Date(),
      lookbackMinutes: Number(process.env.LOOKBACK_MINUTES),
    });
    logLine({ function: 'offboarding-reconciler', outcome: 'reconciled', ...result });
  } catch (error) {
    logLine(
      {
        function: 'offboarding-reconciler',
        outcome: 'failed',
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      },
      true,
    );
    throw error;
  }
}

function lowerCased<T>(headers: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Where sharing is on: revokes every live link and file request the person created. */
function sharingRevoker(tableName: string): (sub: string) => Promise<number> {
  const store = dynamoDbSharingStore(new DynamoDBClient({}), tableName);
  return (sub) => store.revokeAllBy(sub, Math.floor(Date.now() / 1000));
}
