/**
 * What the hosted web client lacks under the Control Tower profile: the proactive controls the
 * Control Tower guard rules (test/guard.test.ts's rule files) fail on a control-tower environment
 * with the hosting on. Until each is met, the profile refuses the hosting with this list, so an
 * operator sees what is missing rather than a hook's refusal at deploy.
 */
export const WEB_CLIENT_CONTROL_TOWER_GAPS =
  'CT.CLOUDFRONT.PR.4 (the distribution has no origin failover: a second copy of the client in another region), ' +
  "CT.S3.PR.2, PR.4, PR.9, PR.10 and PR.11 (the client's bucket and its access-log bucket: access logging, " +
  'event notifications, Object Lock, SSE-KMS, versioning), CT.LAMBDA.PR.3 and CT.CLOUDWATCH.PR.3 ' +
  "(the function that copies the client's files runs outside a VPC and logs without a customer-managed key)";
