/**
 * Share-link resolution beside a plain presign: the real handler, its sharing table on dynalite
 * (a DynamoDB-compatible server on loopback, so each visit pays one real GetItem round trip), S3
 * answers stubbed, signing real.
 */
import { performance } from 'perf_hooks';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createSharingTable, startDynamoDb } from '../emulator/services/dynamodb';
import { createHandler } from '../lambda/presign/handler';
import { CallerStorage, s3Storage } from '../lambda/presign/s3';
import { dynamoDbSharingStore } from '../lambda/presign/sharing/dynamodb-store';
import { apiEventFor, benchPresignConfig } from './bench-events';

const CALLS = 500;
const KEY = 'users/00uBench0000000000b1/0f8fad5b-d9cb-469f-a165-70867728950e/report.pdf';

export async function sharingSection(): Promise<{ rows: string[][]; note: string }> {
  const dynamo = await startDynamoDb();
  try {
    const tableName = 'bench-sharing';
    await createSharingTable(dynamo.client, tableName);
    const config = benchPresignConfig({
      sharing: {
        tableName,
        maxLinkDays: 7,
        fileRequestMaxFiles: 20,
        fileRequestMaxFileBytes: 1024,
        fileRequestContentTypes: [],
      },
    });
    const credentials = {
      accessKeyId: 'ASIABENCHBENCHBENCH0',
      secretAccessKey: 'bench-secret',
      sessionToken: 'bench-token',
      expiration: new Date(Date.now() + 3600_000),
    };
    const signer = s3Storage({ bucket: config.bucketName, region: config.region })(credentials);
    const storage: CallerStorage = { ...signer, exists: async () => true, versionOf: async () => ({}) };
    const handler = createHandler({
      config,
      credentialsFor: async () => credentials,
      storageFor: () => storage,
      sharingStore: dynamoDbSharingStore(dynamo.client, tableName),
      log: () => undefined,
    });
    const created = await handler(apiEventFor('/share-links', { key: KEY }));
    if (created.statusCode !== 200) throw new Error(`bench link was refused: ${created.body}`);
    const { token } = JSON.parse(created.body) as { token: string };
    const visit = {
      ...apiEventFor('/s/{token}', undefined),
      httpMethod: 'GET',
      body: null,
      pathParameters: { token },
    };
    const refusedVisit = { ...visit, pathParameters: { token: `${token.slice(0, 42)}A` } };
    const download = apiEventFor('/downloads', { key: KEY });
    const check = async (event: APIGatewayProxyEvent, status: number) => {
      const response = await handler(event);
      if (response.statusCode !== status) throw new Error(`bench visit answered ${response.statusCode}`);
    };
    const rows = [
      [
        'GET /s/{token}: GetItem on dynalite + presigned GET (302)',
        ...percentiles(await time(() => check(visit, 302))),
      ],
      [
        'GET /s/{token}, unknown token: GetItem + refusal (404)',
        ...percentiles(await time(() => check(refusedVisit, 404))),
      ],
      ['POST /downloads: plain presigned GET (200)', ...percentiles(await time(() => check(download, 200)))],
    ];
    return {
      rows,
      note: `${CALLS} calls each after 50 to warm up; dynalite runs in this process, on loopback`,
    };
  } finally {
    await dynamo.close();
  }
}

async function time(call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 50; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times;
}

function percentiles(times: number[]): string[] {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return [at(0.5), at(0.99)].map((v) => (v < 1 ? `${(v * 1000).toFixed(0)} µs` : `${v.toFixed(2)} ms`));
}
