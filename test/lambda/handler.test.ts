import {
  createHandler,
  dependenciesFromEnvironment,
  handler,
  HandlerDeps,
  RequestLog,
} from '../../lambda/presign/handler';
import { CallerStorage, s3Storage } from '../../lambda/presign/s3';
import {
  ALICE,
  ALLOWED_ORIGIN,
  apiEvent,
  CLIENT_ID,
  parse,
  presignConfig,
  RequestOptions,
} from './support/fakes';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const NOW = new Date('2026-03-04T05:06:07.000Z');
const SESSION = {
  accessKeyId: 'ASIASECRETKEYID00001',
  secretAccessKey: 'very-secret-access-key',
  sessionToken: 'very-secret-session-token',
  expiration: new Date(NOW.getTime() + 3600_000),
};

function setup(overrides: Partial<HandlerDeps> = {}, storage: Partial<CallerStorage> = {}) {
  const config = presignConfig();
  const logs: RequestLog[] = [];
  const sessionsFor: string[] = [];
  const signer = s3Storage({ bucket: config.bucketName, region: config.region })(SESSION);
  const invoke = createHandler({
    config,
    now: () => NOW,
    newId: () => ID,
    credentialsFor: async (sub) => {
      sessionsFor.push(sub);
      return SESSION;
    },
    storageFor: () => ({ ...signer, ...storage }),
    log: (line) => logs.push(line),
    ...overrides,
  });
  const call = async (options: RequestOptions) => parse(await invoke(apiEvent(options)));
  return { call, logs, sessionsFor };
}

const uploadRequest = (body: unknown, headers?: Record<string, string>): RequestOptions => ({
  method: 'POST',
  resource: '/uploads',
  sub: ALICE,
  body,
  headers,
});

