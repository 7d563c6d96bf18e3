import { runSimulation } from '@cloud-copilot/iam-simulate';
import { decideTrust, RequestContext, simulateTrust } from '../../emulator/iam/simulate';

const ACCOUNT = '123456789012';
const ISSUER = 'test.okta.example/oauth2/default';
const A = '00uA';

describe('trust policies', () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/AuthRole`;
  const POOL = 'eu-west-1:11111111-2222-3333-4444-555555555555';
  const cognitoConditions = {
    StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL },
    'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
  };
  const cognitoTrust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: cognitoConditions,
      },
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:TagSession',
        Condition: {
          ...cognitoConditions,
          Null: { 'aws:RequestTag/okta_sub': 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['okta_sub'] },
        },
      },
    ],
  };
  const cognitoContext = {
    'cognito-identity.amazonaws.com:aud': POOL,
    'cognito-identity.amazonaws.com:sub': 'eu-west-1:99999999-0000-0000-0000-000000000000',
    'cognito-identity.amazonaws.com:amr': ['authenticated', ISSUER],
    'aws:RequestTag/okta_sub': A,
    'aws:TagKeys': ['okta_sub'],
  };
  const cognito = (action: 'sts:AssumeRoleWithWebIdentity' | 'sts:TagSession', context: RequestContext) =>
    decideTrust({
      trustPolicy: cognitoTrust,
      action,
      principal: 'cognito-identity.amazonaws.com',
      roleArn: ROLE,
      context,
    });

  test.each(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] as const)(
    'Cognito %s is allowed for the pool',
    async (action) => {
      expect(await cognito(action, cognitoContext)).toBe('Allowed');
    },
  );

  test.each([
    ['another pool', { 'cognito-identity.amazonaws.com:aud': 'eu-west-1:other' }],
    ['a guest identity', { 'cognito-identity.amazonaws.com:amr': ['unauthenticated'] }],
  ])('Cognito is denied for %s', async (_what, change) => {
    expect(await cognito('sts:AssumeRoleWithWebIdentity', { ...cognitoContext, ...change })).toBe(
      'ImplicitlyDenied',
    );
    expect(await cognito('sts:TagSession', { ...cognitoContext, ...change })).toBe('ImplicitlyDenied');
  });

  const untagged = Object.fromEntries(Object.entries(cognitoContext).filter(([key]) => !key.includes('Tag')));
  test.each([
    ['without the okta_sub tag', untagged],
    [
      'with an extra tag',
      { ...cognitoContext, 'aws:RequestTag/admin': 'true', 'aws:TagKeys': ['okta_sub', 'admin'] },
    ],
  ])('TagSession is denied %s', async (_what, context) => {
    expect(await cognito('sts:AssumeRoleWithWebIdentity', context)).toBe('Allowed');
    expect(await cognito('sts:TagSession', context)).toBe('ImplicitlyDenied');
  });

  test('amr is evaluated with all its values, not only the first (the simulator keeps one)', async () => {
    const context = { ...cognitoContext, 'cognito-identity.amazonaws.com:amr': [ISSUER, 'authenticated'] };
    const raw = await runSimulation(
      {
        request: {
          principal: 'cognito-identity.amazonaws.com',
          action: 'sts:AssumeRoleWithWebIdentity',
          resource: { resource: ROLE, accountId: ACCOUNT },
          contextVariables: context,
        },
        identityPolicies: [],
        resourcePolicy: cognitoTrust,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    expect(raw).toMatchObject({ overallResult: 'ImplicitlyDenied', result: { ignoredContextKeys: [] } });

    const outcome = await simulateTrust({
      trustPolicy: cognitoTrust,
      action: 'sts:AssumeRoleWithWebIdentity',
      principal: 'cognito-identity.amazonaws.com',
      roleArn: ROLE,
      context,
    });
    expect(outcome).toEqual({
      decision: 'Allowed',
      engine: 'unvalidated',
      reevaluatedKeys: ['cognito-identity.amazonaws.com:amr'],
    });
  });

  const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
  const oidcTrust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${ISSUER}:aud`]: ['spa-client', 'native-client'] } },
      },
    ],
  };
  const oidc = (principal: string, aud: string) =>
    decideTrust({
      trustPolicy: oidcTrust,
      action: 'sts:AssumeRoleWithWebIdentity',
      principal,
      roleArn: ROLE,
      context: { [`${ISSUER}:aud`]: aud, [`${ISSUER}:sub`]: A },
    });

  test('OIDC web identity: allowed for a configured client id from the provider', async () => {
    expect(await oidc(PROVIDER, 'native-client')).toBe('Allowed');
  });

  test('OIDC web identity: denied for another client id or another provider', async () => {
    expect(await oidc(PROVIDER, 'other-client')).toBe('ImplicitlyDenied');
    expect(await oidc(`arn:aws:iam::${ACCOUNT}:oidc-provider/evil.example`, 'native-client')).toBe(
      'ImplicitlyDenied',
    );
  });

  test('sts:AssumeRole with session tags, from the one role the trust policy names', async () => {
    const trustPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Caller` },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { StringLike: { 'aws:RequestTag/okta_sub': '?*' } },
        },
      ],
    };
    const tagged = { 'aws:RequestTag/okta_sub': A, 'aws:TagKeys': ['okta_sub'] };
    const from = (caller: string, context: Record<string, string | string[]>) =>
      decideTrust({
        trustPolicy,
        action: 'sts:TagSession',
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${caller}/fn`,
        roleArn: ROLE,
        context,
      });
    expect(await from('Caller', tagged)).toBe('Allowed');
    expect(await from('Caller', {})).toBe('ImplicitlyDenied');
    expect(await from('Other', tagged)).toBe('ImplicitlyDenied');
  });
});
