import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentity, fromCognitoIdentityPool, fromWebToken } from '@aws-sdk/credential-providers';
import { resolvedStack } from '../iam/stack-under-test';
import { administratorClient, stripBucketSlash } from '../../emulator/services/s3-server';
import { TEST_CLIENT_IDS } from '../support/config';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { aroundLocalStack } from './around-local-stack';
import type { Session } from '../../emulator/services/sessions';

/*
 * The local endpoints refuse what AWS refuses, for the reasons the template gives. The journeys
 * (test/journeys) show what they allow; these show each refusal and each value taken from the
 * template: principal tags, session lengths, trust conditions, the S3 front's checks.
 */

const { template, ids } = resolvedStack();
const ALICE = '00uAAAAAAAAAAAAAAAA1';
const BOB = '00uBob000000000000b2';
const OTHER_CLIENT = '0oaSOMEOTHERapp00009';

let okta: OidcIssuer;
let stack: LocalStack;

aroundLocalStack(template, (running) => ({ okta, stack } = running));

const token = (sub: string, aud = TEST_CLIENT_IDS[0], claims: Record<string, unknown> = {}) =>
  okta.mintIdToken({ sub, aud, okta_teams: ':', ...claims });

const sessionOf = (accessKeyId: string): Session => {
  const session = stack.sessions.find(accessKeyId);
  if (!session) throw new Error(`no session for ${accessKeyId}`);
  return session;
};

/** The error name the SDK raised, or 'ok'. */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

const cognito = () => ({ region: stack.model.region, endpoint: stack.cognitoIdentity.url });
const provider = () => stack.model.oidcProviders[0].name;

describe('route 1: the local identity pool', () => {
  test('issues a one-hour session of the authenticated role, tagged as the principal-tag map says', async () => {
    const credentials = await fromCognitoIdentityPool({
      identityPoolId: stack.model.identityPool.id,
      logins: { [provider()]: await token(ALICE) },
      clientConfig: cognito(),
    })();
    const session = sessionOf(credentials.accessKeyId);
    expect(session.roleLogicalId).toBe(ids.identityPoolRole);
    // The template's map: okta_sub ← sub, okta_aud ← aud, okta_teams ← okta_teams.
    expect(stack.model.identityPool.principalTags[template.ref(ids.oidcProvider)]).toEqual({
      okta_sub: 'sub',
      okta_aud: 'aud',
      okta_teams: 'okta_teams',
    });
    expect(session.tags).toEqual({ okta_sub: ALICE, okta_aud: TEST_CLIENT_IDS[0], okta_teams: ':' });
    expect(session.context['cognito-identity.amazonaws.com:aud']).toBe(stack.model.identityPool.id);
    const lifetime = credentials.expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
  });

  test('refuses a token for a client the OIDC provider does not list, and a guest', async () => {
    const withLogins = (logins: Record<string, string>) =>
      errorOf(
        fromCognitoIdentityPool({
          identityPoolId: stack.model.identityPool.id,
          logins,
          clientConfig: cognito(),
        })(),
      );
    expect(await withLogins({ [provider()]: await token(ALICE, OTHER_CLIENT) })).toBe(
      'NotAuthorizedException',
    );
    expect(await withLogins({})).toBe('NotAuthorizedException');
    expect(await withLogins({ 'evil.example/oauth2/default': await token(ALICE) })).toBe(
      'NotAuthorizedException',
    );
  });

  // "If the azp parameter is present, check this value against listed client IDs"
  // (https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html).
  test('checks azp before aud: a token whose aud is listed but whose azp is not is refused', async () => {
    const signIn = async (azp: string) =>
      errorOf(
        fromCognitoIdentityPool({
          identityPoolId: stack.model.identityPool.id,
          logins: { [provider()]: await token(ALICE, TEST_CLIENT_IDS[0], { azp }) },
          clientConfig: cognito(),
        })(),
      );
    expect(await signIn(OTHER_CLIENT)).toBe('NotAuthorizedException');
    expect(await signIn(TEST_CLIENT_IDS[0])).toBe('ok');
  });

  test('bob’s token cannot fetch the credentials of alice’s identity', async () => {
    const alice = await fromCognitoIdentityPool({
      identityPoolId: stack.model.identityPool.id,
      logins: { [provider()]: await token(ALICE) },
      clientConfig: cognito(),
    })();
    const identityId = (alice as { identityId?: string }).identityId!;
    expect(identityId).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    const asBob = fromCognitoIdentity({
      identityId,
      logins: { [provider()]: await token(BOB) },
      clientConfig: cognito(),
    });
    expect(await errorOf(asBob())).toBe('NotAuthorizedException');
  });
});

