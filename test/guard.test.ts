import {
  applicableRuleFiles,
  GuardAcknowledgement,
  GuardFinding,
  runControlTowerGuard,
  staleAcknowledgements,
  unacknowledged,
} from './support/control-tower-guard';
import { controlTowerTestConfig, sharingTestConfig, webClientTestConfig } from './support/config';
import { contentsOf, memoizedForSources } from './support/source-memo';
import { templateJson } from './support/template-cache';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VALIDATOR_VERSION = require('@cdklabs/cdk-validator-cfnguard/package.json').version as string;

/**
 * AWS Control Tower's proactive controls (the cfn-guard rules bundled with
 * @cdklabs/cdk-validator-cfnguard) on the synthesized template of every environment of the test
 * configuration and of the committed okta-config.example.ts: one cfn-guard run for all of them.
 * Control descriptions: https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const EXAMPLE = require('../okta-config.example').config;
const ENVIRONMENTS = {
  'test dev': templateJson(undefined, { env: 'dev' }),
  'test prod': templateJson(undefined, { env: 'prod' }),
  'example dev': templateJson(EXAMPLE, { env: 'dev' }),
  'example prod': templateJson(EXAMPLE, { env: 'prod' }),
  // The test configuration hosting the web client: dev on CloudFront's domain, prod on its own.
  'test web dev': templateJson(webClientTestConfig(), { env: 'dev' }),
  'test web prod': templateJson(webClientTestConfig(), { env: 'prod' }),
  // The Control Tower profile (compliance: 'control-tower'): no finding may be acknowledged there.
  'test control-tower prod': templateJson(controlTowerTestConfig(), { env: 'prod' }),
  // Share links and file requests on (presign.sharing): the table, its key and the public methods.
  'test sharing prod': templateJson(sharingTestConfig(), { env: 'prod' }),
};
const NAMES = Object.keys(ENVIRONMENTS);
const CONTROL_TOWER_PROFILE = 'test control-tower prod';
const DEFAULT_PROFILE = NAMES.filter((name) => name !== CONTROL_TOWER_PROFILE);
const SSE_S3_DATA_BUCKETS = ['test dev', 'example dev', 'test web dev'];
const WEB_CLIENT = ['test web dev', 'test web prod'];
/** The default-profile environments with offboarding on (the example turns it on in prod only). */
const OFFBOARDING = [
  'test dev',
  'test prod',
  'example prod',
  'test web dev',
  'test web prod',
  'test sharing prod',
];
/** The environments scanning for malware: the quarantine function is there. */
const SCANNING = ['test prod', 'example prod', 'test web prod', 'test sharing prod'];

/** A template that must fail: shows the rules really run and findings really reach the ledger. */
const NEGATIVE_CONTROL = {
  Resources: {
    OpenBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    PublicInvoke: {
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: 'lambda:InvokeFunction', FunctionName: 'f', Principal: '*' },
    },
  },
};

/**
 * Every acknowledged Control Tower finding: control, resource (logical id) and where. A new
 * finding, or an acknowledgement that no longer matches, fails below until it is reviewed here.
 */
