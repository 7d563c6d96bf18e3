import { Readable } from 'stream';
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { CheckResult } from '../../cli/verify/check';
import { Outputs, stackOutputs } from '../../cli/verify/outputs';
import { PRESIGN_PROBE_FILE, presignProbe } from '../../cli/verify/probes/presign';
import { federatedUserId } from '../../cli/verify/probes/token';
import { identityPoolProbe, webIdentityProbe } from '../../cli/verify/probes/web-identity';
import { postEncryptionProbe } from '../../cli/verify/probes/post-encryption';
import { testClients } from './deployed';
import { authorize, proxyEvent } from '../../emulator/model/apigateway-cognito-authorizer';
import { ALICE, callerToken, CLIENT_ID, METHOD_AUTHORIZATION, PROVIDER } from '../lambda/support/fakes';
import { callerSub } from '../../lambda/presign/identity';
import outputsFile from '../scripts/fixtures/outputs.json';

const o: Outputs = stackOutputs(outputsFile, 'OktaS3Storage-prod').outputs;
const SUB = '00uAAAAAAAAAAAAAAAA1';
const TOKEN = 'header.payload.signature';
const $metadata = { httpStatusCode: 200 };
const ROUTE_KEY = {
  accessKeyId: 'ASIAROUTEROUTEROUTE1',
  secretAccessKey: 'route-secret',
  sessionToken: 'route-session',
};

const s3 = mockClient(S3Client);
const cognito = mockClient(CognitoIdentityClient);
const sts = mockClient(STSClient);
afterEach(() => {
  s3.reset();
  cognito.reset();
  sts.reset();
});
afterAll(() => {
  s3.restore();
  cognito.restore();
  sts.restore();
});

const accessDenied = () =>
  new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'Access Denied',
    $metadata: { httpStatusCode: 403 },
  });