describe('route 2: the local STS', () => {
  const assume = async (options: {
    sub?: string;
    aud?: string;
    claims?: Record<string, unknown>;
    durationSeconds?: number;
  }) =>
    fromWebToken({
      roleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
      webIdentityToken: await token(options.sub ?? ALICE, options.aud ?? TEST_CLIENT_IDS[1], options.claims),
      roleSessionName: 'journey',
      durationSeconds: options.durationSeconds,
      clientConfig: { region: stack.model.region, endpoint: stack.sts.url },
    })();

  test('issues a session of the web-identity role that carries the token’s sub and aud keys', async () => {
    const session = sessionOf((await assume({})).accessKeyId);
    expect(session.roleLogicalId).toBe(ids.webIdentityRole);
    expect(session.tags).toEqual({});
    expect(session.context).toEqual({
      'test.okta.example/oauth2/default:sub': ALICE,
      'test.okta.example/oauth2/default:aud': TEST_CLIENT_IDS[1],
    });
  });

  test('caps the session at the role’s MaxSessionDuration (3600 s in the template)', async () => {
    expect(template.resources[ids.webIdentityRole].Properties.MaxSessionDuration).toBe(3600);
    expect(await errorOf(assume({ durationSeconds: 3600 }))).toBe('ok');
    expect(await errorOf(assume({ durationSeconds: 3601 }))).toBe('ValidationError');
    expect(await errorOf(assume({ durationSeconds: 899 }))).toBe('ValidationError');
  });

  test('refuses another audience, an expired token, and session tags the trust does not allow', async () => {
    expect(await errorOf(assume({ aud: OTHER_CLIENT }))).toBe('InvalidIdentityTokenException');
    const expired = fromWebToken({
      roleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
      webIdentityToken: await okta.mintIdToken(
        { sub: ALICE, aud: TEST_CLIENT_IDS[1] },
        { expiresInSeconds: -60 },
      ),
      roleSessionName: 'journey',
      clientConfig: { region: stack.model.region, endpoint: stack.sts.url },
    });
    expect(await errorOf(expired())).toBe('ExpiredTokenException');
    // Bob's token asking for alice's tag: the trust has no sts:TagSession, so STS refuses it.
    const tagged = { 'https://aws.amazon.com/tags': { principal_tags: { okta_sub: [ALICE] } } };
    expect(await errorOf(assume({ sub: BOB, claims: tagged }))).toBe('AccessDenied');
  });
});

