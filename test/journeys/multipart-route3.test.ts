import { randomBytes } from 'crypto';
import { ListPartsCommand } from '@aws-sdk/client-s3';
import { resolvedStack } from '../iam/stack-under-test';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { aroundLocalStack } from '../local/around-local-stack';
import { journeyRoutes, outcome } from './route-clients';

/*
 * A large upload on route 3, through the local stack: the presign API signs as the caller's own
 * session, and the IAM front evaluates every S3 request against the synthesized policies of the
 * prod environment (SSE-KMS, with its bucket-policy denies). A 22 MiB file goes up in five parts,
 * is interrupted after the third, resumes from what S3 holds, and arrives byte-identical.
 */

const { template, ids } = resolvedStack('prod');
const ALICE = '00uAlice0000000000a1';
const BOB = '00uBob000000000000b2';
const MIB = 1024 * 1024;
const FILE = randomBytes(22 * MIB);

let okta: OidcIssuer;
let stack: LocalStack;

aroundLocalStack(template, (running) => ({ okta, stack } = running));

const { route1, route3 } = journeyRoutes(() => ({
  stack,
  okta,
  webIdentityRoleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
}));

type Api = Awaited<ReturnType<typeof route3>>;

async function sendParts(api: Api, key: string, uploadId: string, partNumbers: number[]) {
  const signed = await api.call('POST', '/multipart-uploads/parts', {
    key,
    uploadId,
    size: FILE.length,
    partNumbers,
  });
  expect(signed.status).toBe(200);
  for (const part of signed.body.parts) {
    const bytes = FILE.subarray((part.partNumber - 1) * 5 * MIB, part.partNumber * 5 * MIB);
    const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(bytes) });
    expect([part.partNumber, put.status]).toEqual([part.partNumber, 200]);
  }
}

describe('large files on route 3 (prod environment, SSE-KMS)', () => {
  test('a five-part upload interrupted after part 3 resumes and completes byte-identical', async () => {
    const alice = await route3(ALICE);
    const before = stack.s3.decisions.length;
    const created = await alice.call('POST', '/multipart-uploads', {
      fileName: 'site-survey.mov',
      contentType: 'video/quicktime',
      size: FILE.length,
    });
    expect([created.status, created.body.partCount, created.body.partSize]).toEqual([200, 5, 5 * MIB]);
    const { key, uploadId } = created.body;
    await sendParts(alice, key, uploadId, [1, 2, 3]);

    // The page reloads. A new sign-in; all the client kept is the key, the upload id and the file.
    const again = await route3(ALICE);
    const status = await again.call('POST', '/multipart-uploads/status', { key, uploadId });
    expect(status.body.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2, 3]);
    await sendParts(again, key, uploadId, [4, 5]);
    const completed = await again.call('POST', '/multipart-uploads/complete', {
      key,
      uploadId,
      size: FILE.length,
    });
    expect([completed.status, completed.body]).toEqual([200, { key, size: FILE.length }]);

    const downloaded = await again.download(key);
    expect(downloaded.status).toBe(200);
    expect(downloaded.bytes!.equals(FILE)).toBe(true);
    // Every step was IAM's decision on alice's own session, and each was allowed.
    const steps = stack.s3.decisions.slice(before).map((d) => `${d.action} ${d.decision}`);
    expect(new Set(steps)).toEqual(
      new Set([
        's3:PutObject Allowed', // CreateMultipartUpload, UploadPart, CompleteMultipartUpload
        's3:ListMultipartUploadParts Allowed',
        's3:GetObject Allowed', // the download's HEAD check and GET
        // prod scans for malware: the download reads the scan tag first, and the stand-in scanner
        // tagged the completed upload clean, so the bucket policy's gate let the GET through.
        's3:GetObjectTagging Allowed',
      ]),
    );
  });

  test('bob reaches neither alice’s upload through the API nor, with his own credentials, through S3', async () => {
    const alice = await route3(ALICE);
    const { key, uploadId } = (
      await alice.call('POST', '/multipart-uploads', {
        fileName: 'mine.bin',
        contentType: 'application/octet-stream',
        size: FILE.length,
      })
    ).body;
    const bob = await route3(BOB);
    for (const step of ['status', 'abort']) {
      expect((await bob.call('POST', `/multipart-uploads/${step}`, { key, uploadId })).status).toBe(404);
    }
    const decisionsBefore = stack.s3.decisions.length;
    const direct = await route1(BOB);
    expect(
      await outcome(() =>
        direct.send(new ListPartsCommand({ Bucket: stack.model.bucketName, Key: key, UploadId: uploadId })),
      ),
    ).toBe('AccessDenied 403');
    expect(stack.s3.decisions.slice(decisionsBefore).map((d) => `${d.action} ${d.decision}`)).toEqual([
      's3:ListMultipartUploadParts ImplicitlyDenied',
    ]);
    // Alice's upload is untouched: she can still abort it.
    expect((await alice.call('POST', '/multipart-uploads/abort', { key, uploadId })).status).toBe(200);
  });
});
