import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';

export interface PresignRoutesOptions {
  readonly handler: lambda.IFunction;
  readonly authorizer: apigw.IAuthorizer;
}

/**
 * A team folder's name, as configuration allows it (lib/validation/team-folders.ts). Requests name
 * a folder, never a prefix: the Lambda builds `<teamsPrefix><folder>/` itself.
 */
export const TEAM_FOLDER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';

/** JSON schemas of the request bodies; API Gateway rejects a bad body before the Lambda runs. */
export const UPLOAD_REQUEST_SCHEMA: apigw.JsonSchema = {
  schema: apigw.JsonSchemaVersion.DRAFT4,
  title: 'UploadRequest',
  type: apigw.JsonSchemaType.OBJECT,
  required: ['fileName', 'contentType', 'size'],
  additionalProperties: false,
  properties: {
    fileName: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 1024 },
    contentType: { type: apigw.JsonSchemaType.STRING, minLength: 3, maxLength: 255 },
    // No maximum here: an upload over the cap gets the Lambda's 413, not a generic 400.
    size: { type: apigw.JsonSchemaType.INTEGER, minimum: 1 },
    checksumSha256: { type: apigw.JsonSchemaType.STRING, pattern: '^[A-Za-z0-9+/]{43}=$' },
    method: { type: apigw.JsonSchemaType.STRING, enum: ['PUT', 'POST'] },
    // A team folder to upload into; the caller's own prefix when absent.
    folder: { type: apigw.JsonSchemaType.STRING, pattern: TEAM_FOLDER_NAME_PATTERN },
  },
};

export const DOWNLOAD_REQUEST_SCHEMA: apigw.JsonSchema = {
  schema: apigw.JsonSchemaVersion.DRAFT4,
  title: 'DownloadRequest',
  type: apigw.JsonSchemaType.OBJECT,
  required: ['key'],
  additionalProperties: false,
  properties: { key: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 1024 } },
};

/** S3 upload ids are opaque; every one seen is base64-like. */
const UPLOAD_ID_PATTERN = '^[A-Za-z0-9._~+/=-]{1,1024}$';
const KEY = { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 1024 };
const UPLOAD_ID = { type: apigw.JsonSchemaType.STRING, pattern: UPLOAD_ID_PATTERN };
const SIZE = { type: apigw.JsonSchemaType.INTEGER, minimum: 1 };

const objectSchema = (title: string, properties: Record<string, apigw.JsonSchema>): apigw.JsonSchema => ({
  schema: apigw.JsonSchemaVersion.DRAFT4,
  title,
  type: apigw.JsonSchemaType.OBJECT,
  required: Object.keys(properties).filter((name) => name !== 'folder'),
  additionalProperties: false,
  properties,
});

/**
 * The multipart steps' bodies. Sizes have no maximum here, so a file over the cap gets the Lambda's
 * 413; part numbers are checked against the file's plan there too.
 */
export const MULTIPART_REQUEST_SCHEMAS: Record<string, apigw.JsonSchema> = {
  CreateMultipartUploadRequest: objectSchema('CreateMultipartUploadRequest', {
    fileName: UPLOAD_REQUEST_SCHEMA.properties!.fileName,
    contentType: UPLOAD_REQUEST_SCHEMA.properties!.contentType,
    size: SIZE,
    folder: UPLOAD_REQUEST_SCHEMA.properties!.folder,
  }),
  SignPartsRequest: objectSchema('SignPartsRequest', {
    key: KEY,
    uploadId: UPLOAD_ID,
    size: SIZE,
    partNumbers: {
      type: apigw.JsonSchemaType.ARRAY,
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      items: { type: apigw.JsonSchemaType.INTEGER, minimum: 1, maximum: 10_000 },
    },
  }),
  CompleteMultipartUploadRequest: objectSchema('CompleteMultipartUploadRequest', {
    key: KEY,
    uploadId: UPLOAD_ID,
    size: SIZE,
  }),
  MultipartUploadRequest: objectSchema('MultipartUploadRequest', { key: KEY, uploadId: UPLOAD_ID }),
};

/** `/multipart-uploads` and its steps, each a POST with its body's model. */
const MULTIPART_STEPS: [string | undefined, string][] = [
  [undefined, 'CreateMultipartUploadRequest'],
  ['parts', 'SignPartsRequest'],
  ['status', 'MultipartUploadRequest'],
  ['complete', 'CompleteMultipartUploadRequest'],
  ['abort', 'MultipartUploadRequest'],
];

/** API Gateway's own errors (authorizer, validation, throttling) in the Lambda's `{error, message}` shape. */
const GATEWAY_ERRORS: [apigw.ResponseType, string][] = [
  [apigw.ResponseType.UNAUTHORIZED, 'Unauthorized'],
  [apigw.ResponseType.ACCESS_DENIED, 'Forbidden'],
  [apigw.ResponseType.BAD_REQUEST_BODY, 'BadRequest'],
  [apigw.ResponseType.BAD_REQUEST_PARAMETERS, 'BadRequest'],
  [apigw.ResponseType.THROTTLED, 'TooManyRequests'],
  [apigw.ResponseType.DEFAULT_4XX, 'ClientError'],
  [apigw.ResponseType.DEFAULT_5XX, 'ServerError'],
];

/**
 * `POST /uploads`, `GET /files` (`?folder=` for a team folder), `POST /downloads` (own or team keys),
 * `GET /folders` (the caller's team folders) and `POST /multipart-uploads` with its steps `parts`,
 * `status`, `complete` and `abort`, each behind the Cognito authorizer.
 */
export function addPresignRoutes(api: apigw.RestApi, { handler, authorizer }: PresignRoutesOptions): void {
  const integration = new apigw.LambdaIntegration(handler, { allowTestInvoke: false });
  const validator = api.addRequestValidator('Validator', {
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  const auth = { authorizer, authorizationType: apigw.AuthorizationType.COGNITO };
  const jsonBody = (name: string, schema: apigw.JsonSchema) => ({
    'application/json': api.addModel(name, { contentType: 'application/json', modelName: name, schema }),
  });

  api.root.addResource('uploads').addMethod('POST', integration, {
    ...auth,
    requestValidator: validator,
    requestModels: jsonBody('UploadRequest', UPLOAD_REQUEST_SCHEMA),
  });
  api.root.addResource('files').addMethod('GET', integration, {
    ...auth,
    requestValidator: validator,
    requestParameters: {
      'method.request.querystring.nextToken': false,
      'method.request.querystring.folder': false,
    },
  });
  api.root.addResource('folders').addMethod('GET', integration, { ...auth, requestValidator: validator });
  api.root.addResource('downloads').addMethod('POST', integration, {
    ...auth,
    requestValidator: validator,
    requestModels: jsonBody('DownloadRequest', DOWNLOAD_REQUEST_SCHEMA),
  });

  const multipart = api.root.addResource('multipart-uploads');
  const models = new Map<string, ReturnType<typeof jsonBody>>();
  for (const [step, modelName] of MULTIPART_STEPS) {
    if (!models.has(modelName))
      models.set(modelName, jsonBody(modelName, MULTIPART_REQUEST_SCHEMAS[modelName]));
    (step ? multipart.addResource(step) : multipart).addMethod('POST', integration, {
      ...auth,
      requestValidator: validator,
      requestModels: models.get(modelName),
    });
  }

  for (const [type, error] of GATEWAY_ERRORS) {
    api.addGatewayResponse(`${error}${type.responseType}`, {
      type,
      templates: { 'application/json': `{"error":"${error}","message":$context.error.messageString}` },
    });
  }
}
