/**
 * Example configuration: every field, with placeholder values. Synthesizing with it works and warns
 * that placeholders are in use. Copy it to `okta-config.ts` (git-ignored) and put in your own values.
 *
 * Any single field can also be overridden with CDK context, e.g.
 *   npx cdk synth -c env=prod -c region=eu-central-1 -c 'allowedOrigins=["https://files.example.com"]'
 */
import type { OktaS3Config } from './app/config/types';

export const config: OktaS3Config = {
  // Stacks are named <stackNamePrefix>-<environment>, e.g. OktaS3Storage-dev.
  stackNamePrefix: 'OktaS3Storage',

  okta: {
    // Okta Admin > Security > API > Authorization Servers: the "Issuer URI", no trailing slash.
    issuer: 'https://example.okta.com/oauth2/default',
    // Client ids of the SPA/native apps whose ID tokens are exchanged for AWS credentials
    // (routes 1 and 2). Each becomes an audience of the IAM OIDC provider.
    clientIds: ['0oaEXAMPLEspa0000000'],
    // Client id of the Okta web app the Cognito user pool federates (route 3).
    webClientId: '0oaEXAMPLEweb0000000',
    // Secrets Manager secret holding that web app's client secret. Create it before deploying;
    // the template only references it.
    webClientSecretName: 'okta-s3-storage/okta-web-client-secret',
  },

  // Every environment is synthesized (`npx cdk ls` lists them) unless `-c env=<name>` picks one.
  environments: {
    dev: {
      // account: '111111111111', // optional: pins the stack to one account
      region: 'eu-west-1',
      // Origins your front end is served from. `*` is refused unless allowAnyOrigin is true.
      // Team folders (routes 1 and 3): each Okta group's members reach teams/<folder>/.
      teamFolders: [
        { group: 'Finance', folder: 'finance', access: 'read-write' },
        { group: 'Finance readers', folder: 'finance', access: 'read' },
        { group: 'Auditors', folder: 'audit', access: 'read' },
      ],
      allowedOrigins: ['http://localhost:5173', 'https://files.dev.example.com'],
      storage: {
        noncurrentVersionExpirationDays: 30, // deleted/replaced versions are recoverable this long
        abortIncompleteMultipartUploadDays: 7,
        accessLogRetentionDays: 90,
        exposedMetadataKeys: ['original-name'], // readable by browsers as x-amz-meta-original-name
        encryption: 's3-managed', // or 'kms' for a customer managed key with rotation
        removalPolicy: 'retain', // 'destroy' deletes the buckets with the stack: throwaway dev only
      },
      presign: {
        urlExpirySeconds: 300,
        maxUploadBytes: 100 * 1024 * 1024,
        maxMultipartUploadBytes: 20 * 1024 * 1024 * 1024,
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
        listPageSize: 100,
        logRetentionDays: 30, // one of CloudWatch Logs' retention values
        tracing: false, // X-Ray traces of the API and the function's STS and S3 calls
      },
      // Alarms and a dashboard (docs/OPERATE.md). On unless enabled: false. Alarms go to a created
      // SNS topic with these e-mail subscriptions, or to alarmTopicArn (then no alarmEmails).
      monitoring: {
        enabled: true,
        alarmEmails: [],
        // alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:platform-alarms',
        handlerErrors: 1, // failed invocations per 5 minutes
        handlerThrottles: 1, // throttled invocations per 5 minutes
        durationPercentOfTimeout: 80, // p99 duration vs the function's 10 s timeout
        server5xxRatePercent: 5, // API 5xx share per 5 minutes
        latencyP99Millis: 3000, // API p99 latency, 15 minutes in a row
        dependencyFaults: 5, // failed STS (or S3) calls per 5 minutes
        refusedPerMinute: 30, // 401/403 answers per minute
      },
      userPool: {
        domainPrefix: 'example-okta-files-dev', // <prefix>.auth.<region>.amazoncognito.com
        callbackUrls: ['http://localhost:5173/callback', 'https://files.dev.example.com/callback'],
        logoutUrls: ['http://localhost:5173/', 'https://files.dev.example.com/'],
        // How long an ID token stays valid (5-1440 minutes, default 60). Signing a user out does
        // not end ID tokens already issued: the API accepts them until they expire.
        idTokenValidityMinutes: 60,
      },
      // Host the reference web client on CloudFront (README: Host the web client). Off unless
      // enabled: run `npm run build:web` first. Its origin joins allowedOrigins, and <origin>/ the
      // callback and logout URLs.
      webClient: { enabled: false, path: 'examples/web/dist' },
    },
    prod: {
      account: '111111111111',
      region: 'eu-west-1',
      // IAM allows one OIDC provider per issuer per account: an environment sharing an account
      // with another (or an account that already federates this issuer) imports it instead.
      oidcProvider: 'create', // or 'import'
      // Team folders: each Okta group's members reach teams/<folder>/ (routes 1 and 3). Okta puts
      // the memberships into the ID token's okta_teams claim: README "Team folders" has the steps.
      teamFolders: [
        { group: 'Finance', folder: 'finance', access: 'read-write' },
        { group: 'Auditors', folder: 'audit', access: 'read' },
      ],
      allowedOrigins: ['https://files.example.com'],
      storage: {
        noncurrentVersionExpirationDays: 365,
        accessLogRetentionDays: 730,
        exposedMetadataKeys: ['original-name'],
        encryption: 'kms',
      },
      presign: { logRetentionDays: 365, tracing: true },
      // GuardDuty Malware Protection for S3: nothing is readable until scanned clean, threats are
      // quarantined (README: Malware scanning; run the backfill once after turning it on).
      malwareScanning: 'guardduty',
      monitoring: { alarmEmails: ['platform-oncall@example.com'] },
      userPool: {
        domainPrefix: 'example-okta-files',
        callbackUrls: ['https://files.example.com/callback'],
        logoutUrls: ['https://files.example.com/'],
      },
      // The web client at a host name of your own, with an ACM certificate in us-east-1 (the only
      // region CloudFront takes certificates from); point a CNAME at the distribution after deploy.
      webClient: {
        enabled: false,
        domainName: 'app.files.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
      },
      // Optional: the Okta Workflows AWS S3 connector. Both values are shown by Okta Workflows
      // when you create the connection.
      workflows: { accountId: '222222222222', externalId: 'example-external-id-from-okta-workflows' },
      // Optional: offboarding (README: Offboarding). When Okta deactivates or deletes a person,
      // their users/<sub>/ moves to offboarded/<sub>/, kept retentionDays (1-36500); a read of
      // Okta's System Log every reconcileIntervalMinutes (5-1440) catches missed events. After
      // deploy, register the Okta event hook with the generated secret.
      offboarding: { retentionDays: 365, reconcileIntervalMinutes: 60 },
    },
  },
};