describe('presign handler', () => {
  it('returns a PUT URL that signs the headers the client must send', async () => {
    const { call } = setup();
    const checksum = Buffer.alloc(32, 7).toString('base64');
    const { status, body } = await call(
      uploadRequest({ fileName: 'a.txt', contentType: 'text/plain', size: 12, checksumSha256: checksum }),
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      key: `users/${ALICE}/${ID}/a.txt`,
      method: 'PUT',
      url: expect.stringMatching(/^https:\/\/user-files-test\.s3\.eu-west-1\.amazonaws\.com\/users\//),
      headers: { 'content-type': 'text/plain', 'content-length': '12', 'x-amz-checksum-sha256': checksum },
      expiresAt: '2026-03-04T05:11:07.000Z',
    });
    const query = new URL(body.url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;x-amz-checksum-sha256');
    expect(query.get('X-Amz-Expires')).toBe('300');
    expect(query.get('X-Amz-Date')).toBe('20260304T050607Z');
    expect(query.get('X-Amz-Credential')).toBe('ASIASECRETKEYID00001/20260304/eu-west-1/s3/aws4_request');
    expect(query.has('x-amz-checksum-crc32')).toBe(false);
    expect(query.has('x-amz-sdk-checksum-algorithm')).toBe(false);
  });

  it.each([
    ['an unknown resource', { method: 'GET', resource: '/admin' }, 404],
    ['a known resource with another method', { method: 'GET', resource: '/uploads' }, 404],
    ['an Object.prototype name', { method: 'GET', resource: 'constructor' }, 404],
    ['no authorizer', { ...uploadRequest({}), sub: null }, 401],
    ['a spoofed sub', { ...uploadRequest({}), sub: '00uA/../00uB' }, 403],
    [
      'a token whose username disagrees with its identities entry',
      { ...uploadRequest({}), sub: ALICE, claimChanges: { 'cognito:username': 'mallory' } },
      403,
    ],
    ['an access token', { ...uploadRequest({}), claimChanges: { token_use: 'access' } }, 403],
    [
      'a second Authorization header',
      { ...uploadRequest({}), authorization: ['Bearer a.b.c', 'Bearer d.e.f'] },
      401,
    ],
    ['claims that disagree with the token', { ...uploadRequest({}), claimOverrides: { jti: 'other' } }, 401],
    ['a bad body', uploadRequest([1]), 400],
    [
      'a name with nothing usable left',
      uploadRequest({ fileName: '/\u202E/', contentType: 'a/b', size: 1 }),
      400,
    ],
    ['a size over the cap', uploadRequest({ fileName: 'a', contentType: 'a/b', size: 2 ** 30 }), 413],
    ['a form body', uploadRequest({}, { 'Content-Type': 'multipart/form-data' }), 415],
    [
      'a foreign download key',
      { method: 'POST', resource: '/downloads', sub: ALICE, body: { key: 'users/00uB/x' } },
      404,
    ],
    ['a bad page token', { method: 'GET', resource: '/files', sub: ALICE, query: { nextToken: '**' } }, 400],
  ])('refuses %s with %i, before asking STS for a session', async (_name, options, status) => {
    const { call, sessionsFor } = setup();
    const response = await call(options as RequestOptions);
    expect(response.status).toBe(status);
    expect(Object.keys(response.body).sort()).toEqual(['error', 'message']);
    expect(sessionsFor).toEqual([]);
  });

  it('returns a GET URL that makes the download an attachment, under the signature', async () => {
    const key = `users/${ALICE}/${ID}/page (1)*'é.html`;
    const { call } = setup({}, { exists: async () => true });
    const { status, body } = await call({
      method: 'POST',
      resource: '/downloads',
      sub: ALICE,
      body: { key },
    });
    expect(status).toBe(200);
    const url = new URL(body.url);
    expect(decodeURIComponent(url.pathname.slice(1))).toBe(key);
    expect(url.searchParams.get('response-content-disposition')).toBe(
      "attachment; filename*=UTF-8''page%20%281%29%2A%27%C3%A9.html",
    );
    // Query parameters are part of the SigV4 canonical request, so S3 refuses a changed value.
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.has('X-Amz-Signature')).toBe(true);
  });

  it('logs a refused impersonation without any claimed identity', async () => {
    const { call, logs } = setup();
    const response = await call({
      method: 'GET',
      resource: '/files',
      sub: ALICE,
      claimChanges: { 'cognito:username': 'mallory' },
    });
    expect(response.body).toEqual({ error: 'Forbidden', message: expect.any(String) });
    expect(logs).toEqual([expect.objectContaining({ route: 'GET /files', status: 403 })]);
    expect(JSON.stringify([logs, response.body])).not.toMatch(/mallory|00uAlice/);
  });

  it('turns an STS failure into a generic 500 and logs only its name', async () => {
    const failure = Object.assign(new Error('User arn:aws:sts::1:assumed-role/x is not authorized'), {
      name: 'AccessDenied',
    });
    const { call, logs } = setup({ credentialsFor: () => Promise.reject(failure) });
    const response = await call({ method: 'GET', resource: '/files', sub: ALICE });
    expect(response).toMatchObject({
      status: 500,
      body: { error: 'InternalError', message: 'The request could not be completed' },
    });
    expect(logs[0]).toMatchObject({ status: 500, fault: { dependency: 'sts', name: 'AccessDenied' } });
    expect(JSON.stringify(logs)).not.toContain('arn:');
  });

  it('treats an S3 failure on listing as a server fault, not a bad token', async () => {
    const s3Down = Object.assign(new Error('slow down'), {
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
    const { call } = setup({}, { list: () => Promise.reject(s3Down) });
    const response = await call({
      method: 'GET',
      resource: '/files',
      sub: ALICE,
      query: { nextToken: 'YWJj' },
    });
    expect(response.status).toBe(503);
  });

  it('logs one entry per request, without URLs or credentials', async () => {
    const { call, logs } = setup();
    const response = await call(uploadRequest({ fileName: 'a.txt', contentType: 'text/plain', size: 1 }));
    expect(response.body.url).toContain('X-Amz-Signature=');
    await call({ method: 'GET', resource: '/nowhere', sub: ALICE });
    expect(logs).toHaveLength(2);
    expect(logs[0]).toEqual({
      route: 'POST /uploads',
      status: 200,
      sub: ALICE,
      key: response.body.key,
      latencyMs: expect.any(Number),
      requestId: 'request-1',
    });
    expect(logs[1]).toMatchObject({ route: 'unmatched', status: 404 });
    const everything = JSON.stringify(logs);
    for (const secret of [
      'X-Amz-Signature',
      'https:',
      SESSION.accessKeyId,
      SESSION.sessionToken,
      SESSION.secretAccessKey,
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('allows the configured origins only, on successes and errors alike', async () => {
    const { call } = setup();
    const upload = (origin: string, size: number) =>
      call(
        uploadRequest(
          { fileName: 'a', contentType: 'a/b', size },
          { 'content-type': 'application/json', Origin: origin },
        ),
      );
    for (const size of [1, 2 ** 30]) {
      expect((await upload(ALLOWED_ORIGIN, size)).headers).toMatchObject({
        'Access-Control-Allow-Origin': ALLOWED_ORIGIN,
        Vary: 'Origin',
      });
      const other = await upload('https://evil.example', size);
      expect(other.headers).toMatchObject({ Vary: 'Origin' });
      expect(other.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    }
  });
});

describe('Lambda entry point', () => {
  const ENV = {
    BUCKET_NAME: 'user-files-test',
    PRESIGN_ROLE_ARN: 'arn:aws:iam::123456789012:role/presign',
    URL_EXPIRY_SECONDS: '300',
    MAX_UPLOAD_BYTES: '1024',
    LIST_PAGE_SIZE: '10',
    ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    IDENTITY_PROVIDER_NAME: 'Okta',
    ALLOWED_CLIENT_IDS: CLIENT_ID,
    AWS_REGION: 'eu-west-1',
    // Should a request ever reach STS here, it must not leave the machine.
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
  };

  it('refuses to start on a bad environment, naming every bad variable', () => {
    expect(() =>
      dependenciesFromEnvironment({
        ...ENV,
        BUCKET_NAME: undefined,
        LIST_PAGE_SIZE: '0',
        IDENTITY_PROVIDER_NAME: undefined,
      }),
    ).toThrow(/BUCKET_NAME.*LIST_PAGE_SIZE.*IDENTITY_PROVIDER_NAME/);
  });

  it('builds itself from the environment and answers requests that need no session', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, ENV);
    const logged: unknown[] = [];
    const spy = vi.spyOn(console, 'info').mockImplementation((entry: unknown) => void logged.push(entry));
    const tooBig = () => handler(apiEvent(uploadRequest({ fileName: 'a', contentType: 'a/b', size: 1025 })));
    try {
      expect(parse(await tooBig()).status).toBe(413);
      process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON'; // Lambda's runtime then serializes the object itself
      await tooBig();
      const entry = { route: 'POST /uploads', status: 413, sub: ALICE };
      expect(JSON.parse(logged[0] as string)).toMatchObject(entry);
      expect(logged[1]).toMatchObject(entry);
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
  });
});
