/**
 * Sessions of the pinned-link role, one per visit of a pinned share link, each narrowed by an
 * inline session policy to the one object version the link names.
 *
 * - AssumeRole's `Policy` "limits the permissions for the role's temporary credential session. The
 *   resulting session's permissions are the intersection of the role's identity-based policy and
 *   the session policies" (IAM user guide, "Permissions for AssumeRole",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html;
 *   STS API reference, AssumeRole, `Policy`,
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). So even a bug that
 *   built the wrong key here could reach only what the session policy names, and the role only
 *   versions under the users and teams prefixes.
 * - `DurationSeconds` is the 900-second minimum the same page allows: the URL it signs lives
 *   `SHARING_LIMITS.visitUrlSeconds` (two minutes), well inside it.
 * - The inline policy's plaintext may be at most 2,048 characters (AssumeRole, `Policy`, length
 *   constraints); a link whose policy would be longer is refused rather than sent.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { pinnedVersionSessionPolicy } from '../../../lib/policy/pinned-version-session-policy';
import type { AssumeRoleClient, SessionCredentials } from '../credentials';
import type { PinnedLinkConfig } from './config';

export const PINNED_SESSION_SECONDS = 900;
export const SESSION_POLICY_MAX_CHARS = 2048;

/** Thrown when a link's session policy would exceed STS's limit: the visit is refused. */
export class SessionPolicyTooLong extends Error {
  constructor(length: number) {
    super(`the session policy would be ${length} characters, over STS's ${SESSION_POLICY_MAX_CHARS}`);
  }
}

export interface PinnedVersion {
  readonly key: string;
  readonly versionId: string;
  /** The link's id (its token's hash): names the session in CloudTrail. */
  readonly linkId: string;
}

export type PinnedCredentialsFor = (pinned: PinnedVersion) => Promise<SessionCredentials>;

/** A new session per visit; nothing is cached, so no session outlives the visit's URL by much. */
export function pinnedSessions(sts: AssumeRoleClient, config: PinnedLinkConfig): PinnedCredentialsFor {
  return async ({ key, versionId, linkId }) => {
    const policy = JSON.stringify(
      pinnedVersionSessionPolicy({
        bucketArn: config.bucketArn,
        key,
        versionId,
        kmsKeyArn: config.kmsKeyArn,
        s3ViaService: config.s3ViaService,
      }),
    );
    if (policy.length > SESSION_POLICY_MAX_CHARS) throw new SessionPolicyTooLong(policy.length);
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: config.roleArn,
        RoleSessionName: `link-${linkId}`.slice(0, 64),
        DurationSeconds: PINNED_SESSION_SECONDS,
        Policy: policy,
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error('AssumeRole returned no credentials');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };
}
