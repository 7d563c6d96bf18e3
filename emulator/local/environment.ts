/**
 * `npm run local`'s stack: the chosen environment synthesized from the app's configuration (as
 * `cdk synth` loads it), resolved, and served on loopback by the stand-ins of emulator/services/, with the
 * Okta stand-in, the hosted-UI stand-in, the reference web client and its client configuration.
 * The local web client's origin is added to the environment's allowed origins, callback and
 * sign-out URLs before synthesis, as an operator would with `-c`; nothing else is changed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../app/config/load';
import type { ResolvedEnvironment } from '../../app/config/types';
import { amplifyOutputs, frontEndConfig } from '../../cli/client-config/main';
import type { Outputs } from '../../cli/verify/outputs';
import { resolveTemplate, type ResolvedTemplate } from '../iam/resolve-template';
import { startHostedUi } from '../services/hosted-ui';
import { startLocalStack, type LocalStack } from '../local-stack';
import { startOktaStandIn } from '../services/okta-stand-in';
import { oktaTeamsClaimExpression } from '../../lib/policy/team-folder-names';
import { webClientBundle } from './web-bundle-cache';
import { contentHash, keptJson } from './kept-between-starts';
import { localCertificate, S3_HOST, type LocalCertificate } from '../services/local-certificate';
import { startWebClientServer } from './web-client-server';

/** Each endpoint's offset from `--port-base`. */
export const PORT_OFFSETS = {
  web: 0,
  okta: 1,
  hostedUi: 2,
  api: 3,
  s3: 4,
  cognitoIdentity: 5,
  sts: 6,
  s3Https: 7,
} as const;
export type Endpoint = keyof typeof PORT_OFFSETS;
export const DEFAULT_PORT_BASE = 4400;
/** An account for the template's ARNs when the environment pins none (any 12 digits would do). */
const PLACEHOLDER_ACCOUNT = '123456789012';

export interface LocalEnvironmentOptions {
  readonly projectDir: string;
  /** The environment to run, as `-c env=` names it; the first one of the configuration otherwise. */
  readonly env?: string;
  readonly portBase: number;
  /** Where objects and the client configuration are kept (`.local/`). */
  readonly dataDir: string;
  /**
   * Share links and file requests on, with their defaults (`presign.sharing: {}`), where the
   * environment does not configure them (`npm run local -- --sharing`; the web client's sharing
   * screens need them).
   */
  readonly sharing?: boolean;
}

export interface LocalEnvironment {
  readonly environment: ResolvedEnvironment;
  readonly configSource: string;
  readonly usesPlaceholders: boolean;
  readonly endpoints: Readonly<Record<Endpoint, string>>;
  readonly clientConfigFile: string;
  /** The HTTPS S3 endpoint's certificate, kept in the data directory (for a person to trust). */
  readonly certificate: LocalCertificate;
  readonly stack: LocalStack;
  close(): Promise<void>;
}

const portsFrom = (base: number) =>
  Object.fromEntries(Object.entries(PORT_OFFSETS).map(([name, offset]) => [name, base + offset])) as Record<
    Endpoint,
    number
  >;

export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const ports = portsFrom(options.portBase);
  const endpoints = Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`]),
  ) as Record<Endpoint, string>;
  // Virtual-hosted S3 over HTTPS, as Storage Browser addresses it: `<bucket>.s3.localhost:<port>`.
  endpoints.s3Https = `https://${S3_HOST}:${ports.s3Https}`;
  const origin = endpoints.web;
  const { environment, source, usesPlaceholders } = environmentFor(options, origin);

  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  // The Okta stand-in's issuer process and the web bundle (esbuild) start on the other core while
  // this one synthesizes.
  const oktaStarting = startOktaStandIn({
    port: ports.okta,
    publicClientIds: environment.okta.clientIds,
    confidentialClientIds: [environment.okta.webClientId],
    redirectUris: [`${origin}/callback`, `${endpoints.hostedUi}/oauth2/idpresponse`],
    corsOrigins: [origin],
    teamsExpression: oktaTeamsClaimExpression(environment.teamFolders),
  }).then((okta) => (closers.push(okta.close), okta));
  const bundling = webClientBundle();
  try {
    const certificate = await localCertificate(options.dataDir);
    const template = await synthesize(environment, options.projectDir);
    const [okta, script] = await Promise.all([oktaStarting, bundling]);
    const stack = await startLocalStack({
      template,
      okta: okta.tokens,
      configuredIssuer: environment.okta.issuer,
      ports: { s3: ports.s3, cognitoIdentity: ports.cognitoIdentity, sts: ports.sts, api: ports.api },
      s3Directory: path.join(options.dataDir, 's3'),
      browserOrigins: [origin],
      s3VirtualHost: { host: S3_HOST, key: certificate.key, cert: certificate.cert, port: ports.s3Https },
      // Where the environment scans for malware, a new file reads "still being scanned" this long.
      scanDelayMs: 3000,
    });
    closers.push(stack.close);
    const hostedUi = await startHostedUi({
      port: ports.hostedUi,
      template,
      userPool: stack.userPool,
      oktaIssuerUrl: okta.issuerUrl,
      corsOrigins: [origin],
    });
    closers.push(hostedUi.close);
    const clientConfigFile = writeLocalClientConfig(template, endpoints, okta.issuerUrl, options.dataDir);
    const web = await startWebClientServer({ port: ports.web, bundle: script, clientConfigFile });
    closers.push(web.close);
    return {
      environment,
      configSource: source,
      usesPlaceholders,
      endpoints,
      clientConfigFile,
      certificate,
      stack,
      close,
    };
  } catch (error) {
    // Whatever started is stopped, including what was still starting.
    await Promise.allSettled([oktaStarting, bundling]);
    await close();
    throw error;
  }
}

