import {
  PRINCIPAL_TAG_KEY,
  USER_OBJECT_ACTIONS,
  userPrefixStatements,
  webIdentitySubKey,
} from '../../lib/policy/user-prefix-statements';
import { userPrefixWildcardFinding } from '../../lib/policy/grant-user-prefix';

const BUCKET = 'arn:aws-cn:s3:::files';

describe('userPrefixStatements', () => {
  const json = userPrefixStatements(BUCKET, PRINCIPAL_TAG_KEY).map((s) => s.toStatementJson());

  test('grants the object actions under users/<key>/ with the slash after the key', () => {
    expect(json[0]).toEqual({
      Effect: 'Allow',
      Action: [...USER_OBJECT_ACTIONS],
      Resource: 'arn:aws-cn:s3:::files/users/${aws:PrincipalTag/okta_sub}/*',
    });
  });

  test('lists the bucket only for the own prefix', () => {
    expect(json[1]).toEqual({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET,
      Condition: {
        StringLike: {
          's3:prefix': ['users/${aws:PrincipalTag/okta_sub}/', 'users/${aws:PrincipalTag/okta_sub}/*'],
        },
      },
    });
  });

  test('never grants versions, ACLs, other prefixes or the bucket root', () => {
    const actions = json.flatMap((s) => [s.Action].flat());
    expect(actions).not.toEqual(expect.arrayContaining(['s3:DeleteObjectVersion']));
    expect(actions.filter((a) => /Acl|Version|\*/.test(a))).toEqual([]);
    const resources = json.flatMap((s) => [s.Resource].flat());
    expect(resources).toEqual([`${BUCKET}/users/\${aws:PrincipalTag/okta_sub}/*`, BUCKET]);
    expect(json).toHaveLength(2);
  });

  test('keeps the partition of the ARN it is given', () => {
    expect(
      json.every((s) => [s.Resource].flat().every((r: string) => r.startsWith('arn:aws-cn:s3:::'))),
    ).toBe(true);
  });
});

describe('assertPolicyVariable', () => {
  test.each(['${aws:PrincipalTag/okta_sub}', '${acme.okta.com/oauth2/default:sub}'])('accepts %s', (key) =>
    expect(() => userPrefixStatements(BUCKET, key)).not.toThrow(),
  );
  test.each(['00uAlice', '*', '${aws:PrincipalTag/okta_sub}*', '${a}/${b}', ''])(
    'refuses %j, which is not one variable',
    (key) =>
      expect(() => userPrefixStatements(BUCKET, key)).toThrow(
        'keyExpression must be a single IAM policy variable',
      ),
  );
});

describe('webIdentitySubKey', () => {
  test.each([
    ['https://acme.okta.com/oauth2/default', '${acme.okta.com/oauth2/default:sub}'],
    ['https://acme.okta.com', '${acme.okta.com:sub}'],
  ])('names the sub of %s', (issuer, key) => expect(webIdentitySubKey(issuer)).toBe(key));
});

describe('userPrefixWildcardFinding', () => {
  const matches = (finding: string) => {
    const { regex } = userPrefixWildcardFinding(PRINCIPAL_TAG_KEY);
    return new RegExp(regex.slice(1, -1)).test(finding);
  };
  test('covers the own-prefix object wildcard as cdk-nag prints it', () => {
    expect(matches('Resource::<StorageData6BB23F4E.Arn>/users/<aws:PrincipalTag/okta_sub>/*')).toBe(true);
  });
  test.each([
    'Resource::<StorageData6BB23F4E.Arn>/*',
    'Resource::<StorageData6BB23F4E.Arn>/users/*',
    'Resource::*',
    'Action::s3:*',
    'Resource::<StorageData6BB23F4E.Arn>/users/<aws:PrincipalTag/other>/*',
  ])('does not cover %s', (finding) => expect(matches(finding)).toBe(false));
});
