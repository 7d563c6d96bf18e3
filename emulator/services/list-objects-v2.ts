/**
 * s3rver's ListObjectsV2 reply, corrected to what S3 answers (ListObjectsV2,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html):
 *
 * - `KeyCount` counts the common prefixes too: "All of the keys rolled up into a common prefix
 *   count as a single return when calculating the number of returns". s3rver counts only
 *   `Contents`, and amplify's storage `list` (what Storage Browser calls) refuses a reply whose
 *   KeyCount is not `Contents` plus `CommonPrefixes` with an IntegrityError, so a folder that
 *   holds a subfolder listed as empty.
 * - s3rver escapes element text twice (its tagValueProcessor, then its XML builder again), so a key
 *   `Q&A.txt` lists as `Q&amp;amp;A.txt`, which reads back as `Q&amp;A.txt`; the names and
 *   prefixes here are escaped once, as XML wants.
 * - With `encoding-type=url`, S3 URL-encodes `Delimiter`, `Prefix`, `Key` and `StartAfter` and says
 *   so in `<EncodingType>url</EncodingType>`; s3rver ignores the parameter. amplify asks for it
 *   and decodes those elements only when the reply names the encoding.
 */
import { xmlText } from './loopback-server';

/** The elements S3 URL-encodes when asked (CommonPrefixes' `Prefix` is a `Prefix` too). */
const ENCODED = ['Key', 'Prefix', 'Delimiter', 'StartAfter'];

/** The reply body for a ListObjectsV2 request with `query`; other bodies are returned as they are. */
export function listObjectsV2AsS3(xml: string, query: URLSearchParams): string {
  if (query.get('list-type') !== '2' || !xml.includes('<ListBucketResult')) return xml;
  const returned = count(xml, '<Contents>') + count(xml, '<CommonPrefixes>');
  const encode = query.get('encoding-type') === 'url' ? urlEncode : xmlText;
  const elements = new RegExp(`<(${ENCODED.join('|')})>([^<]*)</\\1>`, 'g');
  const body = xml
    .replace(/<KeyCount>\d+<\/KeyCount>/, `<KeyCount>${returned}</KeyCount>`)
    .replace(
      elements,
      (_, name: string, text: string) => `<${name}>${encode(xmlValue(xmlValue(text)))}</${name}>`,
    );
  return encode === urlEncode ? body.replace(/(<\/Name>)/, '$1<EncodingType>url</EncodingType>') : body;
}

/**
 * S3's `url` encoding: as a form value (a space is `+`), with `/` kept, so a key reads as a path.
 * amplify decodes it by turning `+` into a space and then `decodeURIComponent`. The result holds
 * no XML specials (`&`, `<`, `>` and `"` are %-encoded), so it goes into the XML as it is.
 */
export function urlEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+').replace(/%2F/gi, '/');
}

function count(text: string, tag: string): number {
  return text.split(tag).length - 1;
}

/** An element's text, its XML escapes resolved once. */
function xmlValue(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|quot|apos|amp);/gi, (_, ref: string) => {
    if (ref[0] === '#')
      return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[ref.toLowerCase()]!;
  });
}