/** The chosen environment, with the local web client's origin allowed, as `-c` overrides would. */
function environmentFor(options: LocalEnvironmentOptions, origin: string) {
  const chosen = (extra: Record<string, unknown>) => (key: string) => ({ env: options.env, ...extra })[key];
  const first = loadConfig(options.projectDir, chosen({}));
  const envName = options.env ?? first.environments[0].name;
  const configured = first.environments.find((e) => e.name === envName)!;
  const add = (list: readonly string[], value: string) => JSON.stringify([...new Set([...list, value])]);
  const { environments, source, usesPlaceholders } = loadConfig(
    options.projectDir,
    chosen({
      env: envName,
      allowedOrigins: add(configured.allowedOrigins, origin),
      'userPool.callbackUrls': add(configured.userPool.callbackUrls, `${origin}/callback`),
      'userPool.logoutUrls': add(configured.userPool.logoutUrls, `${origin}/`),
    }),
  );
  const [chosenEnvironment] = environments;
  const environment =
    options.sharing && !chosenEnvironment.presign.sharing
      ? { ...chosenEnvironment, presign: { ...chosenEnvironment.presign, sharing: {} } }
      : chosenEnvironment;
  return { environment, source, usesPlaceholders };
}

/** What a synthesized template is made from, besides the environment's settings. */
const TEMPLATE_SOURCES = ['lib', 'app', 'bin', 'lambda', 'cdk.json', 'package-lock.json'];

/**
 * The environment's template, as `cdk synth` builds it, resolved to local values. Kept between
 * starts by a hash of the sources and the settings (emulator/local/kept-between-starts.ts): loading
 * aws-cdk-lib and synthesizing cost a few seconds of CPU at every start.
 */
async function synthesize(environment: ResolvedEnvironment, projectDir: string) {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(projectDir, 'cdk.json'), 'utf8'));
  const json = await keptJson(
    'local-templates',
    contentHash(TEMPLATE_SOURCES, [environment, cdkJson, process.env.CDK_CONTEXT_JSON ?? null]),
    async () => {
      // Loaded only when synthesizing.
      const { App } = await import('aws-cdk-lib');
      const { OktaS3StorageStack } = await import('../../app/okta-s3-storage-stack');
      // The built-in CloudFormation validation costs seconds and decides nothing here, and the local
      // API runs the handler's source, so no stack's assets are bundled (CDK's `bundling-stacks`).
      // Nothing reads the construct tree or its stack traces either: a sixth of the synthesis.
      const app = new App({
        context: {
          ...cdkJson.context,
          'aws:cdk:bundling-stacks': [],
          'aws:cdk:disable-creation-stack-traces': true,
        },
        builtinCloudFormationValidation: false,
        treeMetadata: false,
        stackTraces: false,
      });
      const stack = new OktaS3StorageStack(app, environment.stackName, {
        env: { account: environment.account, region: environment.region },
        settings: environment,
      });
      return app.synth().getStackByName(stack.stackName).template;
    },
  );
  return resolveTemplate(json, {
    account: environment.account ?? PLACEHOLDER_ACCOUNT,
    region: environment.region,
    stackName: environment.stackName,
  });
}

/**
 * The client configuration `npm run client-config` writes for a deployment, from the template's
 * outputs with the local endpoints in place of AWS's, plus `endpoints`: the service endpoints a
 * client overrides locally (a deployment's configuration has none, and the SDK's defaults apply).
 */
function writeLocalClientConfig(
  template: ResolvedTemplate,
  endpoints: Readonly<Record<Endpoint, string>>,
  oktaIssuerUrl: string,
  dataDir: string,
): string {
  const outputs = Object.fromEntries(
    Object.entries(template.outputs).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  ) as Outputs;
  const local: Outputs = { ...outputs, ApiUrl: `${endpoints.api}/`, HostedDomain: endpoints.hostedUi };
  const frontEnd = frontEndConfig(local);
  const config = {
    ...frontEnd,
    // Sign-in goes to the Okta stand-in; the identity pool still names the configured issuer.
    okta: { ...frontEnd.okta, issuer: oktaIssuerUrl },
    endpoints: {
      s3: endpoints.s3,
      // amplify's `customEndpoint`: a host, to which it adds `https://` and the bucket.
      s3VirtualHost: new URL(endpoints.s3Https).host,
      cognitoIdentity: endpoints.cognitoIdentity,
      sts: endpoints.sts,
    },
  };
  const dir = path.join(dataDir, 'client-config');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'amplify_outputs.json'),
    JSON.stringify(amplifyOutputs(local), null, 2) + '\n',
  );
  const file = path.join(dir, 'okta-s3-client.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}
