import { assertExistingBucketName } from "../s3/bucket-names.js";
import { PresignInputError } from "./errors.js";
import { isWellFormedUnicode } from "./uri-encode.js";

export interface S3Location {
  bucket: string;
  /** The key exactly as typed after `bucket/` (no percent-decoding, like the AWS CLI). */
  key: string;
  /** True when the key is empty or ends with "/": a prefix (folder) rather than one object. */
  isPrefix: boolean;
}

export interface ParseLocationOptions {
  /**
   * `object` (default) needs a key: `s3://bucket/key`. `prefix` accepts a key prefix
   * as well (`s3://bucket/uploads/` or `s3://bucket/`), which is what `presign post`
   * takes to let the browser choose the file name.
   */
  accept?: "object" | "prefix";
  /**
   * Checks the bucket name and throws a UsageError when it is not valid. The
   * default accepts every name S3 serves, legacy us-east-1 names included
   * (src/core/buckets/names.ts); a batch passes a memoised version of it.
   */
  validateBucket?: (bucket: string) => void;
}

/** S3 keys are at most 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
const SCHEME = "s3://";

/** Parses `s3://bucket/key` (or `s3://bucket/prefix/` when `accept: "prefix"`). */
export function parseS3Location(input: string, options: ParseLocationOptions = {}): S3Location {
  const accept = options.accept ?? "object";
  const example =
    accept === "prefix" ? "s3://my-bucket/uploads/" : "s3://my-bucket/path/to/file.txt";
  if (!input.startsWith(SCHEME)) {
    const guess = /^[a-z][a-z0-9+.-]*:\/\//i.exec(input)?.[0];
    throw new PresignInputError(
      "InvalidLocation",
      guess
        ? `"${input}" is a ${guess.slice(0, -3)} URL, not an S3 location.`
        : `"${input}" is not an S3 location.`,
      `Write the location as ${example}.`,
    );
  }
  const rest = input.slice(SCHEME.length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? "" : rest.slice(slash + 1);
  if (bucket === "") {
    throw new PresignInputError(
      "MissingBucket",
      `"${input}" has no bucket name.`,
      `Write the location as ${example}.`,
    );
  }
  (options.validateBucket ?? assertExistingBucketName)(bucket);
  if (key === "" && accept === "object") {
    throw new PresignInputError(
      "MissingKey",
      `"${input}" names a bucket but no object key.`,
      `Add the object's key: s3://${bucket}/path/to/file.txt.`,
    );
  }
  assertValidKey(key, input);
  return { bucket, key, isPrefix: key === "" || key.endsWith("/") };
}

/**
 * Checks an object key (or prefix) S3 can store and a URL can carry: at most 1024
 * bytes of UTF-8, no unpaired surrogates. `input` is what the user typed, for the message.
 */
export function assertValidKey(key: string, input: string = key): void {
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new PresignInputError(
      "InvalidKey",
      `The key in "${input.slice(0, 80)}…" is longer than S3's limit of ${MAX_KEY_BYTES} bytes.`,
      "Use a shorter key.",
    );
  }
  if (!isWellFormedUnicode(key)) {
    throw new PresignInputError(
      "InvalidKey",
      "The key contains an unpaired UTF-16 surrogate and cannot be encoded in a URL.",
      "Check the input's character encoding.",
    );
  }
}
