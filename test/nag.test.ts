import { CfnResource } from 'aws-cdk-lib';
import { controlTowerTestConfig, sharingTestConfig, webClientTestConfig } from './support/config';
import { memoizedForSources } from './support/source-memo';
import { synthesize, SynthesizedStack } from './support/synth';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly appliesTo?: unknown[];
  readonly reason: string;
}

/**
 * Every acknowledged cdk-nag finding, by construct path inside the `OktaS3Storage` construct and rule. A new acknowledgement, or one
 * that silently widens, fails here until it is reviewed and listed.
 */
const BUCKET_DEPLOYMENT = 'Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C';

const EXPECTED_ACKNOWLEDGEMENTS: Record<string, Omit<Acknowledgement, 'reason'>[]> = {
  // The stack's own access-log bucket, and no API execution logs (the default profile).
  defaultProfile: [
    { path: 'Storage/AccessLogs/Resource', id: 'AwsSolutions-S1' },
    { path: 'PresignApi/Api/DeploymentStage.v1/Resource', id: 'AwsSolutions-APIG6' },
  ],
  common: [
    {
      path: 'IdentityPool/AuthenticatedRole/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/users\/<aws:PrincipalTag\/okta_sub>\/\*$/` },
      ],
    },
    {
      path: 'WebIdentity/Role/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        {
          regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/users\/<test\.okta\.example\/oauth2\/default:sub>\/\*$/`,
        },
      ],
    },
    ...['UserPool/Pool/Resource'].flatMap((path) =>
      ['AwsSolutions-COG2', 'AwsSolutions-COG3', 'AwsSolutions-COG8'].map((id) => ({ path, id })),
    ),
    { path: 'PresignApi/Api/DeploymentStage.v1/Resource', id: 'AwsSolutions-APIG3' },
    ...[
      'Default',
      'Default/uploads',
      'Default/files',
      'Default/downloads',
      'Default/folders',
      'Default/multipart-uploads',
      ...['parts', 'status', 'complete', 'abort'].map((step) => `Default/multipart-uploads/${step}`),
    ].flatMap((resource) =>
      ['AwsSolutions-APIG4', 'AwsSolutions-COG4'].map((id) => ({
        path: `PresignApi/Api/${resource}/OPTIONS/Resource`,
        id,
      })),
    ),
    {
      // Lambda names its own log streams: the function may write any stream of its own log group.
      path: 'PresignApi/HandlerRole/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        {
          regex: String.raw`/^Resource::arn:[^:]+:logs:[^:]+:[^:]+:log-group:<[A-Za-z0-9]+>:log-stream:\*$/`,
        },
      ],
    },
    // Alarm notifications carry no user data; CloudWatch cannot publish to an aws/sns-encrypted topic.
    { path: 'Monitoring/AlarmTopic/Resource', id: 'AwsSolutions-SNS2' },
    {
      path: 'PresignApi/PresignRole/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/users\/<aws:PrincipalTag\/okta_sub>\/\*$/` },
      ],
    },
  ],
  // dev has team folders finance, fin and auditors: each role's wildcard is one folder, and every
  // statement on it requires the okta_teams session tag to name the membership.
  dev: ['IdentityPool/AuthenticatedRole', 'PresignApi/PresignRole'].map((role) => ({
    path: `${role}/DefaultPolicy/Resource`,
    id: 'AwsSolutions-IAM5',
    appliesTo: ['finance', 'fin', 'auditors'].map((folder) => ({
      regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/teams\/${folder}\/\*$/`,
    })),
  })),
  prod: [
    // Tracing is on in prod: X-Ray's write actions take no resource ARN.
    {
      path: 'PresignApi/HandlerRole/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Resource::*'],
    },
    {
      path: 'PresignApi/Api/CloudWatchRole/Resource',
      id: 'AwsSolutions-IAM4',
      appliesTo: [
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      ],
    },
    {
      path: 'WorkflowsConnector/Role/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [{ regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/` }],
    },
    // malwareScanning 'guardduty': AWS's role template for the plan (GuardDuty names its managed
    // rules, and scans and tags any object of the bucket).
    {
      path: 'MalwareProtection/Role/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        {
          regex: String.raw`/^Resource::arn:[^:]+:events:[^:]+:[^:]+:rule\/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3\*$/`,
        },
        { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/` },
      ],
    },
    // The quarantine function: any object of the scanned folders, quarantine/, its own log streams.
    {
      path: 'MalwareQuarantine/Role/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/[A-Za-z0-9._/-]+\/\*$/` },
        {
          regex: String.raw`/^Resource::arn:[^:]+:logs:[^:]+:[^:]+:log-group:<[A-Za-z0-9]+>:log-stream:\*$/`,
        },
      ],
    },
  ],
  // The hosted web client (webClient.enabled), in either environment.
  webClient: [
    { path: 'WebClient/AccessLogs/Resource', id: 'AwsSolutions-S1' },
    // Geo restriction and WAF: the page is static code for the organisation's people anywhere.
    { path: 'WebClient/Distribution/Resource', id: 'AwsSolutions-CFR1' },
    { path: 'WebClient/Distribution/Resource', id: 'AwsSolutions-CFR2' },
    // CDK's BucketDeployment function (a stack-wide singleton) copies the build and the configuration.
    { path: `${BUCKET_DEPLOYMENT}/Resource`, id: 'AwsSolutions-L1' },
    {
      path: `${BUCKET_DEPLOYMENT}/ServiceRole/Resource`,
      id: 'AwsSolutions-IAM4',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
    {
      path: `${BUCKET_DEPLOYMENT}/ServiceRole/DefaultPolicy/Resource`,
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        {
          regex: String.raw`/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/`,
        },
        { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/` },
      ],
    },
  ],
  // The Control Tower profile: the function in a VPC manages its network interfaces through Lambda.
  controlTower: [
    {
      path: 'PresignApi/HandlerRole/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Resource::*'],
    },
    {
      path: 'MalwareQuarantine/Role/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Resource::*'],
    },
  ],
  // Sharing (presign.sharing): the visit methods take no token of the pool (the link's token is the
  // credential, checked by the Lambda), and every new resource has a CORS preflight.
  sharing: [
    // Pinned share links: versions under users/ and teams/, narrowed per visit by a session policy.
    {
      path: 'PresignApi/PinnedLinks/Role/DefaultPolicy/Resource',
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/users\/\*$/` },
        { regex: String.raw`/^Resource::<[A-Za-z0-9]+\.Arn>\/teams\/\*$/` },
      ],
    },
    ...['s/{token}/GET', 'r/{token}/GET', 'r/{token}/uploads/POST'].flatMap((method) =>
      ['AwsSolutions-APIG4', 'AwsSolutions-COG4'].map((id) => ({
        path: `PresignApi/Api/Default/${method}/Resource`,
        id,
      })),
    ),
    ...[
      'share-links',
      'share-links/revoke',
      'file-requests',
      'file-requests/revoke',
      's',
      's/{token}',
      'r',
      'r/{token}',
      'r/{token}/uploads',
    ].flatMap((resource) =>
      ['AwsSolutions-APIG4', 'AwsSolutions-COG4'].map((id) => ({
        path: `PresignApi/Api/Default/${resource}/OPTIONS/Resource`,
        id,
      })),
    ),
  ],
  // Offboarding: the hook route takes Okta's shared secret, not Cognito; the secrets are shared with
  // Okta by hand; each function's wildcards are its log streams and the folders it manages.
  offboarding: offboardingAcknowledgements([]),
  // With tracing (prod) or in a VPC (Control Tower), X-Ray's and the network-interface actions too.
  offboardingAnyResource: offboardingAcknowledgements(['Resource::*']),
  // Without a domain name of its own, CloudFront's default certificate sets the minimum TLS version.
  webClientOnCloudFrontDomain: [{ path: 'WebClient/Distribution/Resource', id: 'AwsSolutions-CFR4' }],
};

