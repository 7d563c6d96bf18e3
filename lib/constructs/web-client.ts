import { Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CLIENT_CONFIG_FILE } from '../client-config';
import { Defaults } from '../defaults';
import { NagSuppressions } from '../peer';
import { connectSourceProblem } from '../validation/origins';
import { throwIfProblems } from '../validation/problems';
import { cloudFrontCertificateProblem, isDomainName } from '../validation/rules';

/** The hosting's own settings: everything but what the client calls and its configuration. */
export interface WebClientOptions {
  /**
   * The built client: a folder with `index.html` at its root, e.g.
   * `s3deploy.Source.asset('examples/web/dist')` after `npm run build:web`.
   */
  readonly source: s3deploy.ISource;
  /**
   * The host name users open the client at, e.g. `files.example.com`, served with `certificate`
   * (TLS 1.2 or later only). Point a DNS record (CNAME or alias) at the distribution yourself.
   * @default - CloudFront's own `d1234abcd.cloudfront.net`, with CloudFront's default certificate
   */
  readonly domainName?: string;
  /**
   * An ACM certificate covering `domainName`, in us-east-1: CloudFront uses certificates from no
   * other region. Required with `domainName`.
   * @default - none: CloudFront's default certificate
   */
  readonly certificate?: acm.ICertificate;
  /**
   * The client's sign-in callback: the one path besides `/` that CloudFront answers with
   * `index.html` (a CloudFront Function rewrites it), because Okta and Cognito send users back
   * there and the bucket holds no such object.
   * @default '/callback'
   */
  readonly callbackPath?: string;
  /**
   * How long CloudFront's access logs and the client bucket's server access logs are kept (whole
   * days).
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * How long the file-deployment function's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly deploymentLogRetention?: logs.RetentionDays;
  /**
   * What happens to the buckets and the deployment's log group when they leave the stack.
   * `RemovalPolicy.DESTROY` also empties the buckets first (an auto-delete custom resource).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export interface WebClientProps extends WebClientOptions {
  /**
   * Everything the client calls besides its own origin: the Content-Security-Policy's
   * `connect-src`. Each is an origin (`https://host[:port]`) or a wildcard host source
   * (`https://*.host`); tokens are allowed and resolve at deploy time. More can be added with
   * `addConnectSources`.
   * @default - only the client's own origin
   */
  readonly connectSources?: string[];
  /**
   * Where the client may show images and play audio and video from besides its own origin: the
   * Content-Security-Policy's `img-src` and `media-src`, for file previews from presigned URLs.
   * The same forms as `connectSources`. More can be added with `addMediaSources`.
   * @default - images only from the client's own origin and `data:`, no audio or video
   */
  readonly mediaSources?: string[];
  /**
   * The client's configuration, deployed beside `index.html` as `okta-s3-client.json`. Its values
   * may be tokens: they are written at deploy time. Can also be given later with
   * `deployClientConfig`.
   * @default - none
   */
  readonly clientConfig?: { [key: string]: unknown };
}

/** Folder of the log bucket that receives CloudFront's standard (access) logs. */
export const CLOUDFRONT_LOG_PREFIX = 'cloudfront/';
/** Folder of the log bucket that receives the client bucket's server access logs. */
export const WEB_BUCKET_LOG_PREFIX = 'web-client-bucket/';
/** The reference client's sign-in callback path (`examples/web/src/config.ts`). */
export const DEFAULT_CALLBACK_PATH = '/callback';
/** How long browsers must use HTTPS only for the client's host (two years, in seconds). */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 60 * 60;

/**
 * A built single-page client served from a private S3 bucket through CloudFront with origin access
 * control: HTTPS only, security headers on every response (a Content-Security-Policy whose
 * `connect-src` names exactly what the client calls, HSTS, no framing, no sniffing, no referrer),
 * `index.html` as the default root object, access logs for the distribution and the bucket, and the
 * client's configuration deployed beside it.
 */
