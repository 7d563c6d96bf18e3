/**
 * Route 3 locally: the REST API's methods from the synthesized template, each behind the model of
 * the Cognito authorizer (emulator/model/apigateway-cognito-authorizer.ts), invoking the REAL
 * presign handler with the configuration its template environment gives it. The handler assumes
 * the presign role through the local STS with the execution role's credentials, as in Lambda, and
 * signs URLs for the IAM-enforcing S3 front.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { authorize, methodAuthorizationOf, proxyEvent } from '../model/apigateway-cognito-authorizer';
import type { ResolvedTemplate } from '../iam/resolve-template';
import { functionRuntime, functionsWithVariable } from './lambda-runtime';
import { stripBucketSlash } from './s3-server';
import { readConfig } from '../../lambda/presign/config';
import { CallerSessions } from '../../lambda/presign/credentials';
import { createHandler, type RequestLog } from '../../lambda/presign/handler';
import { pinnedSessions } from '../../lambda/presign/sharing/pinned-sessions';
import { s3VersionStorage } from '../../lambda/presign/s3-versions';
import { s3Storage } from '../../lambda/presign/s3';
import { mockPreflightReply } from './cors';
import { LoopbackServer, startLoopbackServer } from './loopback-server';
import type { SessionStore } from './sessions';
import type { StackModel } from './stack-model';
import type { LocalUserPool } from './user-pool';
import { createSharingTable, LocalDynamoDb, startDynamoDb } from './dynamodb';
import { dynamoDbSharingStore } from '../../lambda/presign/sharing/dynamodb-store';

export interface PresignApiOptions {
  readonly model: StackModel;
  readonly sessions: SessionStore;
  readonly userPool: LocalUserPool;
  readonly stsEndpoint: string;
  readonly s3Endpoint: string;
  readonly port?: number;
}

export interface PresignApi extends LoopbackServer {
  readonly logs: readonly RequestLog[];
}

/** `<METHOD> <path>` → the method's logical id, for every method of the template's REST API. */
function methodsOf(template: ResolvedTemplate): Map<string, string> {
  const entries = Object.entries(template.resources);
  const paths = new Map<string, string>();
  for (const [id, r] of entries) {
    if (r.Type === 'AWS::ApiGateway::RestApi') paths.set(template.getAtt(id, 'RootResourceId'), '');
  }
  // Resources may refer to parents listed after them; resolve until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, r] of entries) {
      const parent = paths.get(String(r.Properties.ParentId));
      if (r.Type === 'AWS::ApiGateway::Resource' && parent !== undefined && !paths.has(template.ref(id))) {
        paths.set(template.ref(id), `${parent}/${r.Properties.PathPart}`);
        changed = true;
      }
    }
  }
  const methods = new Map<string, string>();
  for (const [id, r] of entries) {
    const path = paths.get(String(r.Properties.ResourceId));
    if (r.Type === 'AWS::ApiGateway::Method' && path !== undefined) {
      methods.set(`${r.Properties.HttpMethod} ${path || '/'}`, id);
    }
  }
  return methods;
}

/** The presign function of the template, as Lambda runs it. */
function presignFunctionOf(model: StackModel, sessions: SessionStore) {
  const found = functionsWithVariable(model, 'PRESIGN_ROLE_ARN');
  if (found.length !== 1) throw new Error(`Expected one presign function, found ${found.length}`);
  return functionRuntime(model, sessions, found[0], 'presign');
}