describe('route 3: the presign Lambda’s AssumeRole through the local STS', () => {
  const execution = () => stack.sessions.all().find((s) => s.roleLogicalId === ids.executionRole)!;
  const presignRoleArn = () => template.getAtt(ids.presignRole, 'Arn');
  const assumeAs = (session: Session, input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>) =>
    errorOf(
      new STSClient({
        region: stack.model.region,
        endpoint: stack.sts.url,
        credentials: session.credentials,
      }).send(new AssumeRoleCommand({ RoleArn: presignRoleArn(), RoleSessionName: 'okta-x', ...input })),
    );
  const tag = (value: string) => [{ Key: 'okta_sub', Value: value }];

  test('allows a tagged session of at most one hour (role chaining), from the function’s own credentials', async () => {
    expect(await assumeAs(execution(), { Tags: tag(ALICE), DurationSeconds: 3600 })).toBe('ok');
    expect(await assumeAs(execution(), { Tags: tag(ALICE), DurationSeconds: 3601 })).toBe('ValidationError');
  });

  test('refuses an untagged session, a tag value no Okta id has, and another function’s credentials', async () => {
    expect(await assumeAs(execution(), {})).toBe('AccessDenied');
    expect(await assumeAs(execution(), { Tags: tag(`${ALICE}/../x`) })).toBe('AccessDenied');
    const elsewhere = stack.sessions.issue({
      ...execution(),
      context: { 'lambda:SourceFunctionArn': 'arn:aws:lambda:eu-west-1:123456789012:function:Other' },
      durationSeconds: 3600,
    });
    expect(await assumeAs(elsewhere, { Tags: tag(ALICE) })).toBe('AccessDenied');
  });
});

