/**
 * A DynamoDB-compatible server for the sharing table, in process: dynalite (an implementation of
 * DynamoDB's API on LevelDB, in memory here), on 127.0.0.1 only. The table is created with the
 * layout the SharingTable construct synthesizes (lambda/presign/sharing/dynamodb-store.ts names it).
 */
import type { AddressInfo } from 'net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SHARING_TABLE } from '../../lambda/presign/sharing/dynamodb-store';

// dynalite ships no types; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, number>) => import('http').Server;

export interface LocalDynamoDb {
  readonly url: string;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/** dynalite accepts any key pair; these are never real credentials. */
const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALDYNAMODB', secretAccessKey: 'local-dynamodb-secret' };

export async function startDynamoDb(region = 'eu-west-1'): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    url,
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** The sharing table as the construct defines it: key `pk`, index `byCreator` (creatorKind, createdAt). */
export async function createSharingTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: SHARING_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: SHARING_TABLE.creatorIndexPartitionKey, AttributeType: 'S' },
        { AttributeName: SHARING_TABLE.creatorIndexSortKey, AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: SHARING_TABLE.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: SHARING_TABLE.creatorIndex,
          KeySchema: [
            { AttributeName: SHARING_TABLE.creatorIndexPartitionKey, KeyType: 'HASH' },
            { AttributeName: SHARING_TABLE.creatorIndexSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}
