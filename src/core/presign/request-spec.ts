import { MAX_PRESIGN_SECONDS } from "./duration.js";
import { PresignInputError } from "./errors.js";
import type { GetPresignOptions, PresignMethod, PutPresignOptions } from "./types.js";
import { isWellFormedUnicode } from "./uri-encode.js";

/**
 * What goes into a presigned GetObject or PutObject besides the bucket and key:
 * which parameters ride in the query string and which headers are signed (and so
 * must be sent by the client).
 *
 * Left to itself the SDK hoists every x-amz-* header except the SSE ones into the
 * query string. Two of them are kept as signed headers here instead:
 * - x-amz-meta-*: AWS reads metadata from the query string, but several
 *   S3-compatible servers (versitygw, moto, older LocalStack and Scality) drop it
 *   silently, while every server stores metadata sent as headers; signing them
 *   also stops the uploader from changing them.
 * - x-amz-checksum-sha256: S3 ignores it in a presigned URL's query string and
 *   checks it only as a header.
 * SSE headers stay headers (S3 refuses them in the query), and Content-Type and
 * Content-Length are signed when given.
 */
export interface ObjectRequestSpec {
  method: PresignMethod;
  expiresIn: number;
  /** Query parameters, raw names (all start with a lowercase letter) and values. */
  query: Array<[string, string]>;
  /** Signed headers besides host, lowercase names, raw values. */
  headers: Array<[string, string]>;
}

export const DEFAULT_EXPIRES_IN = 900;
/** The largest object a single PUT can upload (5 GiB); larger needs multipart. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
/** S3 limits user-defined metadata to 2 KB (names and values, UTF-8). */
const MAX_METADATA_BYTES = 2048;
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Printable ASCII, space and tab: what an HTTP client can send in a header.
const HEADER_VALUE = /^[\x20-\x7e\t]*$/;
const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

export function buildGetSpec(options: GetPresignOptions = {}): ObjectRequestSpec {
  const query: Array<[string, string]> = [];
  const add = (name: string, value: string | undefined, flag: string): void => {
    if (value === undefined) return;
    requireText(value, flag);
    query.push([name, value]);
  };
  add("versionId", options.versionId, "--version-id");
  add("response-cache-control", options.responseCacheControl, "--response-cache-control");
  add(
    "response-content-disposition",
    options.responseContentDisposition,
    "--response-content-disposition",
  );
  add("response-content-encoding", options.responseContentEncoding, "--response-content-encoding");
  add("response-content-language", options.responseContentLanguage, "--response-content-language");
  add("response-content-type", options.responseContentType, "--response-content-type");
  return { method: "GET", expiresIn: checkExpiresIn(options.expiresIn), query, headers: [] };
}

export function buildPutSpec(options: PutPresignOptions = {}): ObjectRequestSpec {
  const query: Array<[string, string]> = [];
  const headers: Array<[string, string]> = [];
  if (options.contentType !== undefined) {
    requireHeaderValue(options.contentType, "--content-type");
    headers.push(["content-type", options.contentType]);
  }
  if (options.contentLength !== undefined) {
    const n = options.contentLength;
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SINGLE_PUT_BYTES) {
      throw new PresignInputError(
        "InvalidOption",
        `--content-length ${n} is not a size a single PUT can upload.`,
        "Give a whole number of bytes from 0 to 5368709120 (5 GiB); larger objects need a multipart upload (s3kit cp).",
      );
    }
    headers.push(["content-length", String(n)]);
  }
  if (options.metadata !== undefined) {
    let bytes = 0;
    const seen = new Set<string>();
    for (const [rawName, value] of Object.entries(options.metadata)) {
      const name = rawName.toLowerCase();
      if (!HTTP_TOKEN.test(name)) {
        throw new PresignInputError(
          "InvalidOption",
          `Metadata name "${rawName}" is not valid.`,
          "Metadata names use letters, digits and - _ . (as in --metadata owner=alice).",
        );
      }
      if (seen.has(name)) {
        throw new PresignInputError(
          "InvalidOption",
          `Metadata name "${name}" is given twice (names are case-insensitive).`,
          "Give each metadata name once.",
        );
      }
      seen.add(name);
      if (value !== "") requireHeaderValue(value, `--metadata ${rawName}`);
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      headers.push([`x-amz-meta-${name}`, value]);
    }
    if (bytes > MAX_METADATA_BYTES) {
      throw new PresignInputError(
        "InvalidOption",
        `The metadata takes ${bytes} bytes; S3 allows at most ${MAX_METADATA_BYTES}.`,
        "Shorten the metadata names or values.",
      );
    }
  }
  if (options.sse !== undefined) {
    if (options.sse !== "AES256" && options.sse !== "aws:kms") {
      throw new PresignInputError(
        "InvalidOption",
        `--sse "${String(options.sse)}" is not supported.`,
        "Use --sse AES256 (S3-managed keys) or --sse aws:kms (KMS).",
      );
    }
    headers.push(["x-amz-server-side-encryption", options.sse]);
  }
  if (options.sseKmsKeyId !== undefined) {
    if (options.sse !== "aws:kms") {
      throw new PresignInputError(
        "InvalidOption",
        "A KMS key id needs --sse aws:kms.",
        "Add --sse aws:kms, or drop the KMS key id.",
      );
    }
    requireHeaderValue(options.sseKmsKeyId, "--sse-kms-key-id");
    headers.push(["x-amz-server-side-encryption-aws-kms-key-id", options.sseKmsKeyId]);
  }
  if (options.checksumSha256 !== undefined) {
    if (!SHA256_BASE64.test(options.checksumSha256)) {
      throw new PresignInputError(
        "InvalidOption",
        `--checksum-sha256 "${options.checksumSha256}" is not a base64 SHA-256 digest.`,
        "Give the base64 of the 32-byte digest (44 characters ending in =), e.g. from `openssl dgst -sha256 -binary FILE | base64`.",
      );
    }
    headers.push(["x-amz-checksum-sha256", options.checksumSha256]);
  }
  return { method: "PUT", expiresIn: checkExpiresIn(options.expiresIn), query, headers };
}

export function checkExpiresIn(expiresIn: number | undefined): number {
  if (expiresIn === undefined) return DEFAULT_EXPIRES_IN;
  if (!Number.isSafeInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new PresignInputError(
      expiresIn > MAX_PRESIGN_SECONDS ? "ExpiresTooLong" : "InvalidDuration",
      `Expiry of ${expiresIn} seconds is out of range.`,
      "SigV4 presigned URLs are valid from 1 second to 7 days (604800 s): use e.g. --expires 15m, 1h or 7d.",
    );
  }
  return expiresIn;
}

function requireText(value: string, flag: string): void {
  if (typeof value !== "string" || !isWellFormedUnicode(value)) {
    throw new PresignInputError(
      "InvalidOption",
      `${flag} is not valid text.`,
      "Check the value's character encoding.",
    );
  }
}

function requireHeaderValue(value: string, flag: string): void {
  if (typeof value !== "string" || value.trim() === "" || !HEADER_VALUE.test(value)) {
    throw new PresignInputError(
      "InvalidOption",
      `${flag} "${value}" cannot be sent as an HTTP header.`,
      "Use a non-empty value of printable ASCII characters, without line breaks (S3 needs US-ASCII in headers; encode other text first).",
    );
  }
}
