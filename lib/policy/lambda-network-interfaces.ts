import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What a function's own execution role needs to run in a VPC. Lambda adds the permissions of
 * AWSLambdaVPCAccessExecutionRole only to a role it creates; these are the actions Lambda's VPC guide
 * lists for the execution role
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions).
 * The describe actions support no resource-level permissions, and Lambda, not the function's code,
 * creates the interfaces, so the statement is on `*`.
 */
export function networkInterfaceStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ManageVpcNetworkInterfaces',
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}
