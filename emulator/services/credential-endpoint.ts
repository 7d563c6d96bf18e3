import type { TokenIssuer } from './loopback-server';
import type { SessionStore } from './sessions';
import type { StackModel } from './stack-model';

/** What the local Cognito Identity and STS endpoints need: both turn an Okta ID token into a session. */
export interface CredentialEndpointOptions {
  readonly model: StackModel;
  readonly sessions: SessionStore;
  readonly issuers: readonly TokenIssuer[];
  readonly port?: number;
  /** Origins of pages that call this endpoint from a browser (AWS's endpoints answer CORS). */
  readonly corsOrigins?: readonly string[];
}
