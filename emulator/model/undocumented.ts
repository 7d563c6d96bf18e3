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
    id: 'oidc-sub-in-permission-policies',
    question:
      'Is `${<issuer>:sub}` (an IAM OIDC provider’s claim key) available in the permission policies of a web-identity session, not only in its trust policy?',
    assumption:
      'Yes; route 2 depends on it. The IAM condition-key reference (reference_policies_iam-condition-keys.html#condition-keys-wif) names the keys of specific providers and does not say whether a generic OIDC issuer’s keys reach permission policies.',
    probe:
      'Sign in through route 2 and list `users/<sub>/`: a 403 means the key is empty in permission policies.',
  },
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
      'Does Cognito lower-case the provider-name prefix of `cognito:username` for an OIDC provider (`Okta_<sub>` or `okta_<sub>`)?',
    assumption:
      'Either: the Lambda compares `<ProviderName>_<userId>` with `cognito:username` up to ASCII case (captured tokens show `google_<id>` for provider `Google`).',
    probe: 'Decode a route 3 ID token after sign-in and compare `cognito:username` with `identities[0]`.',
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
    id: 'authorizer-access-token-without-scopes',
    question:
      'Does a REST `COGNITO_USER_POOLS` authorizer let an access token through a method without authorization scopes?',
    assumption:
      'Yes (the stricter case for the Lambda): the authorizer model lets it through and the Lambda refuses it itself (`token_use` must be `id`).',
    probe: 'Call `GET /files` with an access token: expect 403 from the Lambda, or 401 from API Gateway.',
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
    id: 'refresh-token-admin-scope',
    question:
      'Does an access token from InitiateAuth `REFRESH_TOKEN_AUTH` carry `aws.cognito.signin.user.admin` for a client whose OAuth scopes exclude it?',
    assumption:
      'No: a refreshed access token has the scopes of the original authorization, so no user can call UpdateUserAttributes and write `custom:okta_teams`, which the client may write because Cognito requires it for mapped attributes (UserPoolClientType.WriteAttributes).',
    probe:
      'Refresh a route 3 session, decode the access token’s `scope`, and call UpdateUserAttributes with `custom:okta_teams`: expect NotAuthorizedException.',
  },
  {
    id: 'refresh-keeps-auth-time',
    question: 'Does an ID token from a refresh keep the `auth_time` of the federated sign-in?',
    assumption:
      'Yes (no new authentication happened; the ID token page defines it as when the user "completed authentication"): the Lambda believes `custom:okta_teams` only within `teamMembershipMaxAge` of it, which bounds how long a removal from an Okta group takes on route 3.',
    probe: 'Decode a route 3 ID token before and after a refresh-token grant: `auth_time` must be equal.',
  },
];
