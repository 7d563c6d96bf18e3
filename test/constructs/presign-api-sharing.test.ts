import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PresignApi, PresignApiProps } from '../../lib/constructs/presign-api';
import { PINNED_LINK_ENV, SHARING_ENV } from '../../lambda/presign/sharing/config';
import { PRESIGN_ENV } from '../../lambda/presign/config';
import { SHARING_TABLE } from '../../lambda/presign/sharing/dynamodb-store';
import { TEST_ORIGINS } from '../support/config';
import { allOf, only, statementsOfRole } from '../support/resources';

/** PresignApi with `sharing`, in a bare stack (bundling is off for test apps). */
function synth(sharing: PresignApiProps['sharing'], region = 'eu-west-1') {
  const stack = new Stack(new App(), 'Sharing', { env: { account: '123456789012', region } });
  const userPool = new cognito.UserPool(stack, 'UserPool');
  const api = new PresignApi(stack, 'PresignApi', {
    userPool,
    bucket: new s3.Bucket(stack, 'Bucket'),
    allowedOrigins: TEST_ORIGINS,
    sharing,
  });
  return { stack, api, template: Template.fromStack(stack) };
}

let template: Template;
let api: PresignApi;
beforeAll(() => {
  ({ template, api } = synth({
    maxLinkDays: 14,
    fileRequestMaxFiles: 5,
    fileRequestContentTypes: ['application/pdf', 'image/png'],
    visitRateLimit: 3,
    visitBurstLimit: 6,
  }));
});

describe('PresignApi sharing: the table', () => {
  test('is on demand, with point-in-time recovery, TTL on expiresAt, its own rotating key, retained and deletion-protected', () => {
    const table = only(template, 'AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    const p = table.Properties;
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: SHARING_TABLE.ttlAttribute, Enabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    const key = only(template, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    // Only AWS services (DynamoDB itself) may create grants on the key (Control Tower's CT.KMS.PR.3).
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyGrantsExceptForAwsServices',
        Effect: 'Deny',
        Action: 'kms:CreateGrant',
        Condition: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    expect(key.DeletionPolicy).toBe('Retain');
    expect(p.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [key.id, 'Arn'] },
    });
  });

  test('has the layout the Lambda’s store uses', () => {
    const p = only(template, 'AWS::DynamoDB::Table').Properties;
    expect(p.KeySchema).toEqual([{ AttributeName: SHARING_TABLE.partitionKey, KeyType: 'HASH' }]);
    expect(p.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: SHARING_TABLE.creatorIndex,
        KeySchema: [
          { AttributeName: SHARING_TABLE.creatorIndexPartitionKey, KeyType: 'HASH' },
          { AttributeName: SHARING_TABLE.creatorIndexSortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  test('the execution role may get, put and update items, query the creator index, and use the key only through DynamoDB', () => {
    const table = only(template, 'AWS::DynamoDB::Table').id;
    const key = only(template, 'AWS::KMS::Key').id;
    const statements = statementsOfRole(
      template,
      Stack.of(api).getLogicalId(api.executionRole.node.defaultChild as never),
    );
    const touching = statements.filter((s) =>
      JSON.stringify(s.Resource).match(new RegExp(`${table}|${key}`)),
    );
    expect(touching).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: { 'Fn::GetAtt': [table, 'Arn'] },
        }),
        expect.objectContaining({
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/byCreator']] },
        }),
        expect.objectContaining({
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          Resource: { 'Fn::GetAtt': [key, 'Arn'] },
          Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
        }),
      ]),
    );
    expect(touching).toHaveLength(3);
    expect(JSON.stringify(statements)).not.toMatch(
      /dynamodb:(Scan|DeleteItem|Batch|\*)|kms:ReEncrypt|kms:\*/,
    );
  });
});

