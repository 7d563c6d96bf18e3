import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { fromCognitoIdentityPool, fromWebToken } from '@aws-sdk/credential-providers';
import { stripBucketSlash } from '../../emulator/services/s3-server';
import { TEST_CLIENT_IDS } from '../support/config';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';

/**
 * How a product user reaches the store on each route, against a running local stack: the SDK's own
 * credential providers (routes 1 and 2) and the presign API (route 3). The stack is read when a
 * route is used, so these can be built before `beforeAll` starts it.
 */
export interface JourneyEnvironment {
  readonly stack: LocalStack;
  readonly okta: OidcIssuer;
  /** The web-identity role's ARN, as the client configuration gives it to a route-2 client. */
  readonly webIdentityRoleArn: string;
}

const [SPA_CLIENT, NATIVE_CLIENT] = TEST_CLIENT_IDS;

export function journeyRoutes(environment: () => JourneyEnvironment) {
  /**
   * The Okta directory's group memberships as the okta_teams claim (`:finance=rw:`) by sub; a user
   * in no configured group gets `:`, as the README's Okta expression writes it.
   */
  const teams = new Map<string, string>();
  const oktaToken = (sub: string, aud: string) =>
    environment().okta.mintIdToken({
      sub,
      aud,
      email: `${sub}@test.example`,
      okta_teams: teams.get(sub) ?? ':',
    });

  /** An S3 client as a product user builds it, pointed at the local S3. */
  function s3With(credentials: S3ClientConfig['credentials']): S3Client {
    const { stack } = environment();
    const client = new S3Client({
      region: stack.model.region,
      endpoint: stack.s3.url,
      forcePathStyle: true,
      credentials,
    });
    stripBucketSlash(client); // s3rver's path canonicalization, not a client behaviour (see local-s3.ts)
    return client;
  }

  /** Route 1: the SDK's own fromCognitoIdentityPool (GetId, GetCredentialsForIdentity). */
  async function route1(sub: string, aud = SPA_CLIENT): Promise<S3Client> {
    const { stack } = environment();
    const token = await oktaToken(sub, aud);
    return s3With(
      fromCognitoIdentityPool({
        identityPoolId: stack.model.identityPool.id,
        logins: { [stack.model.oidcProviders[0].name]: token },
        clientConfig: { region: stack.model.region, endpoint: stack.cognitoIdentity.url },
      }),
    );
  }

  /** Route 2: the SDK's own fromWebToken (STS AssumeRoleWithWebIdentity). */
  async function route2(sub: string, aud = NATIVE_CLIENT): Promise<S3Client> {
    const { stack, webIdentityRoleArn } = environment();
    return s3With(
      fromWebToken({
        roleArn: webIdentityRoleArn,
        webIdentityToken: await oktaToken(sub, aud),
        roleSessionName: `okta-${sub}`,
        clientConfig: { region: stack.model.region, endpoint: stack.sts.url },
      }),
    );
  }

  /** Route 3: signed in at the user pool (federating the local Okta), calling the presign API. */
  async function route3(sub: string) {
    const { stack } = environment();
    let idToken = await stack.userPool.signIn(await oktaToken(sub, stack.userPool.oktaClientId));
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack.api.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${idToken}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    return {
      call,
      /** A new ID token after the user changed their attributes (a refresh-token grant). */
      refresh: () => (idToken = stack.userPool.idTokenFor(sub)),
      upload: async (fileName: string, bytes: Buffer) => {
        const presigned = await call('POST', '/uploads', {
          fileName,
          contentType: 'application/octet-stream',
          size: bytes.length,
        });
        expect(presigned.status).toBe(200);
        const put = await fetch(presigned.body.url, {
          method: 'PUT',
          body: new Uint8Array(bytes),
          headers: { 'content-type': presigned.body.headers['content-type'] },
        });
        expect(put.status).toBe(200);
        return presigned.body.key as string;
      },
      download: async (key: string) => {
        const presigned = await call('POST', '/downloads', { key });
        if (presigned.status !== 200) return { status: presigned.status };
        const got = await fetch(presigned.body.url);
        return { status: got.status, bytes: Buffer.from(await got.arrayBuffer()) };
      },
      listKeys: async () => {
        const page = await call('GET', '/files');
        expect(page.status).toBe(200);
        return (page.body.files as { key: string }[]).map((f) => f.key);
      },
    };
  }

  /** The object's bytes, read with the given client. */
  async function bytesOf(client: S3Client, key: string): Promise<Buffer> {
    const { stack } = environment();
    const got = await client.send(new GetObjectCommand({ Bucket: stack.model.bucketName, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  }

  /**
   * Every S3 request a route-1 or route-2 client can make on a key: what S3 answered, and what the
   * front's IAM evaluation decided (so a refusal is IAM's, not a side effect).
   */
  async function attemptsOn(client: S3Client, key: string, prefix: string) {
    const { stack } = environment();
    const Bucket = stack.model.bucketName;
    const before = stack.s3.decisions.length;
    const answers = {
      get: await outcome(() => client.send(new GetObjectCommand({ Bucket, Key: key }))),
      put: await outcome(() => client.send(new PutObjectCommand({ Bucket, Key: key, Body: 'overwritten' }))),
      delete: await outcome(() => client.send(new DeleteObjectCommand({ Bucket, Key: key }))),
      list: await outcome(() => client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }))),
    };
    const decided = stack.s3.decisions.slice(before).map((d) => `${d.action} ${d.decision}`);
    return { ...answers, decided };
  }

  return { teams, oktaToken, s3With, route1, route2, route3, bytesOf, attemptsOn };
}

/** `attemptsOn` for a client IAM refuses everything: S3's 403s, and the front's own decisions. */
export const REFUSED_BY_IAM = {
  get: 'AccessDenied 403',
  put: 'AccessDenied 403',
  delete: 'AccessDenied 403',
  list: 'AccessDenied 403',
  decided: [
    's3:GetObject ImplicitlyDenied',
    's3:PutObject ImplicitlyDenied',
    's3:DeleteObject ImplicitlyDenied',
    's3:ListBucket ImplicitlyDenied',
  ],
};

/** What S3 answered: 'ok' or the error code and HTTP status. */
export async function outcome(request: () => Promise<unknown>): Promise<string> {
  try {
    await request();
    return 'ok';
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return `${e.name} ${e.$metadata?.httpStatusCode}`;
  }
}