export class WebClient extends Construct {
  /** The client's files. Private: only this distribution reads it, through origin access control. */
  public readonly bucket: s3.Bucket;
  /**
   * Receives CloudFront's standard logs (under `cloudfront/`) and the client bucket's server access
   * logs (under `web-client-bucket/`). CloudFront's standard logs are written through bucket ACLs,
   * so this bucket keeps ACLs enabled (object writer ownership) and blocks every public ACL.
   */
  public readonly logBucket: s3.Bucket;
  /** The distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** The security headers of every response. */
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** Copies the client (and its configuration) into the bucket at deploy time. */
  public readonly deployment: s3deploy.BucketDeployment;
  /** Where users open the client: `https://<domainName>`, or `https://<distribution domain>` (a token). */
  public readonly origin: string;
  /** Where Okta and the hosted UI send users back after sign-in: `<origin><callbackPath>`. */
  public readonly callbackUrl: string;
  /**
   * Whether the client is served at a domain name of its own (`domainName`), so that its origin is
   * known before the distribution exists.
   */
  public readonly hasOwnDomain: boolean;
  /**
   * The Content-Security-Policy header value, as deployed: its tokens resolve in CloudFormation.
   */
  public readonly contentSecurityPolicy: string;

  private readonly connectSources: string[] = [];
  private readonly mediaSources: string[] = [];
  private clientConfigDeployed = false;

