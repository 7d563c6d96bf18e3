import { captureAWSv3Client, setContextMissingStrategy } from 'aws-xray-sdk-core';

/**
 * X-Ray subsegments for the function's STS and S3 calls. With active tracing, Lambda records the
 * invocation but not what the code calls: "To trace downstream calls, instrument your function
 * with the X-Ray SDK" (Lambda developer guide, "Visualize Lambda function invocations using AWS
 * X-Ray", https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html; the Node.js page
 * "Instrumenting Node.js code in AWS Lambda" shows `captureAWSv3Client` on each SDK v3 client).
 * The SDK follows the sampling decision in the invocation's trace header, so with tracing off
 * (PassThrough) it records nothing. Outside an invocation (tests, local runs) there is no
 * segment to attach to, and that is not an error.
 */
setContextMissingStrategy('IGNORE_ERROR');

export function traced<T extends object>(client: T): T {
  return captureAWSv3Client(client as never) as T;
}
