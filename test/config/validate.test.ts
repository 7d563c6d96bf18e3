import * as path from 'path';
import { ConfigValidationError, validateConfig } from '../../app/config/validate';
import { configure } from '../../app/config/load';
import { testConfig } from '../support/config';

type Mutation = (c: any) => void;

const dev = (c: any) => c.environments.dev;
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

/** Each case: a mutation of a good config, and the field the error must name. */
const BAD_CONFIGS: [string, Mutation, string][] = [
  ['http issuer', (c) => (c.okta.issuer = 'http://test.okta.example/oauth2/default'), 'okta.issuer'],
  [
    'issuer with trailing slash',
    (c) => (c.okta.issuer = 'https://test.okta.example/oauth2/default/'),
    'okta.issuer',
  ],
  [
    'issuer with a query',
    (c) => (c.okta.issuer = 'https://test.okta.example/oauth2/default?x=1'),
    'okta.issuer',
  ],
  ['issuer not a URL', (c) => (c.okta.issuer = 'test.okta.example'), 'okta.issuer'],
  ['no client ids', (c) => (c.okta.clientIds = []), 'okta.clientIds'],
  ['malformed client id', (c) => (c.okta.clientIds = ['0oa bad id!']), 'okta.clientIds[0]'],
  [
    'duplicate client ids',
    (c) => (c.okta.clientIds = ['0oaTESTspa0000000001', '0oaTESTspa0000000001']),
    'okta.clientIds',
  ],
  ['client ids not a list', (c) => (c.okta.clientIds = '0oaTESTspa0000000001'), 'okta.clientIds'],
  ['missing web client id', (c) => delete c.okta.webClientId, 'okta.webClientId'],
  ['secret name with spaces', (c) => (c.okta.webClientSecretName = 'my secret'), 'okta.webClientSecretName'],
  ['stack prefix with underscore', (c) => (c.stackNamePrefix = 'my_store'), 'stackNamePrefix'],
  ['a retired key', (c) => (c.defaultEnvironment = 'dev'), 'defaultEnvironment'],
  ['an unknown top-level key', (c) => (c.stackPrefix = 'X'), 'stackPrefix'],
  ['a typo in an okta key', (c) => (c.okta.clientId = 'x'), 'okta.clientId'],
  ['a typo in an environment key', (c) => (dev(c).allowedOrigin = []), 'environments.dev.allowedOrigin'],
  [
    'a typo in a storage key',
    (c) => (dev(c).storage.noncurrentVersionExpirationDay = 365),
    'environments.dev.storage.noncurrentVersionExpirationDay',
  ],
  ['a typo in a presign key', (c) => (dev(c).presign.urlExpiry = 600), 'environments.dev.presign.urlExpiry'],
  ['tracing not a boolean', (c) => (dev(c).presign.tracing = 'yes'), 'environments.dev.presign.tracing'],
  [
    'a typo in a monitoring key',
    (c) => (dev(c).monitoring = { alarmEmail: [] }),
    'environments.dev.monitoring.alarmEmail',
  ],
  [
    'an alarm e-mail without @',
    (c) => (dev(c).monitoring = { alarmEmails: ['oncall'] }),
    'environments.dev.monitoring.alarmEmails[0]',
  ],
  [
    'a topic that is not an SNS ARN',
    (c) => (dev(c).monitoring = { alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:q' }),
    'environments.dev.monitoring.alarmTopicArn',
  ],
  [
    'e-mails with a topic of your own',
    (c) =>
      (dev(c).monitoring = {
        alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
        alarmEmails: ['a@b.example'],
      }),
    'environments.dev.monitoring.alarmEmails',
  ],
  [
    'a duration threshold above the timeout',
    (c) => (dev(c).monitoring = { durationPercentOfTimeout: 120 }),
    'environments.dev.monitoring.durationPercentOfTimeout',
  ],
  [
    'a zero refusal threshold',
    (c) => (dev(c).monitoring = { refusedPerMinute: 0 }),
    'environments.dev.monitoring.refusedPerMinute',
  ],
  [
    'a typo in a user pool key',
    (c) => (dev(c).userPool.callbackUrl = []),
    'environments.dev.userPool.callbackUrl',
  ],
  [
    'an unknown workflows key',
    (c) => (c.environments.prod.workflows.externalID = 'x'),
    'environments.prod.workflows.externalID',
  ],
  ['a region that AWS does not have', (c) => (dev(c).region = 'eu-wset-1'), 'environments.dev.region'],
  ['no environments', (c) => (c.environments = {}), 'environments'],
  ['environments not an object', (c) => (c.environments = ['dev']), 'environments'],
  ['bad environment name', (c) => (c.environments.Prod_1 = c.environments.prod), 'environments.Prod_1'],
  ['unknown OIDC provider mode', (c) => (dev(c).oidcProvider = 'reuse'), 'environments.dev.oidcProvider'],
  ['team folders not a list', (c) => (dev(c).teamFolders = { group: 'x' }), 'environments.dev.teamFolders'],
  [
    'a team folder entry with an unknown key',
    (c) => (dev(c).teamFolders = [{ group: 'finance', access: 'read', acces: 'read' }]),
    'environments.dev.teamFolders[0].acces',
  ],
  ['a teams prefix that is not a string', (c) => (dev(c).teamsPrefix = 7), 'environments.dev.teamsPrefix'],
  [
    'unknown identity pool audiences',
    (c) => (dev(c).identityPoolAudiences = 'any'),
    'environments.dev.identityPoolAudiences',
  ],
  ['malformed region', (c) => (dev(c).region = 'europe-west'), 'environments.dev.region'],
  ['short account id', (c) => (dev(c).account = '12345'), 'environments.dev.account'],
  [
    'wildcard origin without opt-in',
    (c) => (dev(c).allowedOrigins = ['*']),
    'environments.dev.allowedOrigins[0]',
  ],
  [
    'origin with a path',
    (c) => (dev(c).allowedOrigins = ['https://files.test.example/app']),
    'environments.dev.allowedOrigins[0]',
  ],
  [
    'origin with trailing slash',
    (c) => (dev(c).allowedOrigins = ['https://files.test.example/']),
    'environments.dev.allowedOrigins[0]',
  ],
  [
    'plain http origin',
    (c) => (dev(c).allowedOrigins = ['http://files.test.example']),
    'environments.dev.allowedOrigins[0]',
  ],
  [
    'wildcard subdomain origin',
    (c) => (dev(c).allowedOrigins = ['https://*.test.example']),
    'environments.dev.allowedOrigins[0]',
  ],
  ['no origins', (c) => (dev(c).allowedOrigins = []), 'environments.dev.allowedOrigins'],
  ['allowAnyOrigin not a boolean', (c) => (dev(c).allowAnyOrigin = 'yes'), 'environments.dev.allowAnyOrigin'],
  [
    'zero-day version expiry',
    (c) => (dev(c).storage.noncurrentVersionExpirationDays = 0),
    'environments.dev.storage.noncurrentVersionExpirationDays',
  ],
  [
    'fractional multipart abort',
    (c) => (dev(c).storage.abortIncompleteMultipartUploadDays = 1.5),
    'environments.dev.storage.abortIncompleteMultipartUploadDays',
  ],
  [
    'log retention as a string',
    (c) => (dev(c).storage.accessLogRetentionDays = '90'),
    'environments.dev.storage.accessLogRetentionDays',
  ],
  [
    'metadata key with a space',
    (c) => (dev(c).storage.exposedMetadataKeys = ['original name']),
    'environments.dev.storage.exposedMetadataKeys[0]',
  ],
  [
    'metadata key with its prefix',
    (c) => (dev(c).storage.exposedMetadataKeys = ['x-amz-meta-name']),
    'environments.dev.storage.exposedMetadataKeys[0]',
  ],
  [
    'uppercase metadata key',
    (c) => (dev(c).storage.exposedMetadataKeys = ['Name']),
    'environments.dev.storage.exposedMetadataKeys[0]',
  ],
  ['unknown encryption', (c) => (dev(c).storage.encryption = 'aes'), 'environments.dev.storage.encryption'],
  [
    'unknown removal policy',
    (c) => (dev(c).storage.removalPolicy = 'snapshot'),
    'environments.dev.storage.removalPolicy',
  ],
  [
    'URL expiry too long',
    (c) => (dev(c).presign.urlExpirySeconds = 7200),
    'environments.dev.presign.urlExpirySeconds',
  ],
  [
    'URL expiry too short',
    (c) => (dev(c).presign.urlExpirySeconds = 10),
    'environments.dev.presign.urlExpirySeconds',
  ],
  [
    'upload cap over 5 GiB',
    (c) => (dev(c).presign.maxUploadBytes = 6 * 1024 ** 3),
    'environments.dev.presign.maxUploadBytes',
  ],
  [
    'multipart cap over S3’s largest object (48.8 TiB)',
    (c) => (dev(c).presign.maxMultipartUploadBytes = 10_000 * 5 * 1024 ** 3 + 1),
    'environments.dev.presign.maxMultipartUploadBytes',
  ],
  ['an unknown compliance profile', (c) => (dev(c).compliance = 'pci'), 'environments.dev.compliance'],
  [
    'an unknown malware scanning setting',
    (c) => ((dev(c) as { malwareScanning?: unknown }).malwareScanning = true),
    'environments.dev.malwareScanning',
  ],
  [
    'the Control Tower profile without a central access-log bucket',
    (c) => (dev(c).compliance = 'control-tower'),
    'environments.dev.storage.accessLogsBucketName',
  ],
  [
    'the Control Tower profile hosting the web client',
    (c) => {
      dev(c).compliance = 'control-tower';
      dev(c).storage.accessLogsBucketName = 'central-logs';
      dev(c).webClient = { enabled: true };
    },
    'environments.dev.webClient.enabled',
  ],
  [
    'an access-log bucket name S3 would refuse',
    (c) => (dev(c).storage.accessLogsBucketName = 'Central_Logs'),
    'environments.dev.storage.accessLogsBucketName',
  ],
  [
    'negative throttling rate',
    (c) => (dev(c).presign.throttlingRateLimit = -1),
    'environments.dev.presign.throttlingRateLimit',
  ],
  [
    'zero burst',
    (c) => (dev(c).presign.throttlingBurstLimit = 0),
    'environments.dev.presign.throttlingBurstLimit',
  ],
  [
    'page size over 1000',
    (c) => (dev(c).presign.listPageSize = 5000),
    'environments.dev.presign.listPageSize',
  ],
  [
    'log retention CloudWatch refuses',
    (c) => (dev(c).presign.logRetentionDays = 45),
    'environments.dev.presign.logRetentionDays',
  ],
  [
    'domain prefix containing cognito',
    (c) => (dev(c).userPool.domainPrefix = 'my-cognito-files'),
    'environments.dev.userPool.domainPrefix',
  ],
  [
    'ID tokens shorter than Cognito allows (5 minutes)',
    (c) => ((dev(c).userPool as { idTokenValidityMinutes?: number }).idTokenValidityMinutes = 4),
    'environments.dev.userPool.idTokenValidityMinutes',
  ],
  [
    'ID tokens longer than Cognito allows (1 day)',
    (c) => ((dev(c).userPool as { idTokenValidityMinutes?: number }).idTokenValidityMinutes = 1441),
    'environments.dev.userPool.idTokenValidityMinutes',
  ],
  [
    'uppercase domain prefix',
    (c) => (dev(c).userPool.domainPrefix = 'Files'),
    'environments.dev.userPool.domainPrefix',
  ],
  [
    'domain prefix shared by two environments',
    (c) => (c.environments.prod.userPool.domainPrefix = 'test-files-dev'),
    'environments.prod.userPool.domainPrefix',
  ],
  [
    'http callback URL off localhost',
    (c) => (dev(c).userPool.callbackUrls = ['http://files.test.example/cb']),
    'environments.dev.userPool.callbackUrls[0]',
  ],
  ['no logout URLs', (c) => (dev(c).userPool.logoutUrls = []), 'environments.dev.userPool.logoutUrls'],
  ['missing user pool', (c) => delete dev(c).userPool, 'environments.dev.userPool'],
  ['webClient not an object', (c) => (dev(c).webClient = true), 'environments.dev.webClient'],
  [
    'a typo in a webClient key',
    (c) => (dev(c).webClient = { enable: true }),
    'environments.dev.webClient.enable',
  ],
  [
    'webClient.enabled not a boolean',
    (c) => (dev(c).webClient = { enabled: 'yes' }),
    'environments.dev.webClient.enabled',
  ],
  ['an empty webClient.path', (c) => (dev(c).webClient = { path: ' ' }), 'environments.dev.webClient.path'],
  [
    'a URL for webClient.domainName',
    (c) => (dev(c).webClient = { domainName: 'https://files.test.example', certificateArn: CERTIFICATE }),
    'environments.dev.webClient.domainName',
  ],
  [
    'a webClient domain name without a certificate',
    (c) => (dev(c).webClient = { domainName: 'files.test.example' }),
    'environments.dev.webClient.certificateArn',
  ],
  [
    'a webClient certificate without a domain name',
    (c) => (dev(c).webClient = { certificateArn: CERTIFICATE }),
    'environments.dev.webClient.domainName',
  ],
  [
    'a webClient certificate outside us-east-1',
    (c) =>
      (dev(c).webClient = {
        domainName: 'files.test.example',
        certificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1'),
      }),
    'environments.dev.webClient.certificateArn',
  ],
  [
    'a webClient certificate that is no ACM ARN',
    (c) => (dev(c).webClient = { domainName: 'files.test.example', certificateArn: 'my-certificate' }),
    'environments.dev.webClient.certificateArn',
  ],
  [
    'workflows account id malformed',
    (c) => (c.environments.prod.workflows.accountId = 'okta'),
    'environments.prod.workflows.accountId',
  ],
  [
    'workflows external id too short',
    (c) => (c.environments.prod.workflows.externalId = 'x'),
    'environments.prod.workflows.externalId',
  ],
  [
    'an unknown offboarding key',
    (c) => (dev(c).offboarding = { retention: 30 }),
    'environments.dev.offboarding.retention',
  ],
  [
    'an offboarding retention of no days',
    (c) => (dev(c).offboarding = { retentionDays: 0 }),
    'environments.dev.offboarding.retentionDays',
  ],
  [
    'a reconcile interval under 5 minutes',
    (c) => (dev(c).offboarding = { reconcileIntervalMinutes: 2 }),
    'environments.dev.offboarding.reconcileIntervalMinutes',
  ],
];

function problemsOf(mutate: Mutation): readonly string[] {
  const config = testConfig();
  mutate(config);
  try {
    validateConfig(config);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('validateConfig', () => {
  test('accepts the test configuration and the committed example', () => {
    expect(validateConfig(testConfig())).toEqual(testConfig());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => validateConfig(require('../../okta-config.example').config)).not.toThrow();
  });

  test.each(BAD_CONFIGS.map(([name, mutate, field]) => ({ name, mutate, field })))(
    'rejects $name, naming $field',
    ({ mutate, field }) => {
      expect(problemsOf(mutate)[0]).toMatch(
        new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: (expected|unknown key)`),
      );
    },
  );

  test('has at least 20 distinct bad configurations', () => {
    expect(new Set(BAD_CONFIGS.map(([name]) => name)).size).toBeGreaterThanOrEqual(20);
  });

  test('lists every bad field in one error', () => {
    const problems = problemsOf((c) => {
      c.okta.issuer = 'http://x';
      dev(c).region = 'nowhere';
      dev(c).allowedOrigins = ['*'];
      dev(c).presign.urlExpirySeconds = 0;
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'okta.issuer',
      'environments.dev.region',
      'environments.dev.allowedOrigins[0]',
      'environments.dev.presign.urlExpirySeconds',
    ]);
  });

  test('says what was expected and what it got', () => {
    const problems = problemsOf((c) => (dev(c).region = 'nowhere'));
    expect(problems[0]).toBe(
      'environments.dev.region: expected an AWS region such as eu-west-1, got "nowhere"',
    );
  });

  test("imports the account's OIDC provider with or without the retired identityPoolAudiences", () => {
    for (const extra of [{}, { identityPoolAudiences: 'any-of-shared-provider' }]) {
      const config = testConfig();
      Object.assign(dev(config), { oidcProvider: 'import', ...extra });
      expect(() => validateConfig(config)).not.toThrow();
    }
  });

  describe('team folders', () => {
    test('each bad entry is named, with the rule it breaks, in one error', () => {
      const problems = problemsOf((c) => {
        dev(c).teamFolders = [
          { group: 'finance', access: 'read-write' },
          { group: 'payroll', folder: 'pay/roll', access: 'read' },
          { group: 'finance', access: 'write' },
        ];
        dev(c).region = 'nowhere';
      });
      expect(problems).toEqual([
        expect.stringMatching(/^environments\.dev\.region: /),
        expect.stringMatching(/^environments\.dev\.teamFolders\[1\]\.folder: "pay\/roll" must be/),
        expect.stringMatching(/^environments\.dev\.teamFolders\[2\]\.group: "finance" is listed twice/),
        expect.stringMatching(/^environments\.dev\.teamFolders\[2\]\.access: must be "read" or "read-write"/),
      ]);
    });

    test('a teams prefix inside the users prefix is refused, naming the environment', () => {
      expect(problemsOf((c) => (dev(c).teamsPrefix = 'users/teams/'))).toEqual([
        'environments.dev.teamsPrefix: "users/teams/" and usersPrefix "users/" must not contain one another',
      ]);
    });

    test('route 3 honours memberships 5 minutes to 1 day after a sign-in', () => {
      expect(problemsOf((c) => (dev(c).presign.teamMembershipMaxAgeMinutes = 2))[0]).toMatch(
        /^environments\.dev\.presign\.teamMembershipMaxAgeMinutes: expected an integer from 5 to 1440/,
      );
    });
  });

  test('the Control Tower profile refuses the hosted client naming each control it would fail', () => {
    const [problem] = problemsOf((c) => {
      Object.assign(dev(c), { compliance: 'control-tower', webClient: { enabled: true } });
      dev(c).storage.accessLogsBucketName = 'central-logs';
    });
    expect(problem).toMatch(
      /^environments\.dev\.webClient\.enabled: expected false with compliance 'control-tower', got true/,
    );
    for (const control of [
      'CT.CLOUDFRONT.PR.4',
      'CT.S3.PR.2',
      'PR.9',
      'PR.10',
      'PR.11',
      'CT.LAMBDA.PR.3',
      'CT.CLOUDWATCH.PR.3',
    ])
      expect(problem).toContain(control);
  });

  test('accepts "*" only with allowAnyOrigin', () => {
    const config = testConfig();
    Object.assign(dev(config), { allowedOrigins: ['*'], allowAnyOrigin: true });
    expect(() => validateConfig(config)).not.toThrow();
  });

  test('accepts http on localhost and 127.0.0.1 with a port', () => {
    const config = testConfig();
    dev(config).allowedOrigins = ['http://localhost:3000', 'http://127.0.0.1:8080'];
    expect(() => validateConfig(config)).not.toThrow();
  });

  test('rejects a config that is not an object', () => {
    expect(() => validateConfig(undefined)).toThrow('config: expected an object, got nothing');
  });
});

describe('unknown keys and typos', () => {
  test('a typo at any depth is refused with the field it probably meant', () => {
    expect(problemsOf((c) => (dev(c).storage.noncurrentVersionExpirationDay = 365))).toEqual([
      'environments.dev.storage.noncurrentVersionExpirationDay: unknown key; did you mean "noncurrentVersionExpirationDays"?',
    ]);
  });

  test('a key nothing resembles lists what the section holds', () => {
    expect(problemsOf((c) => (c.okta.colour = 'blue'))).toEqual([
      'okta.colour: unknown key; expected one of issuer, clientIds, webClientId, webClientSecretName',
    ]);
  });

  test('a misspelt region is refused with the region it probably meant', () => {
    expect(problemsOf((c) => (dev(c).region = 'eu-wset-1'))).toEqual([
      'environments.dev.region: expected an AWS region (did you mean "eu-west-1"?), got "eu-wset-1"',
    ]);
  });

  test('the retired defaultEnvironment says what to do instead', () => {
    expect(problemsOf((c) => (c.defaultEnvironment = 'dev'))[0]).toMatch(
      /^defaultEnvironment: unknown key; every environment is built unless -c env=<name> picks one/,
    );
  });
});

describe('webClient', () => {
  test('is off unless enabled, and its folder is the project’s examples/web/dist', () => {
    const [environment] = configure(testConfig(), (key) => (key === 'env' ? 'dev' : undefined)).environments;
    expect(environment.webClient).toEqual({
      enabled: false,
      path: path.join(__dirname, '..', '..', 'examples', 'web', 'dist'),
    });
  });

  test('a domain name of its own with a us-east-1 certificate is accepted', () => {
    const config = testConfig() as any;
    dev(config).webClient = { enabled: false, domainName: 'files.test.example', certificateArn: CERTIFICATE };
    expect(() => validateConfig(config)).not.toThrow();
  });

  test('a certificate in another region is refused, saying why and what to do', () => {
    expect(
      problemsOf(
        (c) =>
          (dev(c).webClient = {
            domainName: 'files.test.example',
            certificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1'),
          }),
      ),
    ).toEqual([
      // The value is shortened to 80 characters, as every value in these messages.
      expect.stringMatching(
        /^environments\.dev\.webClient\.certificateArn: expected a certificate in us-east-1, the only region whose ACM certificates CloudFront can use \(this one is in eu-west-1: request or import it in us-east-1\), got "arn:aws:acm:eu-west-1:123456789012:certificate\//,
      ),
    ]);
  });

  test('a typo in its keys gets the key it probably meant', () => {
    expect(problemsOf((c) => (dev(c).webClient = { domainname: 'files.test.example' }))).toEqual([
      'environments.dev.webClient.domainname: unknown key; did you mean "domainName"?',
    ]);
  });
});

describe('configure', () => {
  test('fails before building anything when an override is bad', () => {
    expect(() => configure(testConfig(), (key) => ({ env: 'dev', region: 'mars-1' })[key])).toThrow(
      /environments\.dev\.region: expected an AWS region/,
    );
  });
});
