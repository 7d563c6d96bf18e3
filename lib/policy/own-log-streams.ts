import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * What a function's own execution role needs to write its logs. Lambda adds
 * AWSLambdaBasicExecutionRole only to a role it creates; with a role of ours the function writes
 * nothing until the role may create streams and put events in its log group. The Service
 * Authorization Reference for CloudWatch Logs
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html)
 * lists the `log-stream` resource (`arn:...:log-group:<name>:log-stream:<stream>`) as the one
 * required resource of both CreateLogStream and PutLogEvents, so the grant is every stream of this
 * log group and nothing else.
 */
export function ownLogStreamsStatement(scope: Construct, logGroup: logs.ILogGroup): iam.PolicyStatement {
  const logGroupArn = Stack.of(scope).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: logGroup.logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [`${logGroupArn}:log-stream:*`],
  });
}