describe('the S3 front', () => {
  const s3 = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const client = new S3Client({
      region: stack.model.region,
      endpoint: stack.s3.url,
      forcePathStyle: true,
      credentials,
    });
    stripBucketSlash(client);
    return client;
  };
  /** Alice's S3 client on route 1: the identity pool's credentials. */
  const aliceS3 = async () =>
    s3(
      await fromCognitoIdentityPool({
        identityPoolId: stack.model.identityPool.id,
        logins: { [provider()]: await token(ALICE) },
        clientConfig: cognito(),
      })(),
    );
  const put = (client: S3Client) =>
    errorOf(
      client.send(
        new PutObjectCommand({ Bucket: stack.model.bucketName, Key: `users/${ALICE}/front.txt`, Body: 'x' }),
      ),
    );

  test('needs an IAM allow AND a valid signature: the right key with a wrong secret is refused by S3', async () => {
    const credentials = await fromCognitoIdentityPool({
      identityPoolId: stack.model.identityPool.id,
      logins: { [provider()]: await token(ALICE) },
      clientConfig: cognito(),
    })();
    expect(await put(s3(credentials))).toBe('ok');
    const before = stack.s3.decisions.length;
    expect(await put(s3({ ...credentials, secretAccessKey: 'not-the-secret' }))).toBe(
      'SignatureDoesNotMatch',
    );
    expect(stack.s3.decisions.slice(before).map((d) => d.decision)).toEqual(['Allowed']);
    expect(await put(s3({ ...credentials, sessionToken: 'another-token' }))).toBe('InvalidToken');
    expect(await put(s3({ accessKeyId: 'ASIAUNKNOWN', secretAccessKey: 'x', sessionToken: 'y' }))).toBe(
      'InvalidAccessKeyId',
    );
  });

  test('an overwrite has none of the old object’s tags: S3 gives a new version only the tags its request names', async () => {
    const client = await aliceS3();
    const Key = `users/${ALICE}/tagged-then-overwritten.txt`;
    const admin = administratorClient(stack.storage.endpoint);
    try {
      await client.send(new PutObjectCommand({ Bucket: stack.model.bucketName, Key, Body: 'first' }));
      await admin.send(
        new PutObjectTaggingCommand({
          Bucket: stack.model.bucketName,
          Key,
          Tagging: { TagSet: [{ Key: 'reviewed', Value: 'yes' }] },
        }),
      );
      await client.send(new PutObjectCommand({ Bucket: stack.model.bucketName, Key, Body: 'second' }));
      const { TagSet } = await admin.send(
        new GetObjectTaggingCommand({ Bucket: stack.model.bucketName, Key }),
      );
      expect(TagSet).toEqual([]);
    } finally {
      admin.destroy();
    }
  });

  test('a copy onto a file makes a new version of it, and the version it replaced keeps its tags', async () => {
    const client = await aliceS3();
    const Bucket = stack.model.bucketName;
    const Key = `users/${ALICE}/copied-onto.txt`;
    const first = await client.send(new PutObjectCommand({ Bucket, Key, Body: 'first' }));
    await client.send(new PutObjectCommand({ Bucket, Key: `users/${ALICE}/source.txt`, Body: 'copied' }));
    const admin = administratorClient(stack.storage.endpoint);
    try {
      await admin.send(
        new PutObjectTaggingCommand({
          Bucket,
          Key,
          Tagging: { TagSet: [{ Key: 'reviewed', Value: 'yes' }] },
        }),
      );
    } finally {
      admin.destroy();
    }
    const copied = await client.send(
      new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/users/${ALICE}/source.txt` }),
    );
    expect(copied.VersionId).toBeDefined();
    expect(copied.VersionId).not.toBe(first.VersionId);
    expect(stack.s3.versions.current(Key)?.versionId).toBe(copied.VersionId);
    expect(stack.s3.versions.current(Key)?.body.toString()).toBe('copied');
    expect(stack.s3.versions.find(Key, first.VersionId!)?.tags).toEqual({ reviewed: 'yes' });
  });

  test('decides each step of a multipart upload as s3:PutObject, and the parts land as one object', async () => {
    const client = await aliceS3();
    const Bucket = stack.model.bucketName;
    const Key = `users/${ALICE}/large.bin`;
    // S3's minimum part size is 5 MiB for every part but the last.
    const parts = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.from('tail')];
    const before = stack.s3.decisions.length;
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const etags = [];
    for (const [i, Body] of parts.entries()) {
      etags.push(
        (await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }))).ETag,
      );
    }
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    expect(stack.s3.decisions.slice(before).map((d) => `${d.action} ${d.decision}`)).toEqual(
      Array(4).fill('s3:PutObject Allowed'),
    );
    const got = await client.send(new GetObjectCommand({ Bucket, Key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
    // A multipart upload makes a version like any write (S3 Versioning).
    expect(completed.VersionId).toBeDefined();
    expect([got.VersionId, stack.s3.versions.current(Key)?.body.length]).toEqual([
      completed.VersionId,
      5 * 1024 * 1024 + 4,
    ]);
  });

  test('answers ListObjectsV2 as S3 does: KeyCount counts common prefixes, and encoding-type=url encodes Prefix, Delimiter, Key and StartAfter', async () => {
    const client = await aliceS3();
    const Bucket = stack.model.bucketName;
    const Prefix = `users/${ALICE}/listing & more/`;
    for (const Key of [`${Prefix}sub folder/`, `${Prefix}a b+c.txt`, `${Prefix}d.txt`])
      await client.send(new PutObjectCommand({ Bucket, Key, Body: Key.endsWith('/') ? '' : 'x' }));
    const plain = await client.send(new ListObjectsV2Command({ Bucket, Prefix, Delimiter: '/' }));
    expect(plain.Contents?.map((o) => o.Key)).toEqual([`${Prefix}a b+c.txt`, `${Prefix}d.txt`]);
    expect(plain.CommonPrefixes?.map((p) => p.Prefix)).toEqual([`${Prefix}sub folder/`]);
    expect(plain.KeyCount).toBe(3);
    expect(plain.EncodingType).toBeUndefined();

    const encoded = await client.send(
      new ListObjectsV2Command({
        Bucket,
        Prefix,
        Delimiter: '/',
        EncodingType: 'url',
        StartAfter: `${Prefix}a`,
      }),
    );
    const asS3 = `users/${ALICE}/listing+%26+more/`;
    expect(encoded.EncodingType).toBe('url');
    expect([encoded.Prefix, encoded.Delimiter, encoded.StartAfter]).toEqual([asS3, '/', `${asS3}a`]);
    expect(encoded.Contents?.map((o) => o.Key)).toEqual([`${asS3}a+b%2Bc.txt`, `${asS3}d.txt`]);
    expect(encoded.CommonPrefixes?.map((p) => p.Prefix)).toEqual([`${asS3}sub+folder/`]);
    expect(encoded.KeyCount).toBe(3);
  });

  test('decides presigned POST form uploads as s3:PutObject on the form’s key', async () => {
    const alice = await stack.userPool.signIn(await token(ALICE, stack.userPool.oktaClientId));
    const presigned = await fetch(`${stack.api.url}/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fileName: 'form.txt', contentType: 'text/plain', size: 4, method: 'POST' }),
    }).then((r) => r.json());
    const form = new FormData();
    for (const [name, value] of Object.entries(presigned.fields as Record<string, string>))
      form.append(name, value);
    form.append('file', new Blob(['form'], { type: 'text/plain' }));
    const before = stack.s3.decisions.length;
    const posted = await fetch(presigned.url, { method: 'POST', body: form });
    expect(posted.status).toBeLessThan(300);
    expect(stack.s3.decisions.slice(before).map((d) => [d.action, d.resource, d.decision])).toEqual([
      ['s3:PutObject', `arn:aws:s3:::${stack.model.bucketName}/${presigned.key}`, 'Allowed'],
    ]);
    const read = await (
      await aliceS3()
    ).send(new GetObjectCommand({ Bucket: stack.model.bucketName, Key: presigned.key }));
    expect(await read.Body!.transformToString()).toBe('form');
  });
});