/**
 * An S3 that enforces the design: requests signed with the route's session key may touch only
 * `users/<SUB>/` (the verifier's own key gets nothing); anything else is AccessDenied, as S3 answers
 * an IAM denial (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
function enforcingS3(allowedPrefix = `users/${SUB}/`) {
  const objects = new Map<string, string>();
  const authorize = async (key: string, getClient: () => S3Client) => {
    const credentials = await getClient().config.credentials();
    if (credentials.accessKeyId !== ROUTE_KEY.accessKeyId || !key.startsWith(allowedPrefix))
      throw accessDenied();
  };
  s3.on(PutObjectCommand).callsFake(async (input, getClient) => {
    await authorize(input.Key, getClient);
    objects.set(input.Key, String(input.Body));
    return { $metadata, ETag: '"etag"', VersionId: 'v1' };
  });
  s3.on(ListObjectsV2Command).callsFake(async (input, getClient) => {
    await authorize(input.Prefix, getClient);
    const keys = [...objects.keys()].filter((k) => k.startsWith(input.Prefix));
    return {
      $metadata,
      Name: input.Bucket,
      Prefix: input.Prefix,
      KeyCount: keys.length,
      MaxKeys: 1000,
      IsTruncated: false,
      Contents: keys.map((Key) => ({
        Key,
        Size: objects.get(Key)!.length,
        ETag: '"etag"',
        LastModified: new Date(),
        StorageClass: 'STANDARD',
      })),
    };
  });
  s3.on(GetObjectCommand).callsFake(async (input, getClient) => {
    await authorize(input.Key, getClient);
    const body = objects.get(input.Key);
    if (body === undefined)
      throw new S3ServiceException({
        name: 'NoSuchKey',
        $fault: 'client',
        message: 'no',
        $metadata: { httpStatusCode: 404 },
      });
    return { $metadata, ContentType: 'text/plain', Body: sdkStreamMixin(Readable.from([Buffer.from(body)])) };
  });
  s3.on(DeleteObjectCommand).callsFake(async (input, getClient) => {
    await authorize(input.Key, getClient);
    objects.delete(input.Key);
    return { $metadata, DeleteMarker: true, VersionId: 'marker' };
  });
  return objects;
}

const expiration = new Date('2030-01-01T00:00:00Z');
const statuses = (rows: CheckResult[]) => rows.map((r) => [r.check, r.status]);

describe('route 1 probe', () => {
  const signIn = () => {
    cognito
      .on(GetIdCommand)
      .resolves({ $metadata, IdentityId: 'eu-west-1:11111111-2222-3333-4444-555555555555' });
    cognito.on(GetCredentialsForIdentityCommand).resolves({
      $metadata,
      IdentityId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
      Credentials: {
        AccessKeyId: ROUTE_KEY.accessKeyId,
        SecretKey: ROUTE_KEY.secretAccessKey,
        SessionToken: ROUTE_KEY.sessionToken,
        Expiration: expiration,
      },
    });
  };

  test('credentials, put, list, get, delete on the own prefix; the neighbour prefix AccessDenied; nothing left', async () => {
    signIn();
    const objects = enforcingS3();
    const rows = await identityPoolProbe(testClients(formPosts('stored').fetchFn), o, TOKEN, SUB);
    expect(statuses(rows)).toEqual([
      ['probe.route1.credentials', 'PASS'],
      ['probe.route1.put', 'PASS'],
      ['probe.route1.list', 'PASS'],
      ['probe.route1.get', 'PASS'],
      ['probe.route1.delete', 'PASS'],
      ['probe.route1.other-prefix', 'PASS'],
      ['probe.route1.post-encryption', 'SKIP'], // this outputs file has no BucketEncryption
    ]);
    expect(objects.size).toBe(0);
    expect(rows[4].found).toContain('versions and delete markers remain');
    // The Logins key is the issuer's host and path; the token goes to both calls.
    expect(cognito.commandCalls(GetIdCommand)[0].args[0].input).toEqual({
      IdentityPoolId: o.IdentityPoolId,
      Logins: { 'example.okta.com/oauth2/default': TOKEN },
    });
    expect(cognito.commandCalls(GetCredentialsForIdentityCommand)[0].args[0].input.Logins).toEqual({
      'example.okta.com/oauth2/default': TOKEN,
    });
  });

  test('an access token: FAIL naming the access-token row of the troubleshooting table', async () => {
    cognito.on(GetIdCommand).rejects(
      new NotAuthorizedException({
        message: 'Invalid login token. Missing a required claim: aud',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const [row, ...rest] = await identityPoolProbe(testClients(), o, TOKEN, SUB);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ check: 'probe.route1.credentials', status: 'FAIL' });
    expect(row.finding).toContain('an Okta access token was sent instead of the ID token');
  });

  test('a session without the principal tag: own-prefix put FAILs with the principal-tag cause', async () => {
    signIn();
    enforcingS3('users/${aws:PrincipalTag/okta_sub}/'); // an untagged session matches no real key
    const rows = await identityPoolProbe(testClients(), o, TOKEN, SUB);
    const put = rows.find((r) => r.check === 'probe.route1.put')!;
    expect(put.status).toBe('FAIL');
    expect(put.finding).toContain('principal-tag map is missing or names another provider');
  });

  test('a write into the neighbour prefix that succeeds: FAIL, and the object is removed', async () => {
    signIn();
    const objects = enforcingS3(`users/${SUB}`); // the slash after the key is missing
    const rows = await identityPoolProbe(testClients(), o, TOKEN, SUB);
    expect(rows.find((r) => r.check === 'probe.route1.other-prefix')).toMatchObject({
      status: 'FAIL',
      found: 'stored (then deleted)',
    });
    expect(objects.size).toBe(0);
  });
});

/**
 * S3 answering a browser POST form: `refused` is the bucket policy's 403; `stored` keeps the object
 * under the algorithm the form named, or under `storedAs` (what HeadObject then reports).
 */
function formPosts(answer: 'refused' | 'stored', storedAs?: string) {
  const forms: FormData[] = [];
  const fetchFn = (async (_url: string, init: RequestInit = {}) => {
    const form = init.body as FormData;
    forms.push(form);
    if (answer === 'refused')
      return new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
    const algorithm = storedAs ?? String(form.get('x-amz-server-side-encryption'));
    s3.on(HeadObjectCommand, { Key: String(form.get('key')) }).resolves({
      $metadata,
      ServerSideEncryption: algorithm as never,
    });
    s3.on(DeleteObjectCommand, { Key: String(form.get('key')) }).resolves({ $metadata, DeleteMarker: true });
    return new Response(null, { status: 204 });
  }) as typeof fetch;
  return { fetchFn, forms };
}

