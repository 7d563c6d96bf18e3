/**
 * Where AWS's documentation is silent, the model assumes; each point here is one such assumption,
 * with what the model does and how a deployment can check it. The README's Limits section lists
 * every id (test/aws-model/undocumented.test.ts keeps the two in sync), so the post-deploy checks
 * know what to probe.
 */
export interface UndocumentedPoint {
  /** Stable id, quoted in the README's Limits section as `[id]`. */
  readonly id: string;
  readonly question: string;
  /** What the model (and the product) assume meanwhile. */
  readonly assumption: string;
  /** How to see the answer in a deployed stack. */
  readonly probe: string;
}

export const UNDOCUMENTED: readonly UndocumentedPoint[] = [
  {
    id: 'principal-tag-provider-name',
    question:
      'Which `IdentityProviderName` does `AWS::Cognito::IdentityPoolPrincipalTag` take for an IAM OIDC provider: the provider ARN or the issuer host/path (the Logins key)?',
    assumption:
      'The IAM OIDC provider’s ARN, as catnekaise/actions-constructs uses it for GitHub OIDC pools.',
    probe:
      '`aws cognito-identity get-principal-tag-attribute-map --identity-pool-id <id> --identity-provider-name <arn>` returns the map, and a route 1 session lists its own prefix.',
  },
  {
    id: 'federated-username-case',
    question:
      'Does Cognito lower-case the whole `cognito:username` of an OIDC-federated user (`okta_00uabc…`, the IdP sub included), in every pool or only in case-insensitive ones?',
    assumption:
      'Every pool may: captured tokens and aws-amplify/amplify-js#13844 show the whole name lower-cased (provider prefix and sub) while `identities[].userId` keeps its case; the guide writes `<ProviderName>_<sub>`. The Lambda compares the username with `<ProviderName>_<userId>` up to ASCII case and takes the prefix key from `userId` verbatim. The user-pool stand-in issues the lower-cased form. So two Okta subs differing only in case would be one user-pool user (see the README Limits).',
    probe:
      'Decode a route 3 ID token after sign-in: compare `cognito:username` with `identities[0].providerName` + `_` + `identities[0].userId`.',
  },
  {
    id: 'identities-userid-case',
    question:
      'Does the `identities` claim keep the Okta `sub` exactly as Okta sent it (case and characters)?',
    assumption:
      'Yes: the Lambda uses `userId` verbatim as the prefix key, the same value routes 1 and 2 see as `sub`.',
    probe: 'Upload via route 1 and list via route 3: the same object must appear.',
  },
  {
    id: 'authorizer-claim-rendering',
    question:
      'How does the REST authorizer render claims in `requestContext.authorizer.claims` (numbers, dates, lists, nested objects)?',
    assumption:
      'Every claim as a string; `iat`/`exp` as Java date text in UTC; lists joined by `,`; an `identities` entry as its JSON text (captured events; awsdocs/amazon-api-gateway-developer-guide#158).',
    probe: 'Log one event’s authorizer claims in a test stage and compare with the token.',
  },
  {
    id: 'authorizer-bearer-prefix',
    question:
      'Does the REST Cognito authorizer accept `Authorization: Bearer <token>` as well as the raw token?',
    assumption: 'Both (observed in captured events, aws-powertools/powertools-lambda-typescript#2624).',
    probe: '`curl -H "Authorization: Bearer $ID_TOKEN"` against `GET /files`: expect 200.',
  },
  {
    id: 'post-form-encryption-conditions',
    question:
      'Does a bucket policy condition on `s3:x-amz-server-side-encryption` (and the key-id key) see the fields of a browser POST form upload, as it sees the headers of a PUT?',
    assumption:
      'Yes: the bucket policy’s encryption denies are modelled for PUT and for POST alike. Users of routes 1 and 2 can sign their own POST forms with their session, so an unseen field would let them store objects under another encryption than the bucket’s key.',
    probe:
      '`okta-s3-storage verify --okta-id-token FILE` posts a form naming `x-amz-server-side-encryption=AES256` with the route 1 and 2 credentials and reads HeadObject `ServerSideEncryption` (row `probe.route1.post-encryption`); on an SSE-KMS bucket a 403 or `aws:kms` passes.',
  },
  {
    id: 'refresh-token-admin-scope',
    question:
      'Does an access token from InitiateAuth `REFRESH_TOKEN_AUTH` carry `aws.cognito.signin.user.admin` for a client whose OAuth scopes exclude it?',
    assumption:
      'No: a refreshed access token has the scopes of the original authorization, so no user can call UpdateUserAttributes and write `custom:okta_teams`, which the client may write because Cognito requires it for mapped attributes (UserPoolClientType.WriteAttributes).',
    probe:
      'Refresh a route 3 session, decode the access token’s `scope`, and call UpdateUserAttributes with `custom:okta_teams`: expect NotAuthorizedException.',
  },
  {
    id: 'scan-tagging-needs-puttagging',
    question:
      'Does a PutObject or CreateMultipartUpload with `x-amz-tagging` also need `s3:PutObjectTagging`?',
    assumption:
      'S3’s permission tables do not say so for PutObject. Either way users cannot set the scan tag at upload: the bucket policy denies any upload whose request names tag keys (`s3:RequestObjectTagKeys`), and no user route holds a tagging permission.',
    probe:
      'A route 1 PutObject with `Tagging: GuardDutyMalwareScanStatus=NO_THREATS_FOUND`: expect 403, and no object stored.',
  },
  {
    id: 'scan-post-tagging-field',
    question: 'Does S3 put a browser POST form’s `tagging` field into `s3:RequestObjectTagKeys`?',
    assumption:
      'Yes, as for the `x-amz-tagging` header. Route 3’s presigned POST policy names no `tagging` field, so S3 refuses one there whatever the answer; routes 1 and 2 sign their own forms and rely on the bucket policy.',
    probe: 'A route 1 POST form with a `tagging` field: expect 403.',
  },
  {
    id: 'scan-validation-object-encryption',
    question:
      'Does the validation object GuardDuty writes at the bucket root when a plan is created (`malware-protection-resource-validation-object`) pass the bucket policy’s encryption denies?',
    assumption: 'Yes: it sends no encryption header the policy refuses, so the plan becomes active.',
    probe:
      '`aws guardduty get-malware-protection-plan --malware-protection-plan-id <id>` shows `Status: ACTIVE`.',
  },
  {
    id: 'refresh-keeps-auth-time',
    question: 'Does an ID token from a refresh keep the `auth_time` of the federated sign-in?',
    assumption:
      'Yes (no new authentication happened; the ID token page defines it as when the user "completed authentication"): the Lambda believes `custom:okta_teams` only within `teamMembershipMaxAge` of it, which bounds how long a removal from an Okta group takes on route 3.',
    probe: 'Decode a route 3 ID token before and after a refresh-token grant: `auth_time` must be equal.',
  },
  {
    id: 'conditional-write-after-delete-marker',
    question:
      'Does a PutObject with `If-None-Match: *` succeed when the key’s current version is a delete marker (versioned bucket)?',
    assumption:
      'Yes: S3’s conditional-writes guide says the header checks only the current version, and a delete marker is not an object. The offboarding ledger’s release (DeleteObject) relies on it so that Okta’s retry can claim a delivery again; locally s3rver keeps no versions, so a released key is simply gone.',
    probe:
      'In the data bucket: `put-object --key offboarding-ledger/probe --if-none-match "*"`, `delete-object`, then the same put again (expect success, not 412).',
  },
  {
    id: 'system-log-polling-next-link',
    question:
      'Does Okta’s System Log answer a request without `until` (a polling request) with a `rel="next"` link even when the page is empty, and is a `limit` above 1000 refused rather than capped?',
    assumption:
      'A polling request always carries a next link (the reconciler stops at an empty page, so either answer ends its run); `limit` above 1000 is refused. The Okta stand-in does both; the reconciler sends 1000.',
    probe:
      '`curl -i -H "Authorization: SSWS $TOKEN" "https://<org>/api/v1/logs?since=<now>&limit=1"`: read the `link` header of the empty answer; then `limit=1001` (400 or a page).',
  },
];
