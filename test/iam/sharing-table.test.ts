import { resolveTemplate } from '../../emulator/iam/resolve-template';
import { decide, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import type { PolicyDocument } from '../../emulator/iam/simulate';
import { sharingTestConfig } from '../support/config';
import { templateJson } from '../support/template-cache';

/*
 * The presign Lambda's access to the sharing table, decided by the IAM simulator on the synthesized
 * prod policies with sharing on: exactly the item calls the store makes, the creator index's Query,
 * and the table key only through DynamoDB. Negative controls: the same role is refused Scan,
 * DeleteItem, another table, and the key called directly.
 */

const template = resolveTemplate(templateJson(sharingTestConfig(), { env: 'prod' }), {
  account: '210987654321',
  region: 'us-east-1',
});
const idOf = (type: string, prefix: string) => {
  const ids = Object.keys(template.resources).filter(
    (id) => id.startsWith(prefix) && template.resources[id].Type === type,
  );
  expect(ids).toHaveLength(1);
  return ids[0];
};
const executionRole = idOf('AWS::IAM::Role', 'PresignApiHandlerRole');
const tableArn = template.getAtt(idOf('AWS::DynamoDB::Table', 'PresignApiSharingTable'), 'Arn');
const keyId = idOf('AWS::KMS::Key', 'PresignApiSharingKey');
const keyArn = template.getAtt(keyId, 'Arn');
const keyPolicy = template.resources[keyId].Properties.KeyPolicy as PolicyDocument;
const ask = (
  action: string,
  resource: string,
  context: Record<string, string> = {},
  resourcePolicy?: PolicyDocument,
) =>
  decide({
    identityPolicies: identityPoliciesOf(template, executionRole),
    action,
    resource,
    principal: sessionArnOf(template, executionRole, 'presign-fn'),
    context,
    ...(resourcePolicy ? { resourcePolicy } : {}),
  });

describe('the presign function and the sharing table (IAM simulator, prod with sharing)', () => {
  test.each(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])(
    '%s on the table is allowed',
    async (action) => {
      expect(await ask(action, tableArn)).toBe('Allowed');
    },
  );

  test('Query on the creator index is allowed; on the table itself it is not', async () => {
    expect(await ask('dynamodb:Query', `${tableArn}/index/byCreator`)).toBe('Allowed');
    expect(await ask('dynamodb:Query', tableArn)).not.toBe('Allowed');
  });

  test.each([
    ['dynamodb:Scan', tableArn],
    ['dynamodb:DeleteItem', tableArn],
    ['dynamodb:BatchGetItem', tableArn],
    ['dynamodb:DeleteTable', tableArn],
    ['dynamodb:GetItem', tableArn.replace(/table\/.*/, 'table/another-table')],
  ])('negative control: %s on %s is refused', async (action, resource) => {
    expect(await ask(action, resource)).not.toBe('Allowed');
  });

  test('the table key: Decrypt and GenerateDataKey through DynamoDB are allowed, directly they are not', async () => {
    const viaDynamoDb = { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' };
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      expect([action, await ask(action, keyArn, viaDynamoDb, keyPolicy)]).toEqual([action, 'Allowed']);
      expect([action, await ask(action, keyArn, {}, keyPolicy)]).not.toEqual([action, 'Allowed']);
      expect([
        action,
        await ask(action, keyArn, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }, keyPolicy),
      ]).not.toEqual([action, 'Allowed']);
    }
    expect(await ask('kms:CreateGrant', keyArn, viaDynamoDb, keyPolicy)).not.toBe('Allowed');
  });
});
