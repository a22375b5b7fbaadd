import { hash } from "node:crypto";
import { SigningKeyCache } from "./signing-key.js";
import { encodeRfc3986 } from "./uri-encode.js";

/**
 * SigV4 query-string signing ("presigning") with node:crypto, producing the same
 * bytes as @smithy/signature-v4 as driven by @aws-sdk/s3-request-presigner.
 *
 * Per URL it costs one SHA-256 of the canonical request and one HMAC of the
 * string to sign; the signing key is derived once per day and region (see
 * SigningKeyCache) and everything that depends only on credentials and date is
 * computed once and reused.
 */

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** One request to presign. Names and values are raw (not yet percent-encoded). */
export interface QueryPresignRequest {
  method: string;
  /** The Host header value to sign. */
  host: string;
  /** The path exactly as it will appear in the URL (already encoded). */
  path: string;
  /**
   * Parameters besides the X-Amz-* ones the signer adds. Every name must start
   * with a lowercase letter (S3's are: versionId, response-*, x-amz-*), which
   * places them after the X-Amz-* parameters in both sort orders used below.
   */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Headers to sign besides host, with lowercase names. The client must send them. */
  headers?: ReadonlyArray<readonly [string, string]>;
  expiresIn: number;
}

export interface QueryPresignResult {
  /** The query string (without "?"), in the order the SDK's formatUrl writes it. */
  queryString: string;
  signature: string;
  signedHeaders: string;
  longDate: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

interface DayContext {
  shortDate: string;
  scope: string;
  /** `${accessKeyId}/${scope}`, percent-encoded for the query. */
  credentialParam: string;
  /** The signing key's HMAC pads (RFC 2104), precomputed once per day. */
  innerPad: Buffer;
  outerPad: Buffer;
}

export class SigV4QuerySigner {
  readonly #accessKeyId: string;
  readonly #region: string;
  readonly #service: string;
  readonly #keys: SigningKeyCache;
  /** "&X-Amz-Security-Token=…" or "": the token sorts between Expires and Signature. */
  readonly #tokenParam: string;
  #day: DayContext | undefined;
  // X-Amz-Date has one-second resolution; batches sign many URLs per second.
  #lastEpochSecond = Number.NaN;
  #lastLongDate = "";

  constructor(credentials: SigV4Credentials, region: string, service = "s3") {
    this.#accessKeyId = credentials.accessKeyId;
    this.#region = region;
    this.#service = service;
    this.#keys = new SigningKeyCache(credentials.secretAccessKey, service);
    this.#tokenParam = credentials.sessionToken
      ? `&X-Amz-Security-Token=${encodeRfc3986(credentials.sessionToken)}`
      : "";
  }

  /** Number of signing keys derived so far (one per day and region). */
  get keyDerivations(): number {
    return this.#keys.derivations;
  }