describe('PresignApi sharing: routes', () => {
  const methods = () =>
    allOf(template, 'AWS::ApiGateway::Method')
      .map((m) => m.Properties)
      .filter((m) => m.HttpMethod !== 'OPTIONS');
  const pathOf = (resourceId: { Ref: string }): string => {
    const resource = template.toJSON().Resources[resourceId.Ref];
    const parent = resource.Properties.ParentId;
    const prefix = parent['Fn::GetAtt'] ? '' : pathOf(parent);
    return `${prefix}/${resource.Properties.PathPart}`;
  };

  test('owner routes need the Cognito authorizer; only the three visit routes have none', () => {
    const open = methods()
      .filter((m) => m.AuthorizationType === 'NONE')
      .map((m) => `${m.HttpMethod} ${pathOf(m.ResourceId)}`)
      .sort();
    expect(open).toEqual(['GET /r/{token}', 'GET /s/{token}', 'POST /r/{token}/uploads']);
    const owner = methods()
      .filter((m) => m.AuthorizationType !== 'NONE')
      .map((m) => `${m.HttpMethod} ${pathOf(m.ResourceId)}`);
    expect(owner).toEqual(
      expect.arrayContaining([
        'POST /share-links',
        'GET /share-links',
        'POST /share-links/revoke',
        'POST /file-requests',
        'GET /file-requests',
        'POST /file-requests/revoke',
      ]),
    );
    for (const m of methods().filter((x) => x.AuthorizationType !== 'NONE')) {
      expect(m.AuthorizationType).toBe('COGNITO_USER_POOLS');
    }
  });

  test('each public method is throttled on its own, below the stage', () => {
    const stage = only(template, 'AWS::ApiGateway::Stage').Properties;
    const visits = stage.MethodSettings.filter((s: { ResourcePath: string }) => s.ResourcePath !== '/*');
    expect(
      visits
        .map((s: { ResourcePath: string; HttpMethod: string }) => `${s.HttpMethod} ${s.ResourcePath}`)
        .sort(),
    ).toEqual(['GET /~1r~1{token}', 'GET /~1s~1{token}', 'POST /~1r~1{token}~1uploads']);
    for (const s of visits) expect(s).toMatchObject({ ThrottlingRateLimit: 3, ThrottlingBurstLimit: 6 });
  });

  test('the function reads the table name and limits it was given, and nothing unknown', () => {
    const vars = only(template, 'AWS::Lambda::Function').Properties.Environment.Variables;
    expect(vars).toMatchObject({
      SHARING_TABLE_NAME: { Ref: only(template, 'AWS::DynamoDB::Table').id },
      SHARE_LINK_MAX_DAYS: '14',
      FILE_REQUEST_MAX_FILES: '5',
      FILE_REQUEST_CONTENT_TYPES: 'application/pdf,image/png',
    });
    const known = new Set<string>([
      ...Object.values(PRESIGN_ENV),
      ...Object.values(SHARING_ENV),
      ...Object.values(PINNED_LINK_ENV),
    ]);
    expect(Object.keys(vars).filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('PresignApi sharing: off and invalid', () => {
  test('without `sharing` there is no table, no key, no public method', () => {
    const off = synth(undefined).template;
    expect(allOf(off, 'AWS::DynamoDB::Table')).toEqual([]);
    expect(
      allOf(off, 'AWS::ApiGateway::Method').filter(
        (m) => m.Properties.AuthorizationType === 'NONE' && m.Properties.HttpMethod !== 'OPTIONS',
      ),
    ).toEqual([]);
  });

  test('one error names every bad option', () => {
    expect(() =>
      synth({
        maxLinkDays: 31,
        fileRequestMaxFiles: 0,
        fileRequestMaxFileBytes: 5 * 1024 ** 3 + 1,
        fileRequestContentTypes: ['Text/HTML'],
        visitRateLimit: 0.5,
      }),
    ).toThrow(
      /sharing\.maxLinkDays: must be an integer from 1 to 30; sharing\.fileRequestMaxFiles: must be an integer from 1 to 1000; sharing\.fileRequestMaxFileBytes: .*; sharing\.visitRateLimit: .*; sharing\.fileRequestContentTypes: "Text\/HTML" is not a lower-case type\/subtype/,
    );
  });
});
