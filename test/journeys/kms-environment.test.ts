import { randomBytes } from 'crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { resolvedStack } from '../iam/stack-under-test';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { aroundLocalStack } from '../local/around-local-stack';
import { journeyRoutes } from './route-clients';

/*
 * The same journey on the prod environment, whose bucket uses SSE-KMS and carries the bucket-policy
 * denies that come with it: an ordinary upload, which names no encryption and so gets the bucket
 * default, must still pass every route, and another user must still be refused. (The KMS key policy
 * itself is not modelled by the local S3; see emulator/README.md.)
 */

const { template, ids } = resolvedStack('prod');
const ALICE = '00uAlice0000000000a1';
const BOB = '00uBob000000000000b2';

let okta: OidcIssuer;
let stack: LocalStack;

aroundLocalStack(template, (running) => ({ okta, stack } = running));

const { route1, route2, route3, bytesOf } = journeyRoutes(() => ({
  stack,
  okta,
  webIdentityRoleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
}));

describe('SSE-KMS (prod environment)', () => {
  test('the environment encrypts with KMS', () => {
    const bucket = template.resources[ids.dataBucket].Properties as any;
    const rule = bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault;
    expect(rule.SSEAlgorithm).toBe('aws:kms');
  });

  test('alice uploads through route 1, lists through route 3 and downloads through route 2', async () => {
    const bytes = randomBytes(8192);
    const key = `users/${ALICE}/kms/report.bin`;
    await (
      await route1(ALICE)
    ).send(new PutObjectCommand({ Bucket: stack.model.bucketName, Key: key, Body: bytes }));
    expect(await (await route3(ALICE)).listKeys()).toContain(key);
    expect((await bytesOf(await route2(ALICE), key)).equals(bytes)).toBe(true);
  });

  test('route 3 uploads through its presigned URL; bob is refused the key on routes 1 and 2', async () => {
    const key = await (await route3(ALICE)).upload('via-api.bin', Buffer.from('kms'));
    for (const bob of [await route1(BOB), await route2(BOB)]) {
      await expect(
        bob.send(new GetObjectCommand({ Bucket: stack.model.bucketName, Key: key })),
      ).rejects.toMatchObject({
        name: 'AccessDenied',
      });
    }
    expect((await bytesOf(await route1(ALICE), key)).toString()).toBe('kms');
  });
});