function offboardingAcknowledgements(anyResource: string[]): Omit<Acknowledgement, 'reason'>[] {
  const folders: [string, string[]][] = [
    ['Hook', ['offboarding\\-ledger']],
    ['Reconciler', ['offboarding\\-ledger']],
    ['Mover', ['users', 'offboarded']],
  ];
  return [
    ...['GET', 'POST', 'OPTIONS'].flatMap((method) =>
      ['AwsSolutions-APIG4', 'AwsSolutions-COG4'].map((id) => ({
        path: `PresignApi/Api/Default/okta-event-hook/${method}/Resource`,
        id,
      })),
    ),
    ...['HookSecret', 'OktaApiToken'].map((secret) => ({
      path: `Offboarding/${secret}/Resource`,
      id: 'AwsSolutions-SMG4',
    })),
    ...folders.map(([fn, prefixes]) => ({
      path: `Offboarding/${fn}Role/DefaultPolicy/Resource`,
      id: 'AwsSolutions-IAM5',
      appliesTo: [
        {
          regex: String.raw`/^Resource::arn:[^:]+:logs:[^:]+:[^:]+:log-group:<[A-Za-z0-9]+>:log-stream:\*$/`,
        },
        ...prefixes.map((folder) => ({ regex: `/^Resource::<[A-Za-z0-9]+\\.Arn>\\/${folder}\\/\\*$/` })),
        ...anyResource,
      ],
    })),
  ];
}

