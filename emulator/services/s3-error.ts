import { randomUUID } from 'crypto';
import { type Reply, xmlText } from './loopback-server';

/** S3's error document ("Error responses", https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
export function s3Error(status: number, code: string, message: string, noBody = false): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: noBody
      ? undefined
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message>` +
        `<RequestId>${randomUUID()}</RequestId></Error>`,
  };
}
