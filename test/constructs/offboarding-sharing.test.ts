import { sharingTestConfig, testConfig } from '../support/config';
import { synthesizedTemplate } from '../support/template-cache';
import { allOf, named } from '../support/resources';

/**
 * With sharing and offboarding both on, the mover revokes a leaver's share links and file requests
 * before it moves their files (lambda/offboarding/mover.ts), with only what that needs: find them
 * by creator on the index, mark them revoked, the key through DynamoDB.
 */
const withSharing = synthesizedTemplate(sharingTestConfig(), { env: 'prod' });

/** Every statement of the policies attached to a role whose logical id starts with `prefix`. */
function statementsOfRole(template: typeof withSharing, prefix: string): any[] {
  const role = named(template, 'AWS::IAM::Role', prefix);
  return allOf(template, 'AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role.id }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

test('the mover knows the sharing table and may only query its creator index and update items', () => {
  const mover = named(withSharing, 'AWS::Lambda::Function', 'OffboardingMover');
  const table = named(withSharing, 'AWS::DynamoDB::Table', 'PresignApiSharingTable');
  expect(mover.Properties.Environment.Variables.SHARING_TABLE_NAME).toEqual({ Ref: table.id });
  const dynamo = statementsOfRole(withSharing, 'OffboardingMoverRole').filter((s) =>
    [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
  );
  expect(dynamo.map((s) => [[s.Action].flat().sort(), JSON.stringify(s.Resource)])).toEqual([
    [['dynamodb:UpdateItem'], JSON.stringify({ 'Fn::GetAtt': [table.id, 'Arn'] })],
    [['dynamodb:Query'], expect.stringContaining('/index/')],
  ]);
  // The table's key, only through DynamoDB (the bucket's key has its own, S3-only statement).
  const keyStatements = statementsOfRole(withSharing, 'OffboardingMoverRole').filter((s) =>
    JSON.stringify(s.Resource).includes('PresignApiSharingKey'),
  );
  expect(keyStatements).toEqual([
    expect.objectContaining({
      Condition: { StringEquals: { 'kms:ViaService': expect.stringMatching(/^dynamodb\./) } },
    }),
  ]);
});

test('without sharing the mover has no table and no DynamoDB permission', () => {
  const plain = synthesizedTemplate(testConfig(), { env: 'prod' });
  const mover = named(plain, 'AWS::Lambda::Function', 'OffboardingMover');
  expect(mover.Properties.Environment.Variables.SHARING_TABLE_NAME).toBeUndefined();
  expect(JSON.stringify(statementsOfRole(plain, 'OffboardingMoverRole'))).not.toContain('dynamodb:');
});