describe('POST form encryption probe (routes 1 and 2)', () => {
  const KMS = 'arn:aws:kms:eu-west-1:123456789012:key/k';
  const routeS3 = () => new S3Client({ region: 'eu-west-1', credentials: ROUTE_KEY });
  const probe = (fetchFn: typeof fetch, encryption: string | undefined) =>
    postEncryptionProbe('route1', routeS3(), fetchFn, o.BucketName, SUB, encryption);

  test('posts a form under the own prefix naming AES256, signed for exactly that field', async () => {
    const posts = formPosts('refused');
    await probe(posts.fetchFn, KMS);
    const [form] = posts.forms;
    expect(String(form.get('key'))).toMatch(
      new RegExp(`^users/${SUB}/okta-s3-storage-verify/.+-post\\.txt$`),
    );
    expect(form.get('x-amz-server-side-encryption')).toBe('AES256');
    const policy = JSON.parse(Buffer.from(String(form.get('Policy')), 'base64').toString());
    expect(policy.conditions).toEqual(expect.arrayContaining([{ 'x-amz-server-side-encryption': 'AES256' }]));
  });

  test('an SSE-KMS bucket whose policy refuses the form: PASS', async () => {
    expect(await probe(formPosts('refused').fetchFn, KMS)).toMatchObject({
      status: 'PASS',
      found: expect.stringContaining('403'),
    });
  });

  test('an SSE-KMS bucket that stores the form as AES256: FAIL, the policy does not see form fields; the object is deleted', async () => {
    const row = await probe(formPosts('stored').fetchFn, KMS);
    expect(row).toMatchObject({ status: 'FAIL', found: expect.stringContaining('stored as AES256') });
    expect(row.finding).toContain('did not see the form field');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  test('an SSE-KMS bucket that stores it under its own key after all: PASS', async () => {
    expect(await probe(formPosts('stored', 'aws:kms').fetchFn, KMS)).toMatchObject({ status: 'PASS' });
  });

  test('an SSE-S3 bucket: PASS, saying it cannot tell', async () => {
    expect(await probe(formPosts('stored').fetchFn, 'SSE-S3')).toMatchObject({
      status: 'PASS',
      found: expect.stringContaining('cannot show'),
    });
  });

  test('another answer from S3: FAIL', async () => {
    const fetchFn = (async () => new Response('', { status: 400 })) as unknown as typeof fetch;
    expect(await probe(fetchFn, KMS)).toMatchObject({ status: 'FAIL', found: 'HTTP 400' });
  });
});

describe('route 2 probe', () => {
  test('AssumeRoleWithWebIdentity on the stack role, then the object probe', async () => {
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({
      $metadata,
      Credentials: {
        AccessKeyId: ROUTE_KEY.accessKeyId,
        SecretAccessKey: ROUTE_KEY.secretAccessKey,
        SessionToken: ROUTE_KEY.sessionToken,
        Expiration: expiration,
      },
      SubjectFromWebIdentityToken: SUB,
      AssumedRoleUser: {
        AssumedRoleId: 'AROAEXAMPLE:okta-s3-storage-verify',
        Arn: `${o.WebIdentityRoleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/okta-s3-storage-verify`,
      },
      Provider: 'example.okta.com/oauth2/default',
      Audience: '0oaEXAMPLEspa0000000',
    });
    enforcingS3();
    const kmsBucket = { ...o, BucketEncryption: 'arn:aws:kms:eu-west-1:123456789012:key/k' };
    const posts = formPosts('refused');
    const rows = await webIdentityProbe(testClients(posts.fetchFn), kmsBucket, TOKEN, SUB);
    expect(rows.every((r) => r.status === 'PASS')).toBe(true);
    expect(rows.map((r) => r.check).slice(-1)).toEqual(['probe.route2.post-encryption']);
    expect(rows).toHaveLength(7);
    // The form was signed with the route's session, not the verifier's own key.
    expect(posts.forms[0].get('X-Amz-Credential')).toMatch(new RegExp(`^${ROUTE_KEY.accessKeyId}/`));
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0].args[0].input).toMatchObject({
      RoleArn: o.WebIdentityRoleArn,
      WebIdentityToken: TOKEN,
    });
  });

  test('a token for another client: FAIL naming the route-2 audience row', async () => {
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const [row] = await webIdentityProbe(testClients(), o, TOKEN, SUB);
    expect(row.status).toBe('FAIL');
    expect(row.finding).toContain("the token's aud is not a configured client id");
  });
});

