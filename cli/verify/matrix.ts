/**
 * The users × actions × keys matrix every route must satisfy, shared by the offline IAM tests
 * (test/iam/) and `okta-s3-storage verify`, which asks AWS's own policy simulator the same questions.
 */

/** An IAM decision, named as the offline simulator names it. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** Request context keys and values; multi-valued keys (`aws:TagKeys`, `...:amr`) as arrays. */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

/** A signed-in user, named by the Okta `sub` that keys their prefix. */
export interface MatrixUser {
  readonly sub: string;
}

/**
 * Okta-like user ids (`00u` + 17 characters). The second is the first plus one character, so a
 * policy that forgets the slash after the key (`users/${sub}*`) lets the first reach the second.
 */
export const MATRIX_USERS: readonly MatrixUser[] = [
  { sub: '00uAAAAAAAAAAAAAAAA1' },
  { sub: '00uAAAAAAAAAAAAAAAA1B' },
  { sub: '00uCCCCCCCCCCCCCCCC3' },
];

/**
 * Object actions a user gets on their own prefix. Written out, not imported from the policy builder
 * (`USER_OBJECT_ACTIONS`): the matrix is the oracle the policies are checked against, so an action
 * dropped from the builder must show up here as a denied case.
 */
export const OWN_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectTagging',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
] as const;

/** Object actions nobody gets: versions can't be purged, ACLs can't be read or changed. */
export const NEVER_OBJECT_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:PutObjectAcl',
  's3:GetObjectAcl',
  // The malware-scan tag is GuardDuty's to write.
  's3:PutObjectTagging',
] as const;

/** Whose space a case reaches into. `own` is the only kind that may ever be allowed. */
export type TargetOwner = 'own' | 'other-user' | 'shared';

export interface MatrixCase {
  /** Readable and unique, e.g. `00uA… s3:GetObject users/00uC…/f.txt (other-user)`. */
  readonly id: string;
  readonly user: MatrixUser;
  readonly action: string;
  /** Object ARN, or the bucket ARN for `s3:ListBucket`. */
  readonly resource: string;
  /** S3 keys of the request (`s3:prefix` for listings); the route adds the identity's keys. */
  readonly context: RequestContext;
  readonly owner: TargetOwner;
  readonly expected: 'Allowed' | 'Denied';
}

export interface MatrixOptions {
  readonly bucketName: string;
  readonly partition?: string;
  readonly users?: readonly MatrixUser[];
}

interface Target {
  readonly label: string;
  readonly owner: TargetOwner;
  /** Only an own target under the right action is allowed; `users/<sub>` without its slash is not. */
  readonly grantable: boolean;
}

function objectKeys(user: MatrixUser, others: readonly MatrixUser[]): (Target & { key: string })[] {
  return [
    { key: `users/${user.sub}/f.txt`, label: 'own', owner: 'own', grantable: true },
    ...others.map((o) => ({
      key: `users/${o.sub}/f.txt`,
      label: 'other-user',
      owner: 'other-user' as const,
      grantable: false,
    })),
    { key: `users/${user.sub}x/f.txt`, label: 'prefix-extension', owner: 'other-user', grantable: false },
    { key: 'users/f.txt', label: 'users-folder', owner: 'shared', grantable: false },
    { key: 'f.txt', label: 'bucket-root', owner: 'shared', grantable: false },
  ];
}

function listPrefixes(user: MatrixUser, others: readonly MatrixUser[]): (Target & { prefix?: string })[] {
  return [
    { prefix: `users/${user.sub}/`, label: 'own', owner: 'own', grantable: true },
    { prefix: `users/${user.sub}/docs/`, label: 'own-subfolder', owner: 'own', grantable: true },
    { prefix: `users/${user.sub}`, label: 'own-without-slash', owner: 'other-user', grantable: false },
    { prefix: `users/${user.sub}x/`, label: 'prefix-extension', owner: 'other-user', grantable: false },
    ...others.map((o) => ({
      prefix: `users/${o.sub}/`,
      label: 'other-user',
      owner: 'other-user' as const,
      grantable: false,
    })),
    { prefix: 'users/', label: 'users-folder', owner: 'shared', grantable: false },
    { prefix: '', label: 'empty-prefix', owner: 'shared', grantable: false },
    { prefix: undefined, label: 'no-prefix', owner: 'shared', grantable: false },
  ];
}

/** Every user × action × key (or listing prefix) for one route, each with the decision the design requires. */
export function buildMatrix(options: MatrixOptions): MatrixCase[] {
  const users = options.users ?? MATRIX_USERS;
  const bucketArn = `arn:${options.partition ?? 'aws'}:s3:::${options.bucketName}`;
  const allowedObjectActions: readonly string[] = OWN_OBJECT_ACTIONS;
  const cases: MatrixCase[] = [];
  for (const user of users) {
    const others = users.filter((u) => u !== user);
    for (const action of [...OWN_OBJECT_ACTIONS, ...NEVER_OBJECT_ACTIONS]) {
      for (const t of objectKeys(user, others)) {
        const expected = t.grantable && allowedObjectActions.includes(action) ? 'Allowed' : 'Denied';
        const id = `${user.sub} ${action} ${t.key} (${t.label})`;
        cases.push({
          id,
          user,
          action,
          resource: `${bucketArn}/${t.key}`,
          context: {},
          owner: t.owner,
          expected,
        });
      }
    }
    for (const t of listPrefixes(user, others)) {
      const context: RequestContext = t.prefix === undefined ? {} : { 's3:prefix': t.prefix };
      const id = `${user.sub} s3:ListBucket prefix=${JSON.stringify(t.prefix ?? null)} (${t.label})`;
      const expected = t.grantable ? 'Allowed' : 'Denied';
      cases.push({
        id,
        user,
        action: 's3:ListBucket',
        resource: bucketArn,
        context,
        owner: t.owner,
        expected,
      });
    }
  }
  return cases;
}

export interface MatrixMismatch {
  readonly id: string;
  readonly expected: MatrixCase['expected'];
  readonly actual: Decision;
}

export interface MatrixSummary {
  readonly total: number;
  readonly allowed: number;
  readonly denied: number;
  /** Allows that reach another user's space: must be 0 whatever else fails. */
  readonly crossUserAllows: number;
  readonly mismatches: readonly MatrixMismatch[];
}

/** Runs each case through `decide` (one at a time, in order) and tallies the results. */
export async function runMatrix(
  cases: readonly MatrixCase[],
  decide: (c: MatrixCase) => Promise<Decision>,
): Promise<MatrixSummary> {
  let allowed = 0;
  let crossUserAllows = 0;
  const mismatches: MatrixMismatch[] = [];
  for (const c of cases) {
    const actual = await decide(c);
    const isAllowed = actual === 'Allowed';
    if (isAllowed) allowed++;
    if (isAllowed && c.owner === 'other-user') crossUserAllows++;
    if (isAllowed !== (c.expected === 'Allowed')) mismatches.push({ id: c.id, expected: c.expected, actual });
  }
  return { total: cases.length, allowed, denied: cases.length - allowed, crossUserAllows, mismatches };
}
