import { AssumeRoleCommand, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';

/** Role chaining (Lambda role → presign role) caps a session at one hour. */
export const SESSION_DURATION_SECONDS = 3600;
/** Slack between a URL's expiry and its session's, for clock skew and slow clients. */
export const SAFETY_MARGIN_SECONDS = 60;
export const DEFAULT_MAX_CALLERS = 1000;
/** The session tag the presign role's policy reads as `${aws:PrincipalTag/okta_sub}`. */
export const OKTA_SUB_TAG = 'okta_sub';
/** The session tag the team-folder statements read as `aws:PrincipalTag/okta_teams`. */
export const OKTA_TEAMS_TAG = 'okta_teams';

/** The one STS call this module makes; `STSClient` satisfies it, and tests pass a stub. */
export interface AssumeRoleClient {
  send(command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput>;
}

export interface CallerSessionsOptions {
  readonly sts: AssumeRoleClient;
  readonly roleArn: string;
  readonly urlExpirySeconds: number;
  readonly now?: () => Date;
  readonly maxCallers?: number;
}

/** Where a caller's session came from: the cache, or a new AssumeRole call. */
export type CredentialsSource = 'cached' | 'assumed';

/** Temporary credentials of one caller's session (structurally the SDK's credential identity). */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration: Date;
}

/**
 * Per-caller session credentials, so every URL is signed by a session that can reach only that
 * caller's prefix (and team folders, when `teams` is given). Sessions are keyed by the sub AND the
 * teams tag: a caller whose memberships changed gets a new session, never one tagged with the old
 * ones. A cached session is reused only while it outlives any URL signed now; the cache forgets the
 * least recently used caller beyond `maxCallers`.
 */
export class CallerSessions {
  private readonly sessions = new Map<string, SessionCredentials>();
  private readonly now: () => Date;
  private readonly maxCallers: number;
  private readonly minRemainingMs: number;

  constructor(private readonly options: CallerSessionsOptions) {
    this.now = options.now ?? (() => new Date());
    this.maxCallers = options.maxCallers ?? DEFAULT_MAX_CALLERS;
    this.minRemainingMs = (options.urlExpirySeconds + SAFETY_MARGIN_SECONDS) * 1000;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** `teams` is the `okta_teams` tag value (`:finance=rw:`); undefined sends no such tag. */
  async credentialsFor(
    sub: string,
    observe?: (source: CredentialsSource) => void,
    teams?: string,
  ): Promise<SessionCredentials> {
    const key = JSON.stringify([sub, teams ?? null]);
    const cached = this.sessions.get(key);
    this.sessions.delete(key); // re-inserted below, as the most recently used
    const reusable = cached !== undefined && this.lastsLongEnough(cached);
    observe?.(reusable ? 'cached' : 'assumed');
    const session = reusable ? cached : await this.assumeRole(sub, teams);
    this.sessions.set(key, session);
    if (this.sessions.size > this.maxCallers) {
      this.sessions.delete(this.sessions.keys().next().value as string);
    }
    return session;
  }

  private lastsLongEnough(session: SessionCredentials): boolean {
    return session.expiration.getTime() - this.now().getTime() >= this.minRemainingMs;
  }

  private async assumeRole(sub: string, teams: string | undefined): Promise<SessionCredentials> {
    const { Credentials: c } = await this.options.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.options.roleArn,
        RoleSessionName: roleSessionName(sub),
        DurationSeconds: SESSION_DURATION_SECONDS,
        Tags: [
          { Key: OKTA_SUB_TAG, Value: sub },
          ...(teams === undefined ? [] : [{ Key: OKTA_TEAMS_TAG, Value: teams }]),
        ],
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error('AssumeRole returned no credentials');
    }
    const session: SessionCredentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    // Signing with a session that dies before the URL would hand out URLs that stop early.
    if (!this.lastsLongEnough(session)) throw new Error('AssumeRole returned too short a session');
    return session;
  }
}

/** CloudTrail's name for the session; the tag, not this name, is what grants access. */
export function roleSessionName(sub: string): string {
  return `okta-${sub}`.slice(0, 64);
}
