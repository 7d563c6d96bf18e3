import { PresignConfig } from '../../../lambda/presign/config';
import { CallerSessions } from '../../../lambda/presign/credentials';
import { createHandler, RequestLog } from '../../../lambda/presign/handler';
import { s3Storage } from '../../../lambda/presign/s3';
import { stripBucketSlash } from '../../../emulator/services/s3-server';
import { stubSts } from './fakes';

/**
 * The real presign handler against a local S3 at `endpoint`, signing with sessions from a stub STS
 * that hands out s3rver's own key pair: what tests of the Lambda end to end share.
 */
export function handlerOnLocalS3(
  endpoint: string,
  config: PresignConfig,
  options: { now?: () => Date; log?: (line: RequestLog) => void } = {},
) {
  const now = options.now ?? (() => new Date());
  const sts = stubSts(now);
  const sessions = new CallerSessions({ sts, roleArn: config.presignRoleArn, urlExpirySeconds: 300, now });
  const handler = createHandler({
    config,
    now,
    credentialsFor: (sub, observe, teams) => sessions.credentialsFor(sub, observe, teams),
    storageFor: s3Storage({
      bucket: config.bucketName,
      region: config.region,
      endpoint,
      forcePathStyle: true,
      customizeClient: stripBucketSlash,
    }),
    log: options.log ?? (() => undefined),
  });
  return { handler, sts };
}
