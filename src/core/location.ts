import { UsageError } from "./errors.js";
import { assertValidKey } from "./presign/location.js";
import { assertExistingBucketName } from "./s3/bucket-names.js";

/** An object or prefix location, `s3://bucket/key`. */
export interface S3Location {
  bucket: string;
  /** The key or prefix; "" for the whole bucket. */
  key: string;
}

export function isS3Url(text: string): boolean {
  return /^s3:\/\//i.test(text);
}

/**
 * Parses `s3://bucket[/key]`, checking that the bucket name is one S3 can serve (legacy
 * us-east-1 names included: the strict rules are for `bucket create`).
 * `needKey` rejects a bare bucket where an object is meant.
 */
export function parseS3Url(text: string, options: { needKey?: boolean } = {}): S3Location {
  if (!isS3Url(text)) {
    throw new UsageError(
      `"${text}" is not an S3 location.`,
      "Write it as s3://BUCKET/KEY, e.g. s3://my-app-uploads/images/logo.png.",
      "InvalidLocation",
    );
  }
  const rest = text.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? "" : rest.slice(slash + 1);
  if (bucket === "") {
    throw new UsageError(
      `"${text}" names no bucket.`,
      "Write it as s3://BUCKET/KEY.",
      "InvalidLocation",
    );
  }
  assertExistingBucketName(bucket);
  if (options.needKey && key === "") {
    throw new UsageError(
      `"${text}" names a bucket but no object key.`,
      `Add the key: s3://${bucket}/path/to/object.`,
      "InvalidLocation",
    );
  }
  // Keys and prefixes alike: S3 would refuse the request, so it is not sent.
  assertValidKey(key, text);
  return { bucket, key };
}

export function formatS3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
