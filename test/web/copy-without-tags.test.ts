import { Amplify } from 'aws-amplify';
import { defaultHandlers, type CopyHandlerInput } from '@aws-amplify/ui-react-storage/browser';
import { copyWithoutTags } from '../../examples/web/src/file-browser/copy-without-tags';

/*
 * The file browser's Copy sends CopyObject with `x-amz-tagging-directive: REPLACE` and no tags, so
 * copying a scanned file needs no tag permission; Storage Browser's own copy sends COPY, which the
 * bucket policy refuses for a scanned file (test/journeys/malware-scanning.test.ts shows both
 * against the model). The request is caught at `fetch`, which amplify's S3 client calls.
 */
const CREDS = { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date(2e12) };

function input(): CopyHandlerInput {
  return {
    config: {
      bucket: 'storage-bucket',
      region: 'eu-west-1',
      credentials: async () => ({ credentials: CREDS }),
    },
    data: {
      id: 'task-1',
      key: 'users/00uALICE000000000001/copies/Q1 report.txt',
      sourceKey: 'users/00uALICE000000000001/Q1 report.txt',
      fileKey: 'Q1 report.txt',
      lastModified: new Date('2026-11-30T10:00:00Z'),
      eTag: '"abc"',
    },
  } as unknown as CopyHandlerInput;
}

/** The headers of the one request `handler` sends, answered as S3 answers a copy. */
async function headersSentBy(handler: (i: CopyHandlerInput) => { result: Promise<unknown> }) {
  const sent: Headers[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (request: RequestInfo | URL, init?: RequestInit) => {
    sent.push(new Headers(request instanceof Request ? request.headers : init?.headers));
    return new Response(
      '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"abc"</ETag></CopyObjectResult>',
      { status: 200, headers: { 'content-type': 'application/xml' } },
    );
  }) as typeof fetch;
  try {
    Amplify.configure({});
    const result = await handler(input()).result;
    expect(result).toMatchObject({ status: 'COMPLETE' });
  } finally {
    globalThis.fetch = realFetch;
  }
  expect(sent).toHaveLength(1);
  return sent[0];
}

test('the file browser’s copy takes none of the source’s tags: REPLACE, and no tags named', async () => {
  const headers = await headersSentBy(copyWithoutTags);
  expect(headers.get('x-amz-tagging-directive')).toBe('REPLACE');
  expect(headers.get('x-amz-tagging')).toBeNull();
  expect(headers.get('x-amz-copy-source')).toBe('storage-bucket/users/00uALICE000000000001/Q1%20report.txt');
  expect(headers.get('x-amz-copy-source-if-match')).toBe('"abc"');
  expect(headers.get('x-amz-metadata-directive')).toBe('COPY');
  // Signed with the location's own credentials, as Storage Browser's copy is.
  expect(headers.get('authorization')).toContain('Credential=ASIA1/');
  expect(headers.get('x-amz-security-token')).toBe('t');
});

test('negative control: Storage Browser’s own copy copies the tags (COPY)', async () => {
  const headers = await headersSentBy(defaultHandlers.copy as never);
  expect(headers.get('x-amz-tagging-directive')).toBe('COPY');
});
