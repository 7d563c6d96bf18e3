import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from '../peer';
import { grantStatementsOnBucket, isConstruct } from './grant-statements';
import { DEFAULT_TEAMS_PREFIX, TeamFolder } from './team-folder-names';
import { membershipsByFolder, teamFolderStatements } from './team-folder-statements';

/**
 * Gives a principal the team-folder statements on a bucket (and its KMS key through S3 for this
 * bucket only, if it has one), and acknowledges the one cdk-nag finding each folder raises: the
 * object wildcard under that folder, which only members' sessions match.
 */
export function grantTeamFolderAccess(
  bucket: s3.IBucket,
  grantee: iam.IGrantable,
  teams: readonly TeamFolder[],
  teamsPrefix: string = DEFAULT_TEAMS_PREFIX,
): iam.Grant {
  const grants = grantStatementsOnBucket(
    bucket,
    grantee,
    teamFolderStatements(bucket.bucketArn, teams, teamsPrefix),
  );
  if (isConstruct(grantee) && grants.length) {
    NagSuppressions.addResourceSuppressions(grantee.node.tryFindChild('DefaultPolicy') ?? grantee, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Team folders: the wildcard is confined to one team folder, and every statement on it requires the session tag okta_teams, set from the signed-in identity, to name the membership.',
        appliesTo: [...membershipsByFolder(teams).keys()].map((folder) =>
          teamFolderWildcardFinding(folder, teamsPrefix),
        ),
      },
    ]);
  }
  return grants.length
    ? grants.reduce((all, grant) => all.combine(grant))
    : iam.Grant.drop(grantee, 'no team folders');
}

/** The cdk-nag IAM5 finding for `<bucket ARN>/<teamsPrefix><folder>/*`, and only that one. */
export function teamFolderWildcardFinding(
  folder: string,
  teamsPrefix: string = DEFAULT_TEAMS_PREFIX,
): { regex: string } {
  const escaped = `${teamsPrefix}${folder}/*`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return { regex: `/^Resource::<[A-Za-z0-9]+\\.Arn>\\/${escaped}$/` };
}
