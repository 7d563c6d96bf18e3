import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { grantTeamFolderAccess } from './grant-team-folders';
import { DEFAULT_TEAMS_PREFIX, oktaTeamsClaimExpression, TeamFolder, TEAMS_CLAIM } from './team-folder-names';
import { teamFolderStatements } from './team-folder-statements';

/**
 * Team-folder access, as static methods so that every jsii language sees them: one statement
 * shape for every folder, conditional on the session's `okta_teams` tag.
 */
export class TeamFolderPolicy {
  /** The folder team folders live under. */
  public static readonly DEFAULT_TEAMS_PREFIX = DEFAULT_TEAMS_PREFIX;
  /** The Okta ID-token claim, principal tag and user-pool attribute that carry memberships. */
  public static readonly TEAMS_CLAIM = TEAMS_CLAIM;

  /**
   * Objects under `<teamsPrefix><folder>/` and a listing of it, for members only.
   *
   * @param bucketArn ARN of the data bucket (a token is fine)
   * @param teams the Okta groups and their folders
   * @param teamsPrefix the folder team folders live under (default `teams/`)
   */
  public static statements(
    bucketArn: string,
    teams: TeamFolder[],
    teamsPrefix?: string,
  ): iam.PolicyStatement[] {
    return teamFolderStatements(bucketArn, teams, teamsPrefix);
  }

  /** Grants `grantee` the team-folder statements on `bucket` (and its KMS key through S3, if any). */
  public static grant(
    bucket: s3.IBucket,
    grantee: iam.IGrantable,
    teams: TeamFolder[],
    teamsPrefix?: string,
  ): iam.Grant {
    return grantTeamFolderAccess(bucket, grantee, teams, teamsPrefix);
  }

  /**
   * The Okta Expression Language for the `okta_teams` claim of the authorization server: paste it
   * as the value of a custom claim of that name, value type Expression, in the ID token, always.
   */
  public static oktaClaimExpression(teams: TeamFolder[]): string {
    return oktaTeamsClaimExpression(teams);
  }

  private constructor() {}
}
