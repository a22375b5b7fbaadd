// Object and prefix locations as users type them: s3://bucket/key, like the AWS CLI, and
// s3://<access point ARN>/key where a command can use an access point.
import { UsageError } from "../errors.js";
import { assertExistingBucketName } from "./bucket-names.js";
import { assertValidKey } from "./keys.js";

/** An object or prefix location. */
export interface S3Location {
  /** A bucket name, or an access point ARN where the command accepts one. */
  bucket: string;
  /** The key exactly as typed after `bucket/` (no percent-decoding, like the AWS CLI); "" for the whole bucket. */
  key: string;
}

export interface ParseLocationOptions {
  /** Refuse a bare bucket or an empty key, where an object is meant. */
  needKey?: boolean;
  /**
   * Take access point ARNs (S3, Object Lambda, Outposts) in place of the bucket, as the
   * AWS CLI does: s3://arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/key.
   */
  accessPoints?: boolean;
  /**
   * Checks the bucket name; the default accepts every name S3 serves, legacy us-east-1
   * names included (`bucket create` applies today's rules). A batch passes a memoised one.
   */
  validateBucket?: (bucket: string) => void;
}

const SCHEME = /^s3:\/\//i;

// The access point ARNs the AWS CLI takes in an s3:// location, each followed by /key.
const ACCESS_POINT_ARNS = [
  /^(arn:aws[a-z-]*:s3:[a-z0-9-]*:\d{12}:accesspoint[:/][^/]+)(?:\/(.*))?$/s,
  /^(arn:aws[a-z-]*:s3-object-lambda:[a-z0-9-]+:\d{12}:accesspoint[:/][a-zA-Z0-9-]{1,63})(?:\/(.*))?$/s,
  /^(arn:aws[a-z-]*:s3-outposts:[a-z0-9-]+:\d{12}:outpost[:/][a-zA-Z0-9-]{1,63}[:/]accesspoint[:/][a-zA-Z0-9-]{1,63})(?:\/(.*))?$/s,
];

const EXAMPLE = "s3://my-app-uploads/images/logo.png";

export function isS3Url(text: string): boolean {
  return SCHEME.test(text);
}

/**
 * Parses `s3://bucket[/key]` (the scheme in any case). The bucket must be a name S3 can
 * serve, the key one it can store; `needKey` refuses a bare bucket.
 */
export function parseS3Location(text: string, options: ParseLocationOptions = {}): S3Location {
  if (!isS3Url(text)) throw notALocation(text);
  const rest = text.slice("s3://".length);
  const arn = rest.startsWith("arn:") ? accessPointOf(rest) : undefined;
  if (arn && !options.accessPoints) {
    throw new UsageError(
      `"${text}" names an access point; this command takes a bucket name.`,
      `Give the bucket behind the access point: s3://BUCKET/${arn.key}. Access point ARNs work with presign get and put.`,
      "InvalidLocation",
    );
  }
  if (rest.startsWith("arn:") && !arn) throw notALocation(text, rest);
  const slash = rest.indexOf("/");
  const bucket = arn?.bucket ?? (slash === -1 ? rest : rest.slice(0, slash));
  const key = arn?.key ?? (slash === -1 ? "" : rest.slice(slash + 1));
  if (bucket === "") {
    throw new UsageError(`"${text}" names no bucket.`, `Write it as ${EXAMPLE}.`, "MissingBucket");
  }
  if (!arn) (options.validateBucket ?? assertExistingBucketName)(bucket);
  if (options.needKey && key === "") {
    throw new UsageError(
      `"${text}" names a bucket but no object key.`,
      `Add the object's key: s3://${bucket}/path/to/file.txt.`,
      "MissingKey",
    );
  }
  // Keys and prefixes alike: S3 would refuse the request, so it is not sent.
  assertValidKey(key, text);
  return { bucket, key };
}

export function formatS3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

function accessPointOf(rest: string): S3Location | undefined {
  for (const pattern of ACCESS_POINT_ARNS) {
    const match = pattern.exec(rest);
    if (match) return { bucket: match[1] as string, key: match[2] ?? "" };
  }
  return undefined;
}

/** `text` is what was typed; `arn` the ARN in it, when it holds one. */
function notALocation(text: string, arn = text): UsageError {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  if (arn.startsWith("arn:")) {
    // arn:aws:s3:::bucket/key is how the console copies an object's ARN.
    const plain = /^arn:aws[a-z-]*:s3:::([^/]+)(?:\/(.*))?$/s.exec(arn);
    return new UsageError(
      `"${text}" holds an ARN, not an S3 location.`,
      plain
        ? `Write it as s3://${plain[1]}/${plain[2] ?? ""}.`
        : `Write it as s3://BUCKET/KEY, e.g. ${EXAMPLE} (access point ARNs: s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/KEY).`,
      "InvalidLocation",
    );
  }
  return new UsageError(
    scheme
      ? `"${text}" is a ${scheme} URL, not an S3 location.`
      : `"${text}" is not an S3 location.`,
    `Write it as s3://BUCKET/KEY, e.g. ${EXAMPLE}.`,
    "InvalidLocation",
  );
}
