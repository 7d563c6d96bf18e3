import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagSuppressions } from '../peer';
import type { SharingOptions } from './sharing-table';

/** The public methods' paths, as stage method settings name them (`<path>/<METHOD>`). */
export const PUBLIC_SHARING_METHODS = ['/s/{token}/GET', '/r/{token}/GET', '/r/{token}/uploads/POST'];

/**
 * Per-method throttling of the public methods, tighter than the stage's: a visitor holds no token
 * of the pool, so these are the methods anyone on the internet can call. API Gateway answers 429
 * (the `TooManyRequests` gateway response) beyond it, before the Lambda runs.
 */
export function visitMethodOptions(options: SharingOptions): Record<string, apigw.MethodDeploymentOptions> {
  const throttling = {
    throttlingRateLimit: options.visitRateLimit ?? 10,
    throttlingBurstLimit: options.visitBurstLimit ?? 20,
  };
  return Object.fromEntries(PUBLIC_SHARING_METHODS.map((path) => [path, throttling]));
}

const LINK_ID = { type: apigw.JsonSchemaType.STRING, pattern: '^[0-9a-f]{64}$' };
const DAYS = { type: apigw.JsonSchemaType.INTEGER, minimum: 1, maximum: 30 };
const schema = (title: string, required: string[], properties: Record<string, apigw.JsonSchema>) => ({
  schema: apigw.JsonSchemaVersion.DRAFT4,
  title,
  type: apigw.JsonSchemaType.OBJECT,
  required,
  additionalProperties: false,
  properties,
});

export const SHARING_REQUEST_SCHEMAS: Record<string, apigw.JsonSchema> = {
  CreateShareLinkRequest: schema('CreateShareLinkRequest', ['key'], {
    key: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 1024 },
    expiresInDays: DAYS,
    version: { type: apigw.JsonSchemaType.STRING, enum: ['pinned', 'latest'] },
  }),
  CreateFileRequestRequest: schema('CreateFileRequestRequest', ['folder'], {
    folder: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 63 },
    expiresInDays: DAYS,
    maxFiles: { type: apigw.JsonSchemaType.INTEGER, minimum: 1 },
    maxFileBytes: { type: apigw.JsonSchemaType.INTEGER, minimum: 1 },
  }),
  RevokeRequest: schema('RevokeRequest', ['id'], { id: LINK_ID }),
  VisitorUploadRequest: schema('VisitorUploadRequest', ['fileName', 'contentType', 'size'], {
    fileName: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 1024 },
    contentType: { type: apigw.JsonSchemaType.STRING, minLength: 3, maxLength: 255 },
    size: { type: apigw.JsonSchemaType.INTEGER, minimum: 1 },
  }),
};

export interface SharingRoutesOptions {
  readonly handler: lambda.IFunction;
  readonly authorizer: apigw.IAuthorizer;
}

/**
 * The creator's routes behind the Cognito authorizer (`/share-links`, `/file-requests`, each with
 * `GET` to list, `POST` to create and `POST .../revoke`), and the public visit routes with none:
 * the token in the path is the only credential, checked by the Lambda.
 */
export function addSharingRoutes(
  api: apigw.RestApi,
  { handler, authorizer }: SharingRoutesOptions,
): apigw.Method[] {
  const integration = new apigw.LambdaIntegration(handler, { allowTestInvoke: false });
  const validator = api.addRequestValidator('SharingValidator', {
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  const auth = {
    authorizer,
    authorizationType: apigw.AuthorizationType.COGNITO,
    requestValidator: validator,
  };
  const model = (name: string) => ({
    'application/json': api.addModel(name, {
      contentType: 'application/json',
      modelName: name,
      schema: SHARING_REQUEST_SCHEMAS[name],
    }),
  });
  const revoke = model('RevokeRequest');
  for (const [path, createModel] of [
    ['share-links', 'CreateShareLinkRequest'],
    ['file-requests', 'CreateFileRequestRequest'],
  ]) {
    const resource = api.root.addResource(path);
    resource.addMethod('GET', integration, auth);
    resource.addMethod('POST', integration, { ...auth, requestModels: model(createModel) });
    resource.addResource('revoke').addMethod('POST', integration, { ...auth, requestModels: revoke });
  }

  const token = { 'method.request.path.token': true };
  const open = {
    authorizationType: apigw.AuthorizationType.NONE,
    requestValidator: validator,
    requestParameters: token,
  };
  const link = api.root.addResource('s').addResource('{token}');
  const request = api.root.addResource('r').addResource('{token}');
  const publicMethods = [
    link.addMethod('GET', integration, open),
    request.addMethod('GET', integration, open),
    request.addResource('uploads').addMethod('POST', integration, {
      ...open,
      requestModels: model('VisitorUploadRequest'),
    }),
  ];
  for (const method of publicMethods) {
    NagSuppressions.addResourceSuppressions(method, [
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'A share-link or file-request visit: the visitor has no account, and the 256-bit token in the path is the credential, checked by the Lambda against its hash; the method is throttled on its own.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'A share-link or file-request visit: the visitor has no account, and the 256-bit token in the path is the credential, checked by the Lambda against its hash; the method is throttled on its own.',
      },
    ]);
  }
  return publicMethods;
}