const DEFAULT_PROFILE_LEDGER: GuardAcknowledgement[] = [
  {
    control: 'CT.LAMBDA.PR.2',
    resource:
      /^PresignApi(uploadsPOST|filesGET|downloadsPOST|foldersGET|multipartuploads(parts|status|complete|abort)?POST)ApiPermission/,
    templates: ['example dev'],
    reason:
      "A false positive of the rule, where no account is configured: each API Gateway invoke permission names its method's execute-api SourceArn, but CDK builds it with Fn::Join, which the rule does not recognise. With an account (every other environment) the permissions also name it as a literal SourceAccount, which the rule accepts. The model test of Lambda permissions checks that every SourceArn covers its method.",
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resource: /^PresignApiHandler[0-9A-F]{8}$/,
    reason:
      'The presign function reaches only public AWS endpoints (STS, S3) and no private resource; a VPC would add NAT or endpoint costs and cold-start time for no isolation gain.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resource: /^MalwareQuarantineHandler[0-9A-F]{8}$/,
    templates: SCANNING,
    reason:
      "The quarantine function (malwareScanning 'guardduty') reaches only S3's public endpoint and no private resource; a VPC would add endpoint costs for no isolation gain. The Control Tower profile puts it in the VPC.",
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resource: /^MalwareQuarantineLogs[0-9A-F]{8}$/,
    templates: SCANNING,
    reason:
      "CloudWatch Logs encrypts the quarantine function's log group with service-managed keys; it records keys, versions and threat names, never file contents, and the Control Tower profile puts it under the logs key.",
  },
  {
    control: 'CT.APIGATEWAY.PR.2',
    resource: /^PresignApiDeploymentStagev1/,
    templates: ['test dev', 'example dev', 'test web dev'],
    reason:
      'X-Ray tracing is configurable (presign.tracing) and on in the production environments; these development environments leave it off to save cost, and requests stay attributable by the JSON access log and the function logs.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resource: /^PresignApi(AccessLogs|HandlerLogs)[0-9A-F]{8}$/,
    reason:
      'CloudWatch Logs encrypts every log group at rest with service-managed keys; a customer managed key would add a key policy for logs.<region>.amazonaws.com and a monthly key cost, and these logs hold no file contents, tokens or URLs.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resource: /^Offboarding(Hook|Mover|Reconciler)[0-9A-F]{8}$/,
    templates: OFFBOARDING,
    reason:
      "The offboarding functions reach only public AWS endpoints (S3, SQS, Secrets Manager) and Okta's System Log on the internet, no private resource; a VPC would need endpoints and, for Okta, a NAT gateway. The Control Tower profile puts them in the VPC.",
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resource: /^Offboarding(Hook|Mover|Reconciler)Logs[0-9A-F]{8}$/,
    templates: OFFBOARDING,
    reason:
      'As for the presign logs: CloudWatch Logs encrypts every log group at rest with service-managed keys, and the offboarding logs hold Okta user ids and counts, no file contents or secrets. The Control Tower profile encrypts them with its logs key.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.2',
    resource: /^PresignApi(AccessLogs|HandlerLogs)[0-9A-F]{8}$/,
    templates: ['example dev'],
    reason:
      "The example's development environment keeps logs for 30 days by choice (presign.logRetentionDays); production keeps them 365 days or more.",
  },
  {
    control: 'CT.S3.PR.10',
    resource: /^StorageAccessLogs[0-9A-F]{8}$/,
    reason:
      'Server access log delivery cannot write to a bucket whose default encryption is SSE-KMS, so the log bucket uses SSE-S3.',
  },
  {
    control: 'CT.S3.PR.10',
    resource: /^StorageData[0-9A-F]{8}$/,
    templates: SSE_S3_DATA_BUCKETS,
    reason:
      "SSE-S3 is the configured choice for these environments (storage.encryption: 's3-managed'); storage.encryption: 'kms' gives SSE-KMS with a key used only through S3.",
  },
  {
    control: 'CT.S3.PR.11',
    resource: /^StorageAccessLogs[0-9A-F]{8}$/,
    reason:
      'Access logs are written once by the S3 logging service and expire by lifecycle; no principal is granted delete, so versions would only keep copies of expired logs.',
  },
  {
    control: 'CT.S3.PR.2',
    resource: /^StorageAccessLogs[0-9A-F]{8}$/,
    reason: 'This is the access-log destination; logging it into itself would loop.',
  },
  {
    control: 'CT.S3.PR.4',
    resource: /^StorageAccessLogs[0-9A-F]{8}$/,
    reason:
      'The access-log bucket holds only logs S3 writes; events of each log object would reach EventBridge for nothing. The data bucket sends its events to EventBridge.',
  },
  {
    control: 'CT.S3.PR.9',
    resource: /^Storage(AccessLogs|Data)[0-9A-F]{8}$/,
    reason:
      'Object Lock would stop the lifecycle rules expiring noncurrent versions and old access logs after their configured windows; recoverability comes from versioning, and users cannot delete versions.',
  },
  {
    control: 'CT.APIGATEWAY.PR.1',
    resource: /^PresignApiDeploymentStagev1/,
    reason:
      'The same decision as the cdk-nag AwsSolutions-APIG6 acknowledgement: execution logging would make API Gateway create its own log group (API-Gateway-Execution-Logs_<id>/v1) outside the stack with no retention, and at INFO with data tracing copy presigned URLs (bearer secrets); the stage has JSON access logs with a set retention, and the function logs every fault.',
  },
  // The hosted web client (webClient.enabled). Met: a default root object (PR.1), HTTPS only
  // (PR.3), access logging (PR.5), origin access control (PR.10); and, with a domain name and a
  // us-east-1 certificate, a custom certificate (PR.6), SNI (PR.7) and TLSv1.2_2021 (PR.9).
  {
    control: 'CT.CLOUDFRONT.PR.4',
    resource: /^WebClientDistribution[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      "Origin failover needs a second copy of the client in a bucket of another region for CloudFront to fall back to. The client is a static build the stack deploys again in minutes, and an S3 outage in the store's region stops the store's own API, identity pool and data bucket too, so a second origin would keep no working client up.",
  },
  ...['CT.CLOUDFRONT.PR.6', 'CT.CLOUDFRONT.PR.7', 'CT.CLOUDFRONT.PR.9'].map((control) => ({
    control,
    resource: /^WebClientDistribution[0-9A-F]{8}$/,
    templates: ['test web dev'],
    reason:
      "Without webClient.domainName, CloudFront serves *.cloudfront.net with its own default certificate, whose minimum TLS version CloudFront sets and which has no SNI setting; with a domain name and a us-east-1 certificateArn (as in 'test web prod') the distribution uses that certificate, SNI only and TLSv1.2_2021.",
  })),
  {
    control: 'CT.LAMBDA.PR.3',
    resource: /^CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      "CDK's BucketDeployment function runs only during deploys and reaches only S3's public endpoint (the asset bucket and the client bucket); a VPC would need S3 endpoints or NAT for no isolation gain.",
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resource: /^WebClientDeploymentLogs[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      "CloudWatch Logs encrypts the deployment function's log group with service-managed keys; it records only which files a deploy copied, and a customer managed key would add a key policy for logs.<region>.amazonaws.com and a monthly key cost.",
  },
  {
    control: 'CT.S3.PR.10',
    resource: /^WebClientFiles[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      'The client bucket holds the static build that CloudFront serves to anyone who opens the page, and no user data; SSE-S3 encrypts it at rest, and SSE-KMS would add a key and a key policy for CloudFront and the deployment function for no confidentiality gain.',
  },
  {
    control: 'CT.S3.PR.10',
    resource: /^WebClientAccessLogs[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      "The web client's log bucket receives the client bucket's server access logs, which cannot be delivered to a bucket whose default encryption is SSE-KMS, so it uses SSE-S3, like the store's log bucket.",
  },
  {
    control: 'CT.S3.PR.11',
    resource: /^WebClientAccessLogs[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      'Access logs are written once by CloudFront and the S3 logging service and expire by lifecycle; no principal is granted delete, so versions would only keep copies of expired logs.',
  },
  {
    control: 'CT.S3.PR.2',
    resource: /^WebClientAccessLogs[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason: "This is the web client's access-log destination; logging it into itself would loop.",
  },
  {
    control: 'CT.S3.PR.4',
    resource: /^WebClient(AccessLogs|Files)[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      "Nothing consumes these buckets' events; an unused notification target would be one more thing to secure.",
  },
  {
    control: 'CT.S3.PR.9',
    resource: /^WebClient(AccessLogs|Files)[0-9A-F]{8}$/,
    templates: WEB_CLIENT,
    reason:
      "Object Lock would stop the lifecycle rules expiring replaced versions of the client's files and old access logs; the files are a build the stack deploys again, and the logs expire by design.",
  },
];
/** Entries that name no environment cover every environment of the default profile. */
const LEDGER = DEFAULT_PROFILE_LEDGER.map((ack) => ({ ...ack, templates: ack.templates ?? DEFAULT_PROFILE }));

let findings: GuardFinding[];
let ruleFileCount: number;
beforeAll(() => {
  // The environments' findings are kept between runs, by the templates, the rules and the
  // validator's version: cfn-guard over seven templates costs about 10 s of CPU. The negative
  // control runs every time, so a broken engine still fails here.
  const environments = memoizedForSources(
    'control-tower-guard',
    [ENVIRONMENTS, contentsOf(applicableRuleFiles(Object.values(ENVIRONMENTS))), VALIDATOR_VERSION],
    () => runControlTowerGuard(ENVIRONMENTS),
  );
  const negative = runControlTowerGuard({ 'negative control': NEGATIVE_CONTROL });
  findings = [...environments.findings, ...negative.findings];
  ruleFileCount = environments.ruleFileCount;
});
const ofEnvironments = () => findings.filter((f) => NAMES.includes(f.template));

test('the rules run: a bucket with nothing set and a public Lambda permission fail', () => {
  expect(ruleFileCount).toBeGreaterThan(20);
  const failed = findings
    .filter((f) => f.template === 'negative control')
    .map((f) => `${f.control} ${f.resource}`);
  expect(failed).toEqual(expect.arrayContaining(['CT.S3.PR.1 OpenBucket', 'CT.LAMBDA.PR.2 PublicInvoke']));
});

test('every finding in every environment is acknowledged', () => {
  expect(unacknowledged(ofEnvironments(), LEDGER)).toEqual([]);
});

test('every acknowledgement still matches a finding in each environment it covers', () => {
  expect(staleAcknowledgements(ofEnvironments(), LEDGER, NAMES)).toEqual([]);
});

test('the Control Tower profile fails no Control Tower rule at all', () => {
  expect(findings.filter((f) => f.template === CONTROL_TOWER_PROFILE)).toEqual([]);
  expect(LEDGER.filter((ack) => ack.templates.includes(CONTROL_TOWER_PROFILE))).toEqual([]);
});

test('every acknowledgement gives a reason', () => {
  for (const ack of LEDGER) expect(ack.reason.length).toBeGreaterThan(40);
});

describe('the ledger check itself', () => {
  const finding: GuardFinding = {
    control: 'CT.X.PR.1',
    ruleName: 'x',
    resource: 'Thing1234ABCD',
    template: 'test dev',
  };
  const ack: GuardAcknowledgement = {
    control: 'CT.X.PR.1',
    resource: /^Thing/,
    templates: ['test dev'],
    reason: 'r',
  };

  test('an unacknowledged finding is reported', () => {
    expect(unacknowledged([finding], [])).toEqual([finding]);
    expect(unacknowledged([finding], [{ ...ack, templates: ['test prod'] }])).toEqual([finding]);
    expect(unacknowledged([finding], [ack])).toEqual([]);
  });

  test('a stale acknowledgement is reported, per environment it names', () => {
    expect(staleAcknowledgements([], [ack], NAMES)).toEqual(['CT.X.PR.1 /^Thing/ @ test dev']);
    expect(
      staleAcknowledgements([finding], [{ ...ack, templates: undefined }], ['test dev', 'test prod']),
    ).toEqual(['CT.X.PR.1 /^Thing/ @ test prod']);
    expect(staleAcknowledgements([finding], [ack], NAMES)).toEqual([]);
  });
});
