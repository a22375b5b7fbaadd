/**
 * Percent-encoding exactly as SigV4 and the AWS SDK for JavaScript v3 do it.
 *
 * RFC 3986 leaves A-Z a-z 0-9 - _ . ~ unencoded and encodes every other byte of
 * the UTF-8 form as %XX with uppercase hex. encodeURIComponent is that minus five
 * characters it leaves alone (! ' ( ) *), so those are fixed up afterwards.
 * A space becomes %20 (never "+"), "+" becomes %2B, "~" stays as is.
 */
export function encodeRfc3986(value: string): string {
  // Fast path: most keys and values need no encoding at all.
  if (UNRESERVED_ONLY.test(value)) return value;
  return encodeURIComponent(value).replace(SUB_DELIMS_LEFT_BY_ENCODE_URI_COMPONENT, hexEscape);
}

/**
 * Encodes an object key for the URL path: each "/"-separated segment is encoded
 * on its own and the slashes are kept. S3 signs the path as sent (the SDK sets
 * `uriEscapePath: false` for S3), so the encoded path is also the canonical path:
 * no second round of encoding and no removal of "." / ".." or empty segments.
 */
export function encodeKeyPath(key: string): string {
  if (UNRESERVED_OR_SLASH_ONLY.test(key)) return key;
  return key.split("/").map(encodeRfc3986).join("/");
}

/** False when the string holds an unpaired UTF-16 surrogate, which has no UTF-8 form. */
export function isWellFormedUnicode(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

const UNRESERVED_ONLY = /^[A-Za-z0-9\-_.~]*$/;
const UNRESERVED_OR_SLASH_ONLY = /^[A-Za-z0-9\-_.~/]*$/;
const SUB_DELIMS_LEFT_BY_ENCODE_URI_COMPONENT = /[!'()*]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hexEscape(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}