describe('route 3 probe', () => {
  /**
   * The presign API and S3 behind fetch, as the README documents them: POST /uploads returns
   * `{key, method, url, headers, expiresAt}`, POST /downloads `{key, method, url, expiresAt}` for the
   * caller's own object and 404 otherwise.
   */
  function presignApi(
    overrides: {
      uploadStatus?: number;
      putStatus?: number;
      foreignDownload?: number;
      keySub?: string;
      /** Who the API takes the caller to be, from the request's Authorization header; a Response refuses. */
      callerOf?: (authorization: string | null, path: string, body: string) => string | Response;
    } = {},
  ) {
    const stored = new Map<string, string>();
    let signed: Record<string, string> = {};
    let key = `users/${overrides.keySub ?? SUB}/6f1c1c9e-0000-4000-8000-000000000000/${PRESIGN_PROBE_FILE}`;
    const s3Url = (k: string) =>
      `https://${o.BucketName}.s3.eu-west-1.amazonaws.com/${k}?X-Amz-Signature=abc`;
    const fetchFn = (async (url: string, init: RequestInit = {}) => {
      const json = (status: number, body: unknown) =>
        new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
      if (overrides.callerOf && url.startsWith(o.ApiUrl)) {
        const caller = overrides.callerOf(
          new Headers(init.headers).get('authorization'),
          url.slice(o.ApiUrl.length - 1),
          String(init.body),
        );
        if (caller instanceof Response) return caller;
        key = `users/${caller}/6f1c1c9e-0000-4000-8000-000000000000/${PRESIGN_PROBE_FILE}`;
        const wanted = url.endsWith('downloads') ? JSON.parse(String(init.body)).key : key;
        if (!String(wanted).startsWith(`users/${caller}/`))
          return json(404, { error: 'NotFound', message: 'Not found' });
      }
      if (url === `${o.ApiUrl}uploads`) {
        if (overrides.uploadStatus)
          return json(overrides.uploadStatus, { error: 'Unauthorized', message: 'Unauthorized' });
        const request = JSON.parse(String(init.body));
        signed = { 'content-type': request.contentType, 'content-length': String(request.size) };
        return json(200, {
          key,
          method: 'PUT',
          url: s3Url(key),
          headers: signed,
          expiresAt: '2030-01-01T00:00:00Z',
        });
      }
      if (url === `${o.ApiUrl}downloads`) {
        const wanted = JSON.parse(String(init.body)).key;
        if (stored.has(wanted))
          return json(200, {
            key: wanted,
            method: 'GET',
            url: s3Url(wanted),
            expiresAt: '2030-01-01T00:00:00Z',
          });
        return json(overrides.foreignDownload ?? 404, { error: 'NotFound', message: 'Not found' });
      }
      const k = decodeURIComponent(new URL(url).pathname.slice(1));
      if (init.method === 'PUT') {
        // S3 refuses a presigned PUT whose signed headers differ from the request's.
        const sent = new Headers(init.headers);
        const differs = Object.entries(signed).some(([name, value]) => sent.get(name) !== value);
        if (differs || Buffer.byteLength(String(init.body)) !== Number(signed['content-length']))
          return new Response('<Error><Code>SignatureDoesNotMatch</Code></Error>', { status: 403 });
        if (overrides.putStatus)
          return new Response('<Error><Code>SignatureDoesNotMatch</Code></Error>', {
            status: overrides.putStatus,
          });
        stored.set(k, String(init.body));
        return new Response('', { status: 200 });
      }
      return new Response(stored.get(k) ?? '', { status: stored.has(k) ? 200 : 404 });
    }) as typeof fetch;
    return { fetchFn, key };
  }

  test('upload URL under the Okta sub, PUT, download URL, same bytes, neighbour refused, probe deleted', async () => {
    const { fetchFn, key } = presignApi();
    s3.on(DeleteObjectCommand).resolves({ $metadata, DeleteMarker: true });
    const rows = await presignProbe(testClients(fetchFn), o, TOKEN, SUB);
    expect(statuses(rows)).toEqual([
      ['probe.route3.upload-url', 'PASS'],
      ['probe.route3.put', 'PASS'],
      ['probe.route3.download-url', 'PASS'],
      ['probe.route3.get', 'PASS'],
      ['probe.route3.other-prefix', 'PASS'],
      ['probe.route3.cleanup', 'PASS'],
    ]);
    expect(s3.commandCalls(DeleteObjectCommand)[0].args[0].input).toEqual({ Bucket: o.BucketName, Key: key });
  });

  /**
   * The probe with a token shaped as Cognito issues it to a user federated from Okta
   * (emulator/model/cognito-id-token.ts), through the REST Cognito authorizer model and the
   * Lambda's own `callerSub`: the probe's header passes the authorizer, and the Lambda names the
   * same Okta user whose prefix the probe expects.
   */
  const throughAuthorizerAndLambda = (authorization: string | null, path: string, body: string) => {
    const decision = authorize(authorization ?? undefined, METHOD_AUTHORIZATION);
    if (!decision.allowed)
      return new Response('{"error":"Unauthorized","message":"Unauthorized"}', { status: decision.status });
    const event = proxyEvent({
      method: 'POST',
      resource: path,
      headers: [['Authorization', authorization!]],
      body,
      claims: decision.claims,
    });
    try {
      return callerSub(event, { identityProviderName: PROVIDER, allowedClientIds: [CLIENT_ID] });
    } catch {
      return new Response('{"error":"Forbidden","message":"Forbidden"}', { status: 403 });
    }
  };

  test("a Cognito-shaped ID token: the authorizer lets the probe's header through and the Lambda names the probe's user", async () => {
    const token = callerToken(ALICE);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const oktaSub = federatedUserId(claims, o.UserPoolProviderName);
    expect(o.UserPoolProviderName).toBe(PROVIDER);
    expect(oktaSub).toBe(ALICE);
    s3.on(DeleteObjectCommand).resolves({ $metadata, DeleteMarker: true });
    const { fetchFn } = presignApi({ callerOf: throughAuthorizerAndLambda });
    const rows = await presignProbe(testClients(fetchFn), o, token, oktaSub);
    expect(rows.filter((r) => r.status !== 'PASS')).toEqual([]);
    expect(rows[0].found).toMatch(new RegExp(`^users/${ALICE}/`));
  });

  // A method without scopes treats the token as an ID token and answers anything else with 401
  // (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html).
  test('through the same models, an access token is refused by the authorizer: FAIL naming the 401 cause', async () => {
    const access = callerToken(ALICE, { token_use: 'access', identities: undefined });
    const { fetchFn } = presignApi({ callerOf: throughAuthorizerAndLambda });
    const rows = await presignProbe(testClients(fetchFn), o, access, undefined);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ check: 'probe.route3.upload-url', status: 'FAIL' });
    expect(rows[0].finding).toContain('not the access token');
  });

  test('a refused token: FAIL naming the token the API expects', async () => {
    const rows = await presignProbe(testClients(presignApi({ uploadStatus: 401 }).fetchFn), o, TOKEN, SUB);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ check: 'probe.route3.upload-url', status: 'FAIL' });
    expect(rows[0].finding).toContain("pass the user pool's ID token");
  });

  test("a key under someone else's prefix: FAIL", async () => {
    const rows = await presignProbe(
      testClients(presignApi({ keySub: '00uSOMEONEELSE000001' }).fetchFn),
      o,
      TOKEN,
      SUB,
    );
    expect(rows[0].status).toBe('FAIL');
  });

  test('a PUT refused with SignatureDoesNotMatch: FAIL naming the signed-headers row', async () => {
    s3.on(DeleteObjectCommand).resolves({ $metadata });
    const rows = await presignProbe(testClients(presignApi({ putStatus: 403 }).fetchFn), o, TOKEN, SUB);
    const put = rows.find((r) => r.check === 'probe.route3.put')!;
    expect(put.status).toBe('FAIL');
    expect(put.finding).toContain('differs from what was signed');
  });

  test('a download URL for the neighbour prefix: FAIL', async () => {
    s3.on(DeleteObjectCommand).resolves({ $metadata });
    const { fetchFn } = presignApi({ foreignDownload: 200 });
    const rows = await presignProbe(testClients(fetchFn), o, TOKEN, SUB);
    expect(rows.find((r) => r.check === 'probe.route3.other-prefix')?.status).toBe('FAIL');
  });

  test('cleanup the verifier may not do: SKIP naming the key to delete by hand', async () => {
    s3.on(DeleteObjectCommand).rejects(accessDenied());
    const { fetchFn, key } = presignApi();
    const rows = await presignProbe(testClients(fetchFn), o, TOKEN, SUB);
    expect(rows.at(-1)).toMatchObject({ check: 'probe.route3.cleanup', status: 'SKIP' });
    expect(rows.at(-1)!.finding).toContain('delete it by hand');
    expect(rows.at(-1)!.expected).toContain(key);
  });
});

describe('federatedUserId', () => {
  // Cognito's ID token carries `identities` as a JSON array of {userId, providerName, ...}
  // (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html).
  const identities = [
    {
      userId: SUB,
      providerName: 'Okta',
      providerType: 'OIDC',
      issuer: null,
      primary: 'true',
      dateCreated: '1700000000000',
    },
  ];

  test.each([
    ['an array', identities, SUB],
    ['a JSON string', JSON.stringify(identities), SUB],
    ['another provider only', [{ ...identities[0], providerName: 'Google' }], undefined],
    ['no claim', undefined, undefined],
  ])('reads the Okta userId from %s', (_name, claim, expected) => {
    expect(federatedUserId({ identities: claim }, 'Okta')).toBe(expected);
  });
});
