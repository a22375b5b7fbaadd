import { createHash, hash } from "node:crypto";
import { SigningKeyCache } from "../../core/presign/signing-key.js";
import { canonicalHeaderValue } from "../../core/presign/sigv4-query.js";
import { encodeRfc3986 } from "../../core/presign/uri-encode.js";

/**
 * SigV4 in the Authorization header, for the object requests the transfer engine sends
 * itself. The signing key is derived once per day (SigningKeyCache); each request costs one
 * SHA-256 of its canonical form and one HMAC. The payload is either `UNSIGNED-PAYLOAD` (over
 * TLS, which protects it in transit, with a checksum header S3 verifies) or its SHA-256.
 */

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface SignableRequest {
  method: string;
  host: string;
  /** The path as sent (already encoded). */
  path: string;
  /** Query parameters, raw (encoded here). */
  query: ReadonlyArray<readonly [string, string]>;
  /** Lowercase names, values as sent; `host`, `x-amz-date` and the like are added here. */
  headers: Array<[string, string]>;
  /** Hex SHA-256 of the body, or UNSIGNED_PAYLOAD. */
  payloadHash: string;
}

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const ALGORITHM = "AWS4-HMAC-SHA256";
// Sent but never signed, as @smithy/signature-v4 does: proxies may change them.
const UNSIGNABLE = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
]);

export class HeaderSigner {
  private readonly keys: SigningKeyCache;
  private day: { shortDate: string; scope: string; inner: Buffer; outer: Buffer } | undefined;

  constructor(
    private readonly credentials: SigningCredentials,
    private readonly region: string,
  ) {
    this.keys = new SigningKeyCache(credentials.secretAccessKey, "s3");
  }

  /** Adds the date, token, payload hash and Authorization headers; returns the query string. */
  sign(request: SignableRequest, now: Date): string {
    const longDate = amzDate(now);
    const day = this.dayContext(longDate.slice(0, 8));
    const headers = request.headers;
    headers.push(["host", request.host]);
    headers.push(["x-amz-content-sha256", request.payloadHash]);
    headers.push(["x-amz-date", longDate]);
    if (this.credentials.sessionToken) {
      headers.push(["x-amz-security-token", this.credentials.sessionToken]);
    }
    headers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let canonicalHeaders = "";
    let signedHeaders = "";
    for (const [name, value] of headers) {
      if (UNSIGNABLE.has(name)) continue;
      canonicalHeaders += `${name}:${canonicalHeaderValue(value)}\n`;
      signedHeaders += signedHeaders === "" ? name : `;${name}`;
    }
    const query = request.query
      .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const canonicalRequest = `${request.method}\n${request.path}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${request.payloadHash}`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${day.scope}\n${hash("sha256", canonicalRequest, "hex")}`;
    const inner = createHash("sha256").update(day.inner).update(stringToSign, "utf8").digest();
    const signature = createHash("sha256").update(day.outer).update(inner).digest("hex");
    headers.push([
      "authorization",
      `${ALGORITHM} Credential=${this.credentials.accessKeyId}/${day.scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    ]);
    return query;
  }

  private dayContext(shortDate: string) {
    if (this.day?.shortDate === shortDate) return this.day;
    const key = this.keys.get(shortDate, this.region);
    const inner = Buffer.alloc(64, 0x36);
    const outer = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) {
      inner[i] = (inner[i] as number) ^ (key[i] as number);
      outer[i] = (outer[i] as number) ^ (key[i] as number);
    }
    this.day = { shortDate, scope: `${shortDate}/${this.region}/s3/aws4_request`, inner, outer };
    return this.day;
  }
}

/** YYYYMMDDTHHMMSSZ. */
export function amzDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}
