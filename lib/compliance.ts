/**
 * Which rule pack the stack's resources are built to pass. The default suits most accounts; the
 * Control Tower profile passes every proactive control of AWS Control Tower that applies, for
 * organisations that enforce them as CloudFormation hooks.
 */
export enum ComplianceProfile {
  /** The stack as documented: cdk-nag clean, with a ledger of acknowledged Control Tower findings. */
  DEFAULT = 'default',
  /**
   * AWS Control Tower's proactive controls: log groups under a customer-managed key, API execution
   * logging, X-Ray, functions in a VPC with endpoints only, Object Lock on the data bucket, and its
   * access logs delivered to a central log bucket (`bucket.accessLogsBucket`).
   */
  CONTROL_TOWER = 'control-tower',
}