/** How cdk-nag stores an acknowledgement in the resource's metadata. */
interface StoredSuppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: unknown[];
}

function acknowledgements({ stack }: SynthesizedStack): Acknowledgement[] {
  return stack.node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .flatMap((resource) =>
      ((resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as StoredSuppression[]).map((rule) => ({
        // Inside the store by its path there; a stack-wide singleton by its path in the stack.
        path: resource.node.path.replace(`${stack.store.node.path}/`, '').replace(`${stack.node.path}/`, ''),
        id: rule.id,
        ...(rule.applies_to ? { appliesTo: rule.applies_to } : {}),
        reason: rule.reason,
      })),
    );
}

const CASES: [string, string, unknown, string[]][] = [
  ['dev', 'dev', undefined, ['defaultProfile', 'dev', 'offboarding']],
  ['prod', 'prod', undefined, ['defaultProfile', 'prod', 'offboarding']],
  [
    'dev, hosting the web client',
    'dev',
    webClientTestConfig(),
    ['defaultProfile', 'dev', 'webClient', 'webClientOnCloudFrontDomain', 'offboarding'],
  ],
  [
    'prod, hosting the web client at its own domain',
    'prod',
    webClientTestConfig(),
    ['defaultProfile', 'prod', 'webClient', 'offboarding'],
  ],
  [
    'prod, under the Control Tower profile',
    'prod',
    controlTowerTestConfig(),
    ['prod', 'controlTower', 'offboardingAnyResource'],
  ],
  ['prod, with sharing', 'prod', sharingTestConfig(), ['defaultProfile', 'prod', 'sharing', 'offboarding']],
];

/**
 * The findings and acknowledgements of a case's synthesis with the nag packs applied. Kept between
 * runs by the case and the sources its template is made from (lib, app, lambda, cdk.json, the
 * installed cdk-nag, test/support): the syntheses with every rule applied cost over a second of CPU each.
 */
function nagReport(env: string, config: unknown): { findings: string[]; acks: Acknowledgement[] } {
  return memoizedForSources('cdk-nag', [env, config ?? 'the test configuration'], () => {
    const synthesized = synthesize(config, { env }, { withNag: true });
    // The messages of the synthesis `synthesize` already ran, which applied the nag rules.
    // Annotations.fromStack would synthesize the whole stack again (a second or so per case).
    const findings = synthesized.app
      .synth()
      .getStackArtifact(synthesized.stack.artifactId)
      .messages.filter((m) => m.level === 'error' || m.level === 'warning')
      .filter((m) => /AwsSolutions-.*/.test(String(m.entry.data)))
      .map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`);
    return { findings, acks: acknowledgements(synthesized) };
  });
}

describe.each(CASES)('cdk-nag AwsSolutions on the %s environment', (_name, env, config, sets) => {
  let report: ReturnType<typeof nagReport>;
  beforeAll(() => {
    report = nagReport(env, config);
  });

  test('has no unacknowledged errors or warnings', () => {
    expect(report.findings).toEqual([]);
  });

  test('acknowledges exactly the reviewed findings, each with a reason', () => {
    const acks = report.acks;
    const expected = [
      ...EXPECTED_ACKNOWLEDGEMENTS.common,
      ...sets.flatMap((set) => EXPECTED_ACKNOWLEDGEMENTS[set]),
    ];
    expect(acks.map(({ reason: _reason, ...rest }) => rest)).toEqual(expect.arrayContaining(expected));
    expect(acks).toHaveLength(expected.length);
    for (const ack of acks) expect(ack.reason).toMatch(/^[\x20-\x7e]{40,}$/);
  });
});