  constructor(scope: Construct, id: string, props: WebClientProps) {
    super(scope, id);
    throwIfProblems(this, [
      ...hostingProblems(props),
      ...sourceProblems('connectSources', props.connectSources ?? []),
      ...sourceProblems('mediaSources', props.mediaSources ?? []),
    ]);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = removalPolicy === RemovalPolicy.DESTROY;
    this.connectSources.push(...(props.connectSources ?? []));
    this.mediaSources.push(...(props.mediaSources ?? []));

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // CloudFront's standard logs are delivered by an ACL grant to its log-delivery account: a
      // bucket with ACLs disabled (bucket owner enforced) receives none
      // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html).
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.accessLogRetention ?? Duration.days(Defaults.ACCESS_LOG_RETENTION_DAYS),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    });

    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(Defaults.NONCURRENT_VERSION_EXPIRATION_DAYS),
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(Defaults.ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS),
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    this.deliverServerAccessLogsByPolicy();

    this.contentSecurityPolicy = Lazy.string({ produce: () => this.renderContentSecurityPolicy() });
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'okta-s3-storage web client: CSP naming exactly what the client calls, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const certificate = props.certificate;
    const callbackPath = props.callbackPath ?? DEFAULT_CALLBACK_PATH;
    // A viewer-request function: no Lambda, and nothing but this one path is rewritten, so a
    // missing file is still a missing file (no error response turns every 403 into index.html).
    const callbackToIndex = new cloudfront.Function(this, 'CallbackToIndex', {
      comment: `okta-s3-storage web client: ${callbackPath} is index.html`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(callbackRewrite(callbackPath)),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'okta-s3-storage web client',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
        functionAssociations: [
          { function: callbackToIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(certificate && props.domainName
        ? {
            domainNames: [props.domainName],
            certificate,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
      logBucket: this.logBucket,
      logFilePrefix: CLOUDFRONT_LOG_PREFIX,
    });
    this.hasOwnDomain = props.domainName !== undefined;
    this.origin = props.domainName
      ? `https://${props.domainName}`
      : `https://${this.distribution.distributionDomainName}`;
    this.callbackUrl = `${this.origin}${callbackPath}`;

    // CloudFormation has no resource that writes objects into a bucket, so the files and the
    // configuration (whose values exist only once the stack's other resources do) are copied by a
    // custom resource: CDK's BucketDeployment, a Lambda function that unpacks the build from the
    // CDK asset bucket and writes the configuration with its tokens substituted at deploy time.
    const deploymentLogs = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: props.deploymentLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [props.source],
      destinationBucket: this.bucket,
      // Browsers and CloudFront revalidate every file, so a deploy shows at once without a
      // CloudFront invalidation (which the function could only be granted on every distribution).
      cacheControl: [s3deploy.CacheControl.noCache()],
      logGroup: deploymentLogs,
    });
    if (props.clientConfig) this.deployClientConfig(props.clientConfig);
    this.acknowledgeFindings(certificate !== undefined);
  }

  /**
   * Allows the client to call more origins (the Content-Security-Policy's `connect-src`): each an
   * origin (`https://host[:port]`) or a wildcard host source (`https://*.host`), tokens allowed.
   */
  public addConnectSources(...sources: string[]): void {
    throwIfProblems(this, sourceProblems('connectSources', sources));
    this.connectSources.push(...sources);
  }

  /**
   * Allows the client to show images and play audio and video from more origins (the
   * Content-Security-Policy's `img-src` and `media-src`), as file previews from presigned URLs
   * need: the same forms as `addConnectSources`.
   */
  public addMediaSources(...sources: string[]): void {
    throwIfProblems(this, sourceProblems('mediaSources', sources));
    this.mediaSources.push(...sources);
  }

  /**
   * Deploys the client's configuration beside `index.html` as `okta-s3-client.json`. Its values
   * may be tokens: they are written at deploy time. Once per web client.
   */
  public deployClientConfig(config: { [key: string]: unknown }): void {
    if (this.clientConfigDeployed) {
      throwIfProblems(this, [`clientConfig: ${CLIENT_CONFIG_FILE} is already deployed; give it once`]);
    }
    this.clientConfigDeployed = true;
    this.deployment.addSource(s3deploy.Source.jsonData(CLIENT_CONFIG_FILE, config));
  }

  /**
   * The policy, directive by directive: nothing by default; scripts, styles and fonts only from
   * the client's own origin (styles also inline: the reference client's page holds a `<style>`
   * element, and style can run no script); images from it, `data:` and `mediaSources`; audio and
   * video only from `mediaSources`; workers only from `blob:` URLs (the zip of a multi-file
   * download); requests only to its origin and `connectSources`; no framing, no `<base>`, no form
   * posts.
   */
  private renderContentSecurityPolicy(): string {
    const connect = ["'self'", ...new Set(this.connectSources)];
    const media = [...new Set(this.mediaSources)];
    return [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      `img-src ${["'self'", 'data:', ...media].join(' ')}`,
      ...(media.length ? [`media-src ${media.join(' ')}`] : []),
      // Storage Browser's multi-file download zips in a worker made from a blob: URL (zip.js).
      'worker-src blob:',
      "font-src 'self'",
      "manifest-src 'self'",
      `connect-src ${connect.join(' ')}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
  }

  /** Server access logs by bucket policy, never an ACL grant, as the data bucket's are. */
  private deliverServerAccessLogsByPolicy() {
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: this.logBucket.bucketName,
      logFilePrefix: WEB_BUCKET_LOG_PREFIX,
    };
    this.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.logBucket.arnForObjects(`${WEB_BUCKET_LOG_PREFIX}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }

  private acknowledgeFindings(customCertificate: boolean) {
    NagSuppressions.addResourceSuppressions(this.logBucket, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This is the access-log destination; logging it into itself would loop.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          "The client's users are the organisation's people, wherever they are; the page is static code, and every file it reaches needs an Okta sign-in.",
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves only static files with GET and HEAD; every data call goes to AWS APIs that require a signed-in user. Attach an organisation WAF web ACL if one is mandated.',
      },
      ...(customCertificate
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'Without a custom domain, CloudFront serves *.cloudfront.net with its default certificate, whose minimum protocol CloudFront sets itself; give domainName and a us-east-1 certificate to allow TLSv1.2_2021 and later only.',
            },
          ]),
    ]);
    this.acknowledgeDeploymentFunction();
  }

  /**
   * The findings on CDK's BucketDeployment function, which every BucketDeployment of a stack
   * shares (its role's grants name the CDK asset bucket and each destination bucket).
   */
  private acknowledgeDeploymentFunction() {
    const role = this.deployment.handlerRole;
    const handler = Stack.of(this)
      .node.children.filter((c): c is lambda.Function => c instanceof lambda.Function)
      .find((fn) => fn.role === role);
    if (!handler) return;
    NagSuppressions.addResourceSuppressions(handler, [
      {
        id: 'AwsSolutions-L1',
        reason:
          "The BucketDeployment function's runtime is chosen by aws-cdk-lib, which bundles the AWS CLI layer it needs; it moves with aws-cdk-lib upgrades and runs only during deploys.",
      },
    ]);
    NagSuppressions.addResourceSuppressions(role, [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          "CDK's BucketDeployment function writes its logs through AWSLambdaBasicExecutionRole, which grants only log-group and log-stream writes.",
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
    ]);
    NagSuppressions.addResourceSuppressions(role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "CDK's BucketDeployment function reads the build from the CDK asset bucket and replaces every object of the client bucket: S3's read, list, put, delete and abort actions on those two buckets' objects, nothing else.",
        appliesTo: [
          ...DEPLOYMENT_WILDCARD_ACTIONS.map((action) => `Action::${action}`),
          {
            regex: String.raw`/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/`,
          },
          { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/` },
        ],
      },
    ]);
  }
}

/** The wildcard S3 actions of `grantRead` and `grantReadWrite`, which BucketDeployment grants its function. */
const DEPLOYMENT_WILDCARD_ACTIONS = [
  's3:GetObject*',
  's3:GetBucket*',
  's3:List*',
  's3:DeleteObject*',
  's3:Abort*',
];

/** The CloudFront Function (cloudfront-js-2.0) that serves `index.html` at the callback path. */
function callbackRewrite(callbackPath: string): string {
  return [
    'function handler(event) {',
    '  var request = event.request;',
    `  if (request.uri === ${JSON.stringify(callbackPath)}) request.uri = '/index.html';`,
    '  return request;',
    '}',
  ].join('\n');
}

function hostingProblems(props: WebClientOptions): string[] {
  const problems: string[] = [];
  const callbackPath = props.callbackPath;
  if (
    callbackPath !== undefined &&
    !(/^(\/[A-Za-z0-9._~-]+)+$/.test(callbackPath) && !callbackPath.split('/').includes('..'))
  ) {
    problems.push(
      `callbackPath: "${callbackPath}" is not a path such as /callback (segments of letters, digits and . _ ~ -)`,
    );
  }
  const { domainName, certificate } = props;
  if (domainName !== undefined && !Token.isUnresolved(domainName) && !isDomainName(domainName)) {
    problems.push(`domainName: "${domainName}" is not a host name such as files.example.com`);
  }
  if (domainName !== undefined && !certificate) {
    problems.push(
      'certificate: required with domainName (CloudFront serves a custom domain only with a certificate that covers it)',
    );
  }
  if (certificate && domainName === undefined) {
    problems.push('domainName: required with certificate (the host name the certificate covers)');
  }
  const arn = certificate?.certificateArn;
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    const problem = cloudFrontCertificateProblem(arn);
    if (problem) problems.push(`certificate: expected ${problem}, got "${arn}"`);
  }
  const retention = props.accessLogRetention;
  if (retention !== undefined && !retention.isUnresolved()) {
    const days = retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1)
      problems.push('accessLogRetention: expected a whole number of days, at least 1');
  }
  return problems;
}

function sourceProblems(prop: string, sources: readonly string[]): string[] {
  return sources.flatMap((source) => {
    if (Token.isUnresolved(source)) return [];
    const problem = connectSourceProblem(source);
    return problem ? [`${prop}: "${source}" is not ${problem}`] : [];
  });
}
