/**
 * The README's troubleshooting list, as findings. A failed check or probe names the entry that most
 * likely explains it, so the report can be pasted into a ticket as it is.
 */
export const CAUSES = {
  accessToken:
    'Cause: an Okta access token was sent instead of the ID token (`Invalid login token. Missing a required claim: aud`). Fix: pass the ID token; its aud is the client id.',
  loginsKey:
    "Cause: the Logins key does not match the issuer (`Issuer doesn't match providerName` / `Token is not from a supported provider`). Fix: use the issuer without https:// and without a trailing slash.",
  signature:
    "Cause: the upload's Content-Type, length or checksum differs from what was signed (`SignatureDoesNotMatch`). Fix: send exactly the headers POST /uploads returned.",
  cors: "Cause: the bucket's CORS does not list the page's origin or does not expose ETag. Fix: add the origin to allowedOrigins and redeploy.",
  noPrincipalTag:
    'Cause: the session has no okta_sub principal tag: the principal-tag map is missing or names another provider (`AccessDenied` on your own prefix, route 1 or 3). Fix: set principalTagProviderName on UserIdentityPool to the provider name Cognito expects and redeploy.',
  route2Audience:
    "Cause: the token's aud is not a configured client id, or the key is not under users/<sub>/ (`AccessDenied` on route 2). Fix: check okta.clientIds and the key.",
} as const;
