import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { parseTeamsClaim, TEAMS_CLAIM, TeamFolderAccess } from '../../../lib/policy/team-folder-names';
import { CheckResult, describeError, fail, pass, skip } from '../check';
import { Outputs, teamFoldersOutput } from '../outputs';
import { PROBE_FOLDER, putIsRefused, VERSIONS_REMAIN } from './objects';

/**
 * Team folders with a member's real session. Route 1: in a folder the token's `okta_teams` claim
 * names, put, list, get and delete a probe object (a read member lists, and is refused a put);
 * then a configured folder the claim does not name, and `<folder>x/`, must be AccessDenied.
 * Route 2 is personal: the same user is refused their own team folder there. Without a claim that
 * names a configured folder there is nothing to show, and the probe says how to get one.
 */
export async function teamFolderProbe(
  route: 'route1' | 'route2',
  s3: S3Client,
  o: Outputs,
  claims: Record<string, unknown>,
): Promise<CheckResult[]> {
  const check = `probe.${route}.team`;
  const expected =
    route === 'route1'
      ? "the member's folder reached, another folder and <folder>x/ AccessDenied"
      : "the member's team folder AccessDenied (route 2 is personal)";
  let deployed: ReturnType<typeof teamFoldersOutput>;
  try {
    deployed = teamFoldersOutput(o.TeamFolders);
  } catch (error) {
    return [fail(check, expected, describeError(error), (error as Error).message)];
  }
  if (!deployed)
    return [
      skip(
        check,
        expected,
        'The outputs file has no TeamFolders output (a stack deployed before team folders): redeploy the current stack and write the outputs file again.',
      ),
    ];
  const { teamsPrefix, folders } = deployed;
  if (!folders.length) return [skip(check, expected, 'This stack configures no team folders.')];
  const claim = claims[TEAMS_CLAIM];
  const named = parseTeamsClaim(claim) ?? new Map<string, TeamFolderAccess>();
  const memberOf = folders.filter((f) => named.has(f.folder));
  if (!memberOf.length)
    return [
      skip(
        check,
        expected,
        `The probe user's Okta ID token names no configured team folder (${TEAMS_CLAIM}: ${claim === undefined ? 'no claim' : JSON.stringify(claim)}). ` +
          `Add the probe user to the Okta group of one of the folders ${folders.map((f) => f.folder).join(', ')}, sign in again and pass the new ID token. ` +
          `With no claim at all, the authorization server lacks the ${TEAMS_CLAIM} claim (README: Team folders).`,
      ),
    ];
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const keyIn = (folder: string) => `${teamsPrefix}${folder}/${PROBE_FOLDER}/${stamp}.txt`;
  const writable = memberOf.find(
    (f) => f.access === 'read-write' && named.get(f.folder) === TeamFolderAccess.READ_WRITE,
  );
  const member = writable ?? memberOf[0];

  if (route === 'route2')
    return [
      await putIsRefused(
        `${check}.personal`,
        s3,
        o.BucketName,
        keyIn(member.folder),
        "Route 2's role reached a team folder: it must stay personal. Remove team statements from the web-identity role and redeploy; see iam.teams.route2.",
      ),
    ];

  const rows: CheckResult[] = [];
  const memberCause =
    "The member's session was refused the folder its token names: the identity pool's principal-tag map lacks okta_teams ← okta_teams, or the role lacks the folder's statements (see iam.teams.route1 and identity-pool.*).";
  const step = async (name: string, stepExpected: string, run: () => Promise<string>) => {
    try {
      rows.push(pass(`${check}.${name}`, stepExpected, await run()));
      return true;
    } catch (error) {
      const denied = /AccessDenied|Forbidden/i.test((error as Error).name ?? '');
      rows.push(
        fail(
          `${check}.${name}`,
          stepExpected,
          describeError(error),
          denied ? memberCause : 'AWS refused the request; the error is its own.',
        ),
      );
      return false;
    }
  };
  const folderPrefix = `${teamsPrefix}${member.folder}/`;
  if (writable) {
    const key = keyIn(member.folder);
    const body = `okta-s3-storage verify ${stamp}`;
    const put = await step('put', `PutObject ${key} (read-write member)`, async () => {
      await s3.send(
        new PutObjectCommand({ Bucket: o.BucketName, Key: key, Body: body, ContentType: 'text/plain' }),
      );
      return 'stored';
    });
    if (put) {
      await step('list', `ListObjectsV2 ${folderPrefix} shows the probe`, async () => {
        const listed = await s3.send(
          new ListObjectsV2Command({ Bucket: o.BucketName, Prefix: `${folderPrefix}${PROBE_FOLDER}/` }),
        );
        if (!(listed.Contents ?? []).some((c) => c.Key === key))
          throw Object.assign(new Error(`${key} not listed`), { name: 'NotListed' });
        return 'listed';
      });
      await step('get', 'GetObject returns the bytes put', async () => {
        const got = await s3.send(new GetObjectCommand({ Bucket: o.BucketName, Key: key }));
        const text = await got.Body?.transformToString();
        if (text !== body)
          throw Object.assign(new Error(`got ${JSON.stringify(text)}`), { name: 'BytesDiffer' });
        return 'same bytes';
      });
      await step('delete', 'DeleteObject (adds a delete marker)', async () => {
        await s3.send(new DeleteObjectCommand({ Bucket: o.BucketName, Key: key }));
        return `deleted; ${VERSIONS_REMAIN}`;
      });
    }
  } else {
    await step('list', `ListObjectsV2 ${folderPrefix} (read member)`, async () => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: o.BucketName, Prefix: folderPrefix }));
      return `listed (${listed.KeyCount ?? listed.Contents?.length ?? 0} keys)`;
    });
    rows.push(
      await putIsRefused(
        `${check}.read-only`,
        s3,
        o.BucketName,
        keyIn(member.folder),
        'A read member wrote into the folder: a write statement accepts =r memberships. Take route 1 offline and redeploy; see iam.teams.route1.',
      ),
    );
  }
  const other = folders.find((f) => !named.has(f.folder));
  rows.push(
    other
      ? await putIsRefused(
          `${check}.non-member`,
          s3,
          o.BucketName,
          keyIn(other.folder),
          `A user whose token does not name ${other.folder} wrote into it: a team statement lacks its okta_teams condition or matches too widely. Take route 1 offline and redeploy; see iam.teams.route1.`,
        )
      : skip(
          `${check}.non-member`,
          'a folder the claim does not name is AccessDenied',
          'The probe user is a member of every configured folder: probe with a user outside one of them.',
        ),
  );
  const extension = `${member.folder}x`;
  if (!folders.some((f) => f.folder === extension))
    rows.push(
      await putIsRefused(
        `${check}.extension`,
        s3,
        o.BucketName,
        keyIn(extension),
        `A member of ${member.folder} wrote into ${extension}/: the policy lacks the slash after the folder name. Take route 1 offline and redeploy; see iam.teams.route1.`,
      ),
    );
  return rows;
}

/** A put that must be AccessDenied; if it is stored, it is deleted again and the row FAILs. */