describe('session policies through the local STS and the S3 front', () => {
  const execution = () => stack.sessions.all().find((s) => s.roleLogicalId === ids.executionRole)!;
  const bucketArn = () => `arn:aws:s3:::${stack.model.bucketName}`;
  const assume = (Policy?: string) =>
    new STSClient({
      region: stack.model.region,
      endpoint: stack.sts.url,
      credentials: execution().credentials,
    }).send(
      new AssumeRoleCommand({
        RoleArn: template.getAtt(ids.presignRole, 'Arn'),
        RoleSessionName: 'okta-session-policy',
        Tags: [{ Key: 'okta_sub', Value: ALICE }],
        ...(Policy === undefined ? {} : { Policy }),
      }),
    );
  const onlyRead = (key: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn()}/${key}` }],
    });

  test('a session narrowed by its policy may do only what both the role and the policy allow', async () => {
    const readable = `users/${ALICE}/narrowed/read-me.txt`;
    const { Credentials: c } = await assume(onlyRead(readable));
    const client = new S3Client({
      region: stack.model.region,
      endpoint: stack.s3.url,
      forcePathStyle: true,
      credentials: {
        accessKeyId: c!.AccessKeyId!,
        secretAccessKey: c!.SecretAccessKey!,
        sessionToken: c!.SessionToken,
      },
    });
    stripBucketSlash(client);
    const bucket = stack.model.bucketName;
    // The presign role may write alice's prefix; this session's policy does not allow it.
    expect(
      await errorOf(client.send(new PutObjectCommand({ Bucket: bucket, Key: readable, Body: 'x' }))),
    ).toBe('AccessDenied');
    expect(stack.s3.decisions.at(-1)).toMatchObject({ action: 's3:PutObject', decision: 'ImplicitlyDenied' });
    // Allowed by both: S3 answers (the key is absent), not IAM.
    expect(await errorOf(client.send(new GetObjectCommand({ Bucket: bucket, Key: readable })))).toBe(
      'NoSuchKey',
    );
    // Allowed by the policy only: another user's key stays out of reach.
    expect(
      await errorOf(
        client.send(new GetObjectCommand({ Bucket: bucket, Key: `users/${BOB}/narrowed/read-me.txt` })),
      ),
    ).toBe('AccessDenied');
  });

  test('refuses a policy over 2,048 characters and one that is not a policy document', async () => {
    expect(await errorOf(assume(onlyRead(`users/${ALICE}/${'a'.repeat(2048)}`)))).toBe('ValidationError');
    expect(await errorOf(assume('{not json'))).toBe('MalformedPolicyDocumentException');
    expect(await errorOf(assume(undefined))).toBe('ok');
  });
});
