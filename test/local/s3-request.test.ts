import {
  copyTaggingRequires,
  credentialOf,
  formFields,
  NotModelled,
  s3Authorization,
} from '../../emulator/services/s3-request';

/*
 * The IAM action each S3 request is authorized as, per "Required permissions for Amazon S3 API
 * operations" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html):
 * HeadObject needs s3:GetObject; CreateMultipartUpload, UploadPart and CompleteMultipartUpload need
 * s3:PutObject; DeleteObject with a versionId needs s3:DeleteObjectVersion; ListObjectsV2 and
 * HeadBucket need s3:ListBucket, with the request's prefix as `s3:prefix`.
 */
const KEY = 'users/00uA/f.txt';
const at = (path: string) => new URL(`http://s3.local/b/${path}`);
const action = (method: string, path: string, headers: Record<string, string> = {}) =>
  s3Authorization(method, at(path), headers).action;

describe('S3 request → IAM authorization', () => {
  test.each([
    ['GET', KEY, 's3:GetObject'],
    ['HEAD', KEY, 's3:GetObject'],
    ['GET', `${KEY}?versionId=v1`, 's3:GetObjectVersion'],
    ['PUT', `${KEY}?x-id=PutObject`, 's3:PutObject'],
    ['POST', `${KEY}?uploads`, 's3:PutObject'],
    ['PUT', `${KEY}?partNumber=1&uploadId=u`, 's3:PutObject'],
    ['POST', `${KEY}?uploadId=u`, 's3:PutObject'],
    ['DELETE', `${KEY}?uploadId=u`, 's3:AbortMultipartUpload'],
    ['GET', `${KEY}?uploadId=u`, 's3:ListMultipartUploadParts'],
    ['DELETE', KEY, 's3:DeleteObject'],
    ['DELETE', `${KEY}?versionId=v1`, 's3:DeleteObjectVersion'],
    ['PUT', `${KEY}?acl`, 's3:PutObjectAcl'],
    ['GET', '?list-type=2&prefix=users%2F00uA%2F', 's3:ListBucket'],
    ['HEAD', '', 's3:ListBucket'],
    ['GET', '?versions', 's3:ListBucketVersions'],
  ])('%s /b/%s is %s', (method, path, expected) => {
    expect(action(method, path)).toBe(expected);
  });

  test('the object resource names the decoded key; a listing carries its prefix, delimiter and max-keys', () => {
    expect(s3Authorization('GET', at('users/00uA/a%20b.txt'), {}).resource).toBe(
      'arn:aws:s3:::b/users/00uA/a b.txt',
    );
    expect(
      s3Authorization('GET', at('?list-type=2&prefix=users%2F00uA%2F&delimiter=%2F&max-keys=5'), {}),
    ).toMatchObject({
      resource: 'arn:aws:s3:::b',
      context: { 's3:prefix': 'users/00uA/', 's3:delimiter': '/', 's3:max-keys': '5' },
    });
  });

  test('CopyObject needs s3:PutObject on its key and s3:GetObject on its source (the version, if named)', () => {
    const copy = s3Authorization('PUT', at(KEY), { 'x-amz-copy-source': 'b/users/00uB/a%20b.txt' });
    expect(copy).toMatchObject({
      action: 's3:PutObject',
      resource: `arn:aws:s3:::b/${KEY}`,
      alsoRequires: [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/users/00uB/a b.txt' }],
    });
    const versioned = s3Authorization('PUT', at(KEY), { 'x-amz-copy-source': '/b/k?versionId=v1' });
    expect(versioned.alsoRequires).toEqual([{ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::b/k' }]);
  });

  test('a virtual-hosted request takes its bucket from the Host, its key from the whole path', () => {
    const url = new URL('https://b.s3.localhost/users/00uA/f.txt');
    expect(s3Authorization('GET', url, {}, undefined, 'b').resource).toBe(`arn:aws:s3:::b/${KEY}`);
    const list = new URL('https://b.s3.localhost/?list-type=2&prefix=users%2F00uA%2F&delimiter=%2F');
    expect(s3Authorization('GET', list, {}, undefined, 'b')).toMatchObject({
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::b',
      context: { 's3:prefix': 'users/00uA/', 's3:delimiter': '/' },
    });
  });

  test('an upload carries its encryption headers as condition keys', () => {
    const put = s3Authorization('PUT', at(KEY), { 'x-amz-server-side-encryption': 'aws:kms' });
    expect(put.context).toEqual({ 's3:x-amz-server-side-encryption': 'aws:kms' });
  });

  test('PutObject and CompleteMultipartUpload carry If-None-Match as s3:if-none-match; a part does not', () => {
    const conditional = { 'if-none-match': '*' };
    expect(s3Authorization('PUT', at(KEY), conditional).context).toEqual({ 's3:if-none-match': '*' });
    expect(s3Authorization('POST', at(`${KEY}?uploadId=u`), conditional).context).toEqual({
      's3:if-none-match': '*',
    });
    expect(s3Authorization('PUT', at(`${KEY}?partNumber=1&uploadId=u`), conditional).context).toEqual({});
  });

  test.each([
    ['PUT', `${KEY}?tagging`, { 'x-amz-copy-source': '/b/users/00uB/f.txt' }],
    ['GET', `${KEY}?attributes`, {}],
    ['POST', '?delete', {}],
    ['GET', 'users/00uA/*.txt', {}],
    ['PUT', '?policy', {}],
  ])('%s /b/%s is refused as not modelled', (method, path, headers) => {
    expect(() => s3Authorization(method, at(path), headers)).toThrow(NotModelled);
  });

  test('finds the credential in the header, the presigned query or the POST form', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=ASIAHEADER/20300101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=x';
    expect(
      credentialOf({ authorization: header, 'x-amz-security-token': 't' }, new URLSearchParams()),
    ).toEqual({
      accessKeyId: 'ASIAHEADER',
      sessionToken: 't',
      authType: 'REST-HEADER',
    });
    const query = new URLSearchParams({ 'X-Amz-Credential': 'ASIAQUERY/20300101/eu-west-1/s3/aws4_request' });
    expect(credentialOf({}, query)).toMatchObject({
      accessKeyId: 'ASIAQUERY',
      authType: 'REST-QUERY-STRING',
    });
    const body = Buffer.from(
      '--X\r\nContent-Disposition: form-data; name="key"\r\n\r\nusers/00uA/f.txt\r\n' +
        '--X\r\nContent-Disposition: form-data; name="X-Amz-Credential"\r\n\r\nASIAFORM/20300101/eu-west-1/s3/aws4_request\r\n' +
        '--X\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\ncontent\r\n--X--\r\n',
    );
    const form = formFields('multipart/form-data; boundary=X', body)!;
    expect(form.key).toBe('users/00uA/f.txt');
    expect(credentialOf({}, new URLSearchParams(), form)).toMatchObject({
      accessKeyId: 'ASIAFORM',
      authType: 'POST',
    });
    expect(s3Authorization('POST', at(''), {}, form)).toMatchObject({
      action: 's3:PutObject',
      key: 'users/00uA/f.txt',
    });
    expect(credentialOf({}, new URLSearchParams())).toBeUndefined();
  });
});

describe('CopyObject and the tags its copy takes (copyTaggingRequires)', () => {
  const url = new URL('http://s3.local/bucket/users/a/copy.txt');
  const copyOf = (source: string, extra: Record<string, string> = {}) => {
    const headers = { 'x-amz-copy-source': source, ...extra };
    return { authorization: s3Authorization('PUT', url, headers), headers };
  };
  const required = (source: string, tags: Record<string, string>, extra?: Record<string, string>) => {
    const { authorization, headers } = copyOf(source, extra);
    return copyTaggingRequires(authorization, headers, tags).map((r) => `${r.action} ${r.resource}`);
  };

  test('copying a tagged source reads its tags and writes them on the copy (the default directive, COPY)', () => {
    expect(required('/bucket/users/a/src.txt', { scan: 'clean' })).toEqual([
      's3:GetObjectTagging arn:aws:s3:::bucket/users/a/src.txt',
      's3:PutObjectTagging arn:aws:s3:::bucket/users/a/copy.txt',
    ]);
    expect(required('/bucket/users/a/src.txt?versionId=v1', { scan: 'clean' })[0]).toBe(
      's3:GetObjectVersionTagging arn:aws:s3:::bucket/users/a/src.txt',
    );
  });

  test('an untagged source, or REPLACE with no tags, needs no tag permission; REPLACE with tags writes them', () => {
    expect(required('/bucket/users/a/src.txt', {})).toEqual([]);
    expect(
      required('/bucket/users/a/src.txt', { scan: 'clean' }, { 'x-amz-tagging-directive': 'REPLACE' }),
    ).toEqual([]);
    expect(
      required(
        '/bucket/users/a/src.txt',
        {},
        { 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'a=1' },
      ),
    ).toEqual(['s3:PutObjectTagging arn:aws:s3:::bucket/users/a/copy.txt']);
  });

  test('a request that is no copy needs nothing more', () => {
    expect(copyTaggingRequires(s3Authorization('PUT', url, {}), {}, { scan: 'clean' })).toEqual([]);
  });
});
