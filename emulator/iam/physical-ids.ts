import { createHash } from 'crypto';

/** The environment a template is resolved in. */
export interface ResolveEnv {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly stackName: string;
}

/** What a rule may look at: the logical id and the resource's (resolved, on demand) properties. */
export interface ResourceView {
  readonly logicalId: string;
  readonly env: ResolveEnv;
  /** The resolved value of one property, or undefined. */
  prop(name: string): unknown;
}

/** How one resource type answers `Ref` and `Fn::GetAtt`. */
export interface PhysicalIdRule {
  readonly ref: (r: ResourceView) => string;
  readonly attributes?: Readonly<Record<string, (r: ResourceView) => string>>;
}

/** A deterministic token derived from the logical id, so ids differ per resource but never per run. */
export function stableToken(
  logicalId: string,
  length: number,
  alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789',
): string {
  const bytes = createHash('sha256').update(logicalId).digest();
  return Array.from(bytes.subarray(0, length), (b) => alphabet[b % alphabet.length]).join('');
}

function uuidLike(logicalId: string): string {
  const hex = createHash('sha256').update(logicalId).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join(
    '-',
  );
}

function stringProp(r: ResourceView, name: string): string | undefined {
  const value = r.prop(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new Error(`${r.logicalId}.${name} must resolve to a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requiredProp(r: ResourceView, name: string): string {
  const value = stringProp(r, name);
  if (value === undefined) throw new Error(`${r.logicalId} has no ${name}, which its physical id is made of`);
  return value;
}

const arnPrefix = (r: ResourceView, service: string, regional: boolean) =>
  `arn:${r.env.partition}:${service}:${regional ? r.env.region : ''}:${r.env.account}`;

// S3 bucket names must be lower case; CDK logical ids are short enough to fit in 63 characters.
const bucketName = (r: ResourceView) => stringProp(r, 'BucketName') ?? r.logicalId.toLowerCase();
const rolePathAndName = (r: ResourceView) =>
  `${stringProp(r, 'Path') ?? '/'}${stringProp(r, 'RoleName') ?? r.logicalId}`;
const managedPolicyArn = (r: ResourceView) =>
  `${arnPrefix(r, 'iam', false)}:policy${stringProp(r, 'Path') ?? '/'}${stringProp(r, 'ManagedPolicyName') ?? r.logicalId}`;
// IAM names an OIDC provider by its issuer without the scheme, exactly as condition keys do.
const oidcProviderArn = (r: ResourceView) =>
  `${arnPrefix(r, 'iam', false)}:oidc-provider/${requiredProp(r, 'Url')
    .replace(/^https:\/\//, '')
    .replace(/\/+$/, '')}`;
const userPoolId = (r: ResourceView) => `${r.env.region}_${stableToken(r.logicalId, 9)}`;
const userPoolProviderName = (r: ResourceView) =>
  `cognito-idp.${r.env.region}.${r.env.urlSuffix}/${userPoolId(r)}`;
const functionName = (r: ResourceView) => stringProp(r, 'FunctionName') ?? r.logicalId;
/** CloudFormation names an unnamed table `<stack>-<logical id>-<suffix>`; a table's ARN ends `table/<name>`. */
const tableName = (r: ResourceView) =>
  stringProp(r, 'TableName') ?? `${r.env.stackName}-${r.logicalId}-${stableToken(r.logicalId, 12)}`;
const logGroupName = (r: ResourceView) => stringProp(r, 'LogGroupName') ?? r.logicalId;
const apiGatewayId = (r: ResourceView) => stableToken(r.logicalId, 10);
const identityPoolId = (r: ResourceView) => `${r.env.region}:${uuidLike(r.logicalId)}`;
const kmsKeyId = (r: ResourceView) => uuidLike(r.logicalId);
const topicArn = (r: ResourceView) =>
  `${arnPrefix(r, 'sns', true)}:${stringProp(r, 'TopicName') ?? r.logicalId}`;
const alarmName = (r: ResourceView) => stringProp(r, 'AlarmName') ?? r.logicalId;
const byLogicalId = { ref: (r: ResourceView) => r.logicalId };
const queueName = (r: ResourceView) => stringProp(r, 'QueueName') ?? r.logicalId;
const UPPER_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
// CloudFront ids: `E` and 13 more capitals or digits for a distribution, 14 for an origin access control.
const distributionId = (r: ResourceView) => `E${stableToken(r.logicalId, 13, UPPER_AND_DIGITS)}`;
const originAccessControlId = (r: ResourceView) => `E${stableToken(r.logicalId, 13, UPPER_AND_DIGITS)}`;
const cloudFrontFunctionArn = (r: ResourceView) =>
  `${arnPrefix(r, 'cloudfront', false)}:function/${stringProp(r, 'Name') ?? r.logicalId}`;
const layerVersionArn = (r: ResourceView) =>
  `${arnPrefix(r, 'lambda', true)}:layer:${stringProp(r, 'LayerName') ?? r.logicalId}:1`;

/** Physical ids and attributes per resource type. Extend it when the stack grows a new type. */
export const PHYSICAL_ID_RULES: Readonly<Record<string, PhysicalIdRule>> = {
  'AWS::S3::Bucket': {
    ref: bucketName,
    attributes: {
      Arn: (r) => `arn:${r.env.partition}:s3:::${bucketName(r)}`,
      DomainName: (r) => `${bucketName(r)}.s3.${r.env.urlSuffix}`,
      RegionalDomainName: (r) => `${bucketName(r)}.s3.${r.env.region}.${r.env.urlSuffix}`,
      DualStackDomainName: (r) => `${bucketName(r)}.s3.dualstack.${r.env.region}.${r.env.urlSuffix}`,
    },
  },
  'AWS::S3::BucketPolicy': byLogicalId,
  'AWS::IAM::Role': {
    ref: (r) => stringProp(r, 'RoleName') ?? r.logicalId,
    attributes: {
      Arn: (r) => `${arnPrefix(r, 'iam', false)}:role${rolePathAndName(r)}`,
      RoleId: (r) => `AROA${stableToken(r.logicalId, 17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    },
  },
  'AWS::IAM::Policy': { ref: (r) => stringProp(r, 'PolicyName') ?? r.logicalId },
  'AWS::IAM::ManagedPolicy': { ref: managedPolicyArn, attributes: { PolicyArn: managedPolicyArn } },
  'AWS::IAM::OIDCProvider': { ref: oidcProviderArn, attributes: { Arn: oidcProviderArn } },
  'AWS::Cognito::IdentityPool': {
    ref: identityPoolId,
    attributes: { Id: identityPoolId, Name: (r) => stringProp(r, 'IdentityPoolName') ?? r.logicalId },
  },
  'AWS::Cognito::IdentityPoolRoleAttachment': byLogicalId,
  'AWS::Cognito::IdentityPoolPrincipalTag': byLogicalId,
  'AWS::Cognito::UserPool': {
    ref: userPoolId,
    attributes: {
      UserPoolId: userPoolId,
      Arn: (r) => `${arnPrefix(r, 'cognito-idp', true)}:userpool/${userPoolId(r)}`,
      ProviderName: userPoolProviderName,
      ProviderURL: (r) => `https://${userPoolProviderName(r)}`,
    },
  },
  'AWS::Cognito::UserPoolClient': {
    ref: (r) => stableToken(r.logicalId, 26),
    attributes: {
      ClientId: (r) => stableToken(r.logicalId, 26),
      Name: (r) => stringProp(r, 'ClientName') ?? r.logicalId,
    },
  },
  'AWS::Cognito::UserPoolDomain': {
    ref: (r) => requiredProp(r, 'Domain'),
    attributes: { CloudFrontDistribution: (r) => `d${stableToken(r.logicalId, 13)}.cloudfront.net` },
  },
  'AWS::Cognito::UserPoolIdentityProvider': { ref: (r) => requiredProp(r, 'ProviderName') },
  'AWS::Lambda::Function': {
    ref: functionName,
    attributes: { Arn: (r) => `${arnPrefix(r, 'lambda', true)}:function:${functionName(r)}` },
  },
  'AWS::Lambda::Permission': byLogicalId,
  // CloudFormation names a rule without a Name `<stack>-<logical id>-<suffix>`; the logical id stands in.
  'AWS::Events::Rule': {
    ref: (r) => stringProp(r, 'Name') ?? r.logicalId,
    attributes: {
      Arn: (r) => `${arnPrefix(r, 'events', true)}:rule/${stringProp(r, 'Name') ?? r.logicalId}`,
    },
  },
  'AWS::GuardDuty::MalwareProtectionPlan': {
    ref: (r) => stableToken(r.logicalId, 20).toLowerCase(),
    attributes: { MalwareProtectionPlanId: (r) => stableToken(r.logicalId, 20).toLowerCase() },
  },
  'AWS::Logs::LogGroup': {
    ref: logGroupName,
    attributes: { Arn: (r) => `${arnPrefix(r, 'logs', true)}:log-group:${logGroupName(r)}:*` },
  },
  'AWS::KMS::Key': {
    ref: kmsKeyId,
    attributes: { KeyId: kmsKeyId, Arn: (r) => `${arnPrefix(r, 'kms', true)}:key/${kmsKeyId(r)}` },
  },
  'AWS::KMS::Alias': { ref: (r) => requiredProp(r, 'AliasName') },
  'AWS::DynamoDB::Table': {
    ref: tableName,
    attributes: { Arn: (r) => `${arnPrefix(r, 'dynamodb', true)}:table/${tableName(r)}` },
  },
  'AWS::ApiGateway::RestApi': {
    ref: apiGatewayId,
    attributes: { RestApiId: apiGatewayId, RootResourceId: (r) => stableToken(`${r.logicalId}/`, 10) },
  },
  'AWS::ApiGateway::Resource': { ref: apiGatewayId, attributes: { ResourceId: apiGatewayId } },
  'AWS::ApiGateway::Method': { ref: apiGatewayId },
  'AWS::ApiGateway::Deployment': { ref: apiGatewayId, attributes: { DeploymentId: apiGatewayId } },
  'AWS::ApiGateway::Stage': { ref: (r) => requiredProp(r, 'StageName') },
  'AWS::ApiGateway::Authorizer': { ref: apiGatewayId, attributes: { AuthorizerId: apiGatewayId } },
  'AWS::ApiGateway::Model': { ref: (r) => stringProp(r, 'Name') ?? r.logicalId },
  'AWS::ApiGateway::RequestValidator': {
    ref: apiGatewayId,
    attributes: { RequestValidatorId: apiGatewayId },
  },
  'AWS::ApiGateway::Account': { ref: apiGatewayId },
  'AWS::ApiGateway::GatewayResponse': { ref: apiGatewayId },
  'AWS::SSM::Parameter': { ref: (r) => requiredProp(r, 'Name') },
  // CloudFormation return values: a topic's Ref is its ARN; an alarm's Ref is its name, Arn its ARN.
  'AWS::SNS::Topic': {
    ref: topicArn,
    attributes: { TopicArn: topicArn, TopicName: (r) => stringProp(r, 'TopicName') ?? r.logicalId },
  },
  'AWS::SNS::TopicPolicy': byLogicalId,
  'AWS::SNS::Subscription': { ref: (r) => `${topicArn(r)}:${uuidLike(r.logicalId)}` },
  'AWS::Logs::MetricFilter': byLogicalId,
  'AWS::CloudWatch::Alarm': {
    ref: alarmName,
    attributes: { Arn: (r) => `${arnPrefix(r, 'cloudwatch', true)}:alarm:${alarmName(r)}` },
  },
  'AWS::CloudWatch::Dashboard': { ref: (r) => stringProp(r, 'DashboardName') ?? r.logicalId },
  // SQS return values: Ref is the queue URL; Arn and QueueName as documented for AWS::SQS::Queue.
  'AWS::SQS::Queue': {
    ref: (r) => `https://sqs.${r.env.region}.${r.env.urlSuffix}/${r.env.account}/${queueName(r)}`,
    attributes: { Arn: (r) => `${arnPrefix(r, 'sqs', true)}:${queueName(r)}`, QueueName: queueName },
  },
  'AWS::SQS::QueuePolicy': byLogicalId,
  // A secret's Ref is its ARN, which ends in a hyphen and six random characters.
  'AWS::SecretsManager::Secret': {
    ref: (r) =>
      `${arnPrefix(r, 'secretsmanager', true)}:secret:${r.logicalId}-${stableToken(r.logicalId, 6, UPPER_AND_DIGITS)}`,
  },
  'AWS::Lambda::EventSourceMapping': byLogicalId,
  // CloudFront return values: a distribution's Ref is its id; DomainName is d<13 characters>.cloudfront.net.
  'AWS::CloudFront::Distribution': {
    ref: distributionId,
    attributes: {
      Id: distributionId,
      DomainName: (r) => `d${stableToken(r.logicalId, 13)}.cloudfront.net`,
    },
  },
  // A function's Ref is its ARN (arn:aws:cloudfront::<account>:function/<Name>).
  'AWS::CloudFront::Function': {
    ref: cloudFrontFunctionArn,
    attributes: { FunctionARN: cloudFrontFunctionArn, 'FunctionMetadata.FunctionARN': cloudFrontFunctionArn },
  },
  'AWS::CloudFront::OriginAccessControl': {
    ref: originAccessControlId,
    attributes: { Id: originAccessControlId },
  },
  'AWS::CloudFront::ResponseHeadersPolicy': {
    ref: (r) => uuidLike(r.logicalId),
    attributes: { Id: (r) => uuidLike(r.logicalId) },
  },
  'AWS::Lambda::LayerVersion': { ref: layerVersionArn, attributes: { LayerVersionArn: layerVersionArn } },
  // The web client's file deployment: nothing refers to it.
  'Custom::CDKBucketDeployment': byLogicalId,
};
