import { UsageError } from "../errors.js";
import { assertExistingBucketName } from "../s3/bucket-names.js";
import { parseSize } from "../s3/size.js";
import { PresignInputError } from "./errors.js";
import { type PresignPostOptions, presignPost } from "./post.js";
import { buildGetSpec, buildPutSpec } from "./request-spec.js";
import type { GetPresignOptions, PutPresignOptions } from "./types.js";

/**
 * Flag parsing shared by the presign commands: pure functions from what was typed
 * to the core's options, raising usage errors (exit 2) before anything is signed.
 */

/** What `--expires` is when not given: the AWS CLI's `aws s3 presign` default. */
export const DEFAULT_EXPIRES = "1h";

/**
 * `--metadata k=v…` into a record. The value may contain "=" and may be empty;
 * names are checked by the signer (letters, digits, - _ .).
 */
export function parseMetadata(
  pairs: readonly string[] | undefined,
): Record<string, string> | undefined {
  if (pairs === undefined || pairs.length === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new PresignInputError(
        "InvalidOption",
        `--metadata "${pair}" is not key=value.`,
        "Give metadata as key=value pairs, e.g. --metadata owner=alice project=web.",
      );
    }
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    // Names are case-insensitive (S3 keeps them in lowercase): a second value would replace the first.
    const same = Object.keys(metadata).find((n) => n.toLowerCase() === name.toLowerCase());
    if (same !== undefined && metadata[same] !== value) {
      throw new PresignInputError(
        "InvalidOption",
        `--metadata gives "${name.toLowerCase()}" twice, with different values ("${metadata[same]}", then "${value}").`,
        "Give each metadata key once (names are not case-sensitive).",
      );
    }
    if (same === undefined) metadata[name] = value;
  }
  return metadata;
}

/**
 * `--metadata` takes several values, so `--metadata a=1 s3://b/k` swallows the
 * location. An s3:// word can never be key=value metadata (a name has no ":" or
 * "/"): give it back as the location when none was given.
 */
export function locationFromVariadic(
  location: string | undefined,
  values: string[] | undefined,
): { location: string | undefined; values: string[] | undefined } {
  if (location !== undefined || values === undefined) return { location, values };
  const index = values.findIndex((v) => v.startsWith("s3://"));
  if (index === -1) return { location, values };
  return {
    location: values[index],
    values: values.filter((_, i) => i !== index),
  };
}

/** `--content-length N`: a whole number of bytes. */
export function parseContentLength(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new PresignInputError(
      "InvalidOption",
      `--content-length "${text}" is not a whole number of bytes.`,
      "Give the exact size of the upload in bytes, e.g. --content-length 1048576 (or `stat -c %s FILE`).",
    );
  }
  return Number(text.trim());
}

/** What a presign command signs: one location from the command line, or one per input line. */
export type PresignTarget =
  | { kind: "single"; location: string }
  | { kind: "batch"; bucket: string | undefined };

export function presignTarget(input: {
  location: string | undefined;
  stdin: boolean;
  bucket: string | undefined;
  example: string;
}): PresignTarget {
  const { location, stdin, bucket, example } = input;
  if (stdin) {
    if (location !== undefined) {
      throw new UsageError(
        `--stdin reads the locations from standard input, but "${location}" was given as well.`,
        "Give either one location, or --stdin with one location per input line.",
        "InvalidOption",
      );
    }
    return { kind: "batch", bucket };
  }
  if (bucket !== undefined) {
    throw new UsageError(
      "--bucket goes with --stdin (every input line is then a key in that bucket).",
      `Sign one object with ${example}, or pass --stdin.`,
      "InvalidOption",
    );
  }
  if (location === undefined) {
    throw new UsageError(
      "No location given.",
      `Give one, e.g. ${example}, or --stdin to read one per line.`,
      "MissingLocation",
    );
  }
  return { kind: "single", location };
}

/** When a URL signed at `signingDate` for `expiresIn` seconds stops working (X-Amz-Date has whole seconds). */
export function expiresAtFor(signingDate: Date, expiresIn: number): string {
  return new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + expiresIn * 1000).toISOString();
}

/**
 * Checks the signing options (and a batch's --bucket) before credentials are
 * looked up or input is read, so a bad flag fails first, with exit 2.
 */
export function checkSignOptions(
  method: "GET" | "PUT",
  options: GetPresignOptions | PutPresignOptions | undefined,
  bucket?: string,
): void {
  if (method === "GET") buildGetSpec(options as GetPresignOptions | undefined);
  else buildPutSpec(options as PutPresignOptions | undefined);
  if (bucket !== undefined) assertExistingBucketName(bucket);
}

/**
 * Checks a presigned POST's options without credentials (every check presignPost
 * makes, run with a placeholder key), so bad flags fail before the credential
 * chain is asked.
 */
export function checkPostOptions(options: PresignPostOptions): void {
  presignPost(
    { credentials: { accessKeyId: "CHECK", secretAccessKey: "CHECK" }, region: "us-east-1" },
    options,
  );
}

/** `--max-size`: a size such as 10MB, at least one byte. */
export function parseMaxSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const bytes = parseSize(text, "--max-size");
  if (bytes < 1) {
    throw new PresignInputError(
      "InvalidSize",
      `--max-size ${text} would accept only empty files.`,
      "Give the largest upload to accept, e.g. --max-size 10MB.",
    );
  }
  return bytes;
}
