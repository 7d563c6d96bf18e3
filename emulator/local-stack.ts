/**
 * Every local endpoint of a deployment, started from its resolved synthesized template: the
 * SigV4-checking S3 server behind the IAM-enforcing front, the Cognito identity-pool and STS
 * endpoints for routes 1 and 2, and the user pool plus presign API (the real handler) for route 3.
 * All on 127.0.0.1; `close()` stops every one of them.
 */
import { randomUUID } from 'crypto';
import type { ResolvedTemplate } from './iam/resolve-template';
import type { OidcIssuer } from './services/oidc-issuer';
import { issuerKeyPrefix } from './iam/web-identity-context';
import { CfnCorsRule, corsConfigurationXml } from './model/cors-config';
import { LocalS3, startLocalS3 } from './services/s3-server';
import { startCognitoIdentityEndpoint } from './services/cognito-identity-endpoint';
import type { LoopbackServer, TokenIssuer } from './services/loopback-server';
import { PresignApi, startPresignApi } from './services/presign-api';
import { S3Front, startS3Front } from './services/s3-front';
import { SessionStore } from './services/sessions';
import { stackModel, StackModel } from './services/stack-model';
import { startStsEndpoint } from './services/sts-endpoint';
import { LocalUserPool, localUserPool } from './services/user-pool';
import { LocalEventBus, localEventBus } from './services/event-bus';
import { LocalQuarantineFunction, quarantineFunction } from './services/quarantine-function';
import { scanResultEvent } from './model/s3-scan-rules';

export interface LocalStack {
  readonly model: StackModel;
  readonly sessions: SessionStore;
  readonly s3: S3Front;
  /** s3rver itself, behind the front: what AWS's own services and a test's administrator read. */
  readonly storage: LocalS3;
  readonly cognitoIdentity: LoopbackServer;
  readonly sts: LoopbackServer;
  readonly userPool: LocalUserPool;
  readonly api: PresignApi;
  /** EventBridge's default bus: the scan stand-in's results go to the rules' functions. */
  readonly events: LocalEventBus;
  /** The quarantine function, where the template has one (malware scanning on). */
  readonly quarantine?: LocalQuarantineFunction;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  readonly template: ResolvedTemplate;
  /** The issuer standing in for Okta, and the configured issuer it stands in for. */
  readonly okta: OidcIssuer;
  readonly configuredIssuer: string;
  /** Fixed ports for the endpoints clients call (e.g. for `npm run local`); free ports otherwise. */
  readonly ports?: Readonly<Partial<Record<'s3' | 'cognitoIdentity' | 'sts' | 'api', number>>>;
  /** Where the S3 server keeps objects across restarts; a temporary directory otherwise. */
  readonly s3Directory?: string;
  /** Origins of browser pages that call Cognito Identity and STS (AWS's endpoints answer CORS). */
  readonly browserOrigins?: readonly string[];
  /** How long the stand-in malware scan of a new object takes (see s3-front.ts). @default 0 */
  readonly scanDelayMs?: number;
  /** Events wait on the bus until `events.deliverHeld()` (event-bus.ts). @default false: delivered at once */
  readonly holdEvents?: boolean;
  /** An HTTPS listener for virtual-hosted S3 requests (`<bucket>.s3.localhost`): see s3-front.ts. */
  readonly s3VirtualHost?: {
    readonly host: string;
    readonly key: string;
    readonly cert: string;
    readonly port?: number;
  };
}

/** The local issuer as the endpoints use it: its own `iss`, under the configured issuer's name. */
export function tokenIssuer(okta: OidcIssuer, configuredIssuer: string): TokenIssuer {
  return {
    iss: okta.url,
    providerName: issuerKeyPrefix(configuredIssuer),
    verify: (token, audiences) => okta.verify(token, audiences),
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const model = stackModel(options.template);
  const ports = options.ports ?? {};
  const sessions = new SessionStore();
  const issuers = [tokenIssuer(options.okta, options.configuredIssuer)];
  const started: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(server: T) => (started.push(server), server);
  const close = async () => {
    for (const server of started.reverse()) await server.close();
  };
  try {
    // The bucket's CORS rules from the template: s3rver answers preflights and adds CORS headers with them.
    const corsRules = model.template.resources[model.bucketLogicalId].Properties.CorsConfiguration as
      { CorsRules: CfnCorsRule[] } | undefined;
    const s3rver: LocalS3 = track(
      await startLocalS3(
        [{ name: model.bucketName, configs: corsRules ? [corsConfigurationXml(corsRules.CorsRules)] : [] }],
        options.s3Directory,
      ),
    );
    const corsOrigins = options.browserOrigins ?? [];
    const events = localEventBus(model.template, { hold: options.holdEvents });
    const s3 = track(
      await startS3Front({
        model,
        sessions,
        s3Endpoint: s3rver.endpoint,
        port: ports.s3,
        virtualHost: options.s3VirtualHost,
        scanDelayMs: options.scanDelayMs,
        onScanResult: ({ key, versionId, status }) =>
          events.put(scanResultEvent(model.bucketName, key, status, versionId ?? 'null', randomUUID())),
      }),
    );
    const quarantine = quarantineFunction({ model, sessions, s3Endpoint: s3.url });
    if (quarantine) {
      track(quarantine);
      events.register(quarantine.functionId, quarantine.invoke);
    }
    // Closed before the front and the function: a scan that ends while closing delivers nothing.
    track(events);
    const cognitoIdentity = track(
      await startCognitoIdentityEndpoint({
        model,
        sessions,
        issuers,
        port: ports.cognitoIdentity,
        corsOrigins,
      }),
    );
    const sts = track(await startStsEndpoint({ model, sessions, issuers, port: ports.sts, corsOrigins }));
    const userPool = localUserPool(options.template, issuers[0]);
    const api = track(
      await startPresignApi({
        model,
        sessions,
        userPool,
        stsEndpoint: sts.url,
        s3Endpoint: s3.url,
        port: ports.api,
      }),
    );
    return {
      model,
      sessions,
      s3,
      storage: s3rver,
      cognitoIdentity,
      sts,
      userPool,
      api,
      events,
      quarantine,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