  presign(request: QueryPresignRequest, signingDate: Date): QueryPresignResult {
    const longDate = this.#longDate(signingDate);
    const day = this.#dayContext(longDate.slice(0, 8));

    // Signed headers: host plus the request's, sorted by name, values canonicalised
    // the way the SDK does (newlines to spaces, runs of blanks to one, trimmed).
    let canonicalHeaders: string;
    let signedHeaders: string;
    const extraHeaders = request.headers;
    if (extraHeaders === undefined || extraHeaders.length === 0) {
      canonicalHeaders = `host:${request.host}\n`;
      signedHeaders = "host";
    } else {
      const all: Array<readonly [string, string]> = [["host", request.host], ...extraHeaders];
      all.sort(byFirst);
      canonicalHeaders = "";
      signedHeaders = "";
      for (const [name, value] of all) {
        canonicalHeaders += `${name}:${canonicalHeaderValue(value)}\n`;
        signedHeaders += signedHeaders === "" ? name : `;${name}`;
      }
    }
    const signedHeadersParam = this.#encodedSignedHeaders(signedHeaders);

    // The canonical query is sorted by encoded name, the URL's by raw name (the
    // SDK's formatUrl); the two orders differ only for unusual names, but both
    // matter for byte-identical URLs.
    let canonicalExtra = "";
    let urlExtra = "";
    const extraQuery = request.query;
    if (extraQuery !== undefined && extraQuery.length > 0) {
      const encoded = extraQuery.map(([name, value]) => {
        assertSortsAfterAmzParams(name);
        return [encodeRfc3986(name), encodeRfc3986(value), name] as const;
      });
      encoded.sort(byFirst);
      for (const [name, value] of encoded) canonicalExtra += `&${name}=${value}`;
      encoded.sort(byThird);
      for (const [name, value] of encoded) urlExtra += `&${name}=${value}`;
    }

    const amzParams =
      `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Content-Sha256=${UNSIGNED_PAYLOAD}` +
      `&X-Amz-Credential=${day.credentialParam}&X-Amz-Date=${longDate}` +
      `&X-Amz-Expires=${request.expiresIn}${this.#tokenParam}`;
    const canonicalRequest =
      `${request.method}\n${request.path}\n` +
      `${amzParams}&X-Amz-SignedHeaders=${signedHeadersParam}${canonicalExtra}\n` +
      `${canonicalHeaders}\n${signedHeaders}\n${UNSIGNED_PAYLOAD}`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${day.scope}\n${hash("sha256", canonicalRequest, "hex")}`;
    const signature = hmacHex(day, stringToSign);
    return {
      queryString: `${amzParams}&X-Amz-Signature=${signature}&X-Amz-SignedHeaders=${signedHeadersParam}${urlExtra}`,
      signature,
      signedHeaders,
      longDate,
    };
  }

  // A batch signs the same header set on every line; encode its name list once.
  readonly #signedHeadersParams = new Map<string, string>();
  #encodedSignedHeaders(signedHeaders: string): string {
    let encoded = this.#signedHeadersParams.get(signedHeaders);
    if (encoded === undefined) {
      encoded = encodeRfc3986(signedHeaders);
      if (this.#signedHeadersParams.size >= 64) this.#signedHeadersParams.clear();
      this.#signedHeadersParams.set(signedHeaders, encoded);
    }
    return encoded;
  }

  #longDate(date: Date): string {
    const epochSecond = Math.floor(date.getTime() / 1000);
    if (epochSecond !== this.#lastEpochSecond) {
      const iso = date.toISOString(); // 2026-01-02T03:04:05.678Z
      if (iso.length !== 24) throw new RangeError(`Signing date out of range: ${iso}`);
      this.#lastLongDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
      this.#lastEpochSecond = epochSecond;
    }
    return this.#lastLongDate;
  }

  #dayContext(shortDate: string): DayContext {
    const current = this.#day;
    if (current !== undefined && current.shortDate === shortDate) return current;
    const scope = `${shortDate}/${this.#region}/${this.#service}/aws4_request`;
    const signingKey = this.#keys.get(shortDate, this.#region);
    const innerPad = Buffer.alloc(SHA256_BLOCK_BYTES, 0x36);
    const outerPad = Buffer.alloc(SHA256_BLOCK_BYTES, 0x5c);
    for (let i = 0; i < signingKey.length; i++) {
      innerPad[i] = (innerPad[i] as number) ^ (signingKey[i] as number);
      outerPad[i] = (outerPad[i] as number) ^ (signingKey[i] as number);
    }
    const day: DayContext = {
      shortDate,
      scope,
      credentialParam: encodeRfc3986(`${this.#accessKeyId}/${scope}`),
      innerPad,
      outerPad,
    };
    this.#day = day;
    return day;
  }
}

const SHA256_BLOCK_BYTES = 64;
// Values without line breaks, tabs, double spaces or edge spaces are already canonical.
const NEEDS_CANONICALISING = /[\r\n\t]| {2}|^ | $/;

/**
 * HMAC-SHA256 with the day's precomputed pads: H(outer ‖ H(inner ‖ message)).
 * Two one-shot hashes cost less than a createHmac object per URL, which has to
 * import the key each time; the result is the same bytes.
 */
function hmacHex(day: DayContext, message: string): string {
  const inner = hash(
    "sha256",
    Buffer.concat([day.innerPad, Buffer.from(message, "utf8")]),
    "buffer",
  );
  return hash("sha256", Buffer.concat([day.outerPad, inner]), "hex");
}

/** Canonical form of a signed header's value, as @smithy/signature-v4 computes it. */
export function canonicalHeaderValue(value: string): string {
  if (!NEEDS_CANONICALISING.test(value)) return value;
  return value
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
}

function assertSortsAfterAmzParams(name: string): void {
  const first = name.charCodeAt(0);
  if (!(first >= 0x61 && first <= 0x7a)) {
    throw new Error(`Query parameter "${name}" must start with a lowercase letter.`);
  }
}

// Plain code-unit comparison, as Array.prototype.sort does without a comparator.
function byFirst(a: readonly [string, ...unknown[]], b: readonly [string, ...unknown[]]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function byThird(
  a: readonly [string, string, string],
  b: readonly [string, string, string],
): number {
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}
