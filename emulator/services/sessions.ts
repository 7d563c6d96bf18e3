import { randomBytes } from 'crypto';
import type { PolicyDocument, RequestContext } from '../iam/simulate';

/** Temporary credentials as STS and Cognito hand them out. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** A role session the local endpoints issued, remembered so that S3 (and STS) can decide its requests. */
export interface Session {
  readonly credentials: IssuedCredentials;
  readonly roleLogicalId: string;
  readonly roleArn: string;
  /** `arn:<partition>:sts::<account>:assumed-role/<role name>/<session name>`. */
  readonly sessionArn: string;
  /** Session tags: every request of the session carries them as `aws:PrincipalTag/<key>`. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Other request context the session carries into every request: the web-identity claim keys of
   * a federated session (`<issuer>:sub`, `cognito-identity.amazonaws.com:sub`, ...), or
   * `lambda:SourceFunctionArn` for a Lambda function's execution-role credentials.
   */
  readonly context: RequestContext;
  /** How the session was made, for failure messages and the journey record. */
  readonly issuedBy: string;
  /** AssumeRole's inline session policy: the session may do only what it and the role both allow. */
  readonly sessionPolicy?: PolicyDocument;
}

export type SessionRequest = Omit<Session, 'credentials'> & { readonly durationSeconds: number };

/**
 * The sessions the local STS and Cognito endpoints issued, by access key id. Credentials are
 * random, so nothing outside this store (and the S3 server it registers them with) accepts them.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners: ((session: Session) => void)[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  issue(request: SessionRequest): Session {
    const { durationSeconds, ...rest } = request;
    const session: Session = {
      ...rest,
      credentials: {
        // ASIA: the prefix AWS gives temporary (STS) access key ids.
        accessKeyId: `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(48).toString('base64'),
        expiration: new Date(this.now().getTime() + durationSeconds * 1000),
      },
    };
    this.sessions.set(session.credentials.accessKeyId, session);
    for (const listener of this.listeners) listener(session);
    return session;
  }

  /** The session of an access key id, or undefined if none was issued here. */
  find(accessKeyId: string): Session | undefined {
    return this.sessions.get(accessKeyId);
  }

  isExpired(session: Session): boolean {
    return session.credentials.expiration.getTime() <= this.now().getTime();
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }

  /** Called for every session issued from now on, and at once for those already issued. */
  onIssue(listener: (session: Session) => void): void {
    this.listeners.push(listener);
    for (const session of this.sessions.values()) listener(session);
  }
}

/** The request context of every request a session makes: its tags as principal tags, plus its own keys. */
export function sessionContext(session: Session): RequestContext {
  return {
    ...session.context,
    ...Object.fromEntries(Object.entries(session.tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
  };
}
