import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PresignConfig } from '../lambda/presign/config';
import { authorizerDateText } from '../lambda/presign/token-binding';

/**
 * A POST to `resource` with a JSON `body` as API Gateway hands it over after the Cognito
 * authorizer: the ID token in the Authorization header (the Lambda checks no signature, so a
 * placeholder one will do) and its claims flattened to strings, `iat` as date text.
 */
export function apiEventFor(resource: string, body: unknown): APIGatewayProxyEvent {
  const iat = Math.floor(Date.now() / 1000);
  const payload = {
    sub: '6f1c2d3e-0000-4000-8000-00000000b1b1',
    aud: 'benchclient0001',
    token_use: 'id',
    'cognito:username': 'Okta_00uBench0000000000b1',
    identities: [
      { userId: '00uBench0000000000b1', providerName: 'Okta', providerType: 'OIDC', primary: 'true' },
    ],
    jti: 'bench-jti',
    iat,
    exp: iat + 3600,
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const authorization = `Bearer ${encode({ alg: 'RS256' })}.${encode(payload)}.c2ln`;
  const { identities, ...flat } = payload;
  void identities;
  return {
    resource,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: authorization },
    multiValueHeaders: { 'Content-Type': ['application/json'], Authorization: [authorization] },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      authorizer: {
        claims: { ...flat, iat: authorizerDateText(iat), exp: authorizerDateText(payload.exp) },
      },
      requestId: 'bench',
    },
  } as unknown as APIGatewayProxyEvent;
}

/** The presign handler's configuration for the bench's caller (client `benchclient0001`). */
export function benchPresignConfig(overrides: Partial<PresignConfig> = {}): PresignConfig {
  return {
    bucketName: 'bench-bucket',
    presignRoleArn: 'arn:aws:iam::123456789012:role/presign',
    urlExpirySeconds: 300,
    maxUploadBytes: 100 * 1024 * 1024,
    maxMultipartUploadBytes: 5 * 1024 ** 3,
    listPageSize: 100,
    allowedOrigins: ['https://files.example.com'],
    region: 'eu-west-1',
    identityProviderName: 'Okta',
    allowedClientIds: ['benchclient0001'],
    usersPrefix: 'users/',
    teamsPrefix: 'teams/',
    teamFolders: [],
    teamMembershipMaxAgeSeconds: 3600,
    ...overrides,
  };
}