export async function startPresignApi(options: PresignApiOptions): Promise<PresignApi> {
  const { model, sessions, userPool } = options;
  const fn = presignFunctionOf(model, sessions);
  const config = readConfig(fn.environment);
  const sts = new STSClient({
    region: config.region,
    endpoint: options.stsEndpoint,
    credentials: fn.credentials,
  });
  const callerSessions = new CallerSessions({
    sts,
    roleArn: config.presignRoleArn,
    urlExpirySeconds: config.urlExpirySeconds,
  });
  const logs: RequestLog[] = [];
  // Sharing's table on a DynamoDB-compatible server. Only S3 is IAM-enforced locally: the
  // execution role's table grant is proven by the construct test and the IAM simulator instead.
  let dynamo: LocalDynamoDb | undefined;
  if (config.sharing) {
    dynamo = await startDynamoDb(config.region);
    await createSharingTable(dynamo.client, config.sharing.tableName);
  }
  const s3Options = {
    bucket: config.bucketName,
    region: config.region,
    endpoint: options.s3Endpoint,
    forcePathStyle: true,
    customizeClient: stripBucketSlash,
  };
  const pinned = config.sharing?.pinned;
  const handler = createHandler({
    config,
    credentialsFor: (sub, observe, teams) => callerSessions.credentialsFor(sub, observe, teams),
    storageFor: s3Storage(s3Options),
    // Pinned share links: sessions of the pinned-link role through the local STS, each with its
    // session policy, which the S3 front applies.
    ...(pinned
      ? { pinnedCredentialsFor: pinnedSessions(sts, pinned), versionStorageFor: s3VersionStorage(s3Options) }
      : {}),
    log: (entry) => logs.push(entry),
    ...(dynamo && config.sharing
      ? { sharingStore: dynamoDbSharingStore(dynamo.client, config.sharing.tableName) }
      : {}),
  });
  const methods = methodsOf(model.template);

  const server = await startLoopbackServer(async (request, body) => {
    const url = new URL(request.url ?? '/', 'http://api');
    const { methodId, resource, pathParameters } = matchMethod(methods, `${request.method} ${url.pathname}`);
    // API Gateway's answers for an unknown route and a refused token.
    if (!methodId) return { status: 403, body: JSON.stringify({ message: 'Missing Authentication Token' }) };
    // A browser's preflight: the OPTIONS method's MOCK integration answers it, without the authorizer.
    if (request.method === 'OPTIONS')
      return mockPreflightReply(model.template.resources[methodId].Properties, request.headers.origin);
    // A method without an authorizer (a share-link visit) reaches the Lambda with no claims.
    const open = model.template.resources[methodId].Properties.AuthorizationType === 'NONE';
    const decision = open
      ? { allowed: true as const, claims: undefined }
      : authorize(
          request.headers.authorization,
          methodAuthorizationOf(model.template, methodId, [userPool.pool]),
        );
    if (!decision.allowed)
      return { status: decision.status, body: JSON.stringify({ message: 'Unauthorized' }) };
    const headers: [string, string][] = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2)
      headers.push([request.rawHeaders[i], request.rawHeaders[i + 1]]);
    const event = proxyEvent({
      method: request.method ?? 'GET',
      resource,
      headers,
      body: body.length > 0 ? body.toString('utf8') : null,
      query: url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null,
      claims: decision.claims,
    });
    const response = await handler({ ...event, path: url.pathname, pathParameters });
    return {
      status: response.statusCode,
      headers: Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k, String(v)])),
      body: response.body,
    };
  }, options.port);
  return {
    ...server,
    logs,
    close: async () => {
      await server.close();
      await dynamo?.close();
    },
  };
}

/**
 * The method a request reaches: an exact path, else a path with `{name}` segments, as API Gateway
 * matches resources; the segments' values are the event's `pathParameters`.
 */
function matchMethod(methods: Map<string, string>, request: string) {
  const exact = methods.get(request);
  if (exact !== undefined)
    return { methodId: exact, resource: request.slice(request.indexOf(' ') + 1), pathParameters: null };
  for (const [route, methodId] of methods) {
    if (!route.includes('{')) continue;
    const names: string[] = [];
    const pattern = route
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    const found = new RegExp(`^${pattern}$`).exec(request);
    if (found) {
      const pathParameters = Object.fromEntries(
        names.map((name, i) => [name, decodeURIComponent(found[i + 1])]),
      );
      return { methodId, resource: route.slice(route.indexOf(' ') + 1), pathParameters };
    }
  }
  return { methodId: undefined, resource: '', pathParameters: null };
}
