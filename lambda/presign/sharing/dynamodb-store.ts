import {
  AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SHARING_TABLE_LAYOUT } from '../../../lib/validation/rules';
import type { LinkKind, SeenMembership, SharedItem, SharingStore } from './store';

/** The table's layout, as the construct creates it (lib/validation/rules.ts). */
export const SHARING_TABLE = SHARING_TABLE_LAYOUT;

const itemKey = (id: string) => `share#${id}`;
const memberKey = (sub: string) => `member#${sub}`;

export function dynamoDbSharingStore(client: Pick<DynamoDBClient, 'send'>, tableName: string): SharingStore {
  const key = (pk: string) => ({ [SHARING_TABLE.partitionKey]: { S: pk } });
  return {
    put: async (item) => {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(itemKey(item.id)),
            creatorKind: { S: `${item.creator}#${item.kind}` },
            createdAt: { N: String(item.createdAt) },
            expiresAt: { N: String(item.expiresAt) },
            item: { S: JSON.stringify(item) },
            uploads: { N: String(item.kind === 'request' ? item.uploads : 0) },
            ...(item.kind === 'request' ? { maxFiles: { N: String(item.maxFiles) } } : {}),
          },
          // A token is 256 random bits: a clash means a broken random source, never a second link.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    get: async (id) => {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(itemKey(id)), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : fromItem(Item);
    },

    listByCreator: async (creator, kind, limit) => {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: SHARING_TABLE.creatorIndex,
          KeyConditionExpression: 'creatorKind = :ck',
          ExpressionAttributeValues: { ':ck': { S: `${creator}#${kind}` } },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return Items.map(fromItem);
    },

    revokeAllBy: async (creator, at) => {
      let revoked = 0;
      for (const kind of ['link', 'request'] as const) {
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: SHARING_TABLE.creatorIndex,
              KeyConditionExpression: 'creatorKind = :ck',
              ExpressionAttributeValues: { ':ck': { S: `${creator}#${kind}` } },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of (page.Items ?? []).map(fromItem)) {
            if (item.revokedAt !== undefined) continue;
            await client.send(
              new UpdateItemCommand({
                TableName: tableName,
                Key: key(itemKey(item.id)),
                UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
                ExpressionAttributeValues: { ':at': { N: String(at) } },
              }),
            );
            revoked += 1;
          }
          start = page.LastEvaluatedKey;
        } while (start !== undefined);
      }
      return revoked;
    },

    revoke: async (id, kind, creator, at) =>
      conditionally(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(itemKey(id)),
            UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
            ConditionExpression: 'creatorKind = :ck',
            ExpressionAttributeValues: { ':at': { N: String(at) }, ':ck': { S: `${creator}#${kind}` } },
          }),
        ),
      ),

    claimUpload: async (id, now) =>
      conditionally(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(itemKey(id)),
            UpdateExpression: 'ADD uploads :one',
            ConditionExpression:
              'attribute_exists(maxFiles) AND attribute_not_exists(revokedAt) AND expiresAt > :now AND uploads < maxFiles',
            ExpressionAttributeValues: { ':one': { N: '1' }, ':now': { N: String(now) } },
          }),
        ),
      ),

    putMembership: async (seen, ttl) => {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(memberKey(seen.sub)),
            teams: { S: seen.teams },
            seenAt: { N: String(seen.seenAt) },
            expiresAt: { N: String(ttl) },
          },
        }),
      );
    },

    getMembership: async (sub) => {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(memberKey(sub)), ConsistentRead: true }),
      );
      if (Item?.teams?.S === undefined || Item.seenAt?.N === undefined) return undefined;
      return { sub, teams: Item.teams.S, seenAt: Number(Item.seenAt.N) } satisfies SeenMembership;
    },
  };
}

/** The stored item, with the counters and revocation DynamoDB updates in place. */
function fromItem(item: Record<string, AttributeValue>): SharedItem {
  const stored = JSON.parse(item.item?.S ?? '{}') as SharedItem;
  const revokedAt = item.revokedAt?.N === undefined ? {} : { revokedAt: Number(item.revokedAt.N) };
  return stored.kind === 'request'
    ? { ...stored, uploads: Number(item.uploads?.N ?? stored.uploads), ...revokedAt }
    : { ...stored, ...revokedAt };
}

async function conditionally(update: () => Promise<unknown>): Promise<boolean> {
  try {
    await update();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export type { LinkKind };
