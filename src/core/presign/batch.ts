import { ExitCode, S3kitError, UsageError } from "../errors.js";
import { assertExistingBucketName } from "../s3/bucket-names.js";
import { assertValidKey } from "../s3/keys.js";
import { isS3Url, parseS3Location } from "../s3/location.js";
import { checkSignOptions } from "./options.js";
import type { Presigner } from "./presigner.js";
import type { GetPresignOptions, PresignedRequest, PutPresignOptions } from "./types.js";

/** A line the batch gave up on, in its place in the output. */
export interface LineError {
  line: number;
  code: string;
  message: string;
  hint: string | undefined;
}

/**
 * A line the input could not read as text: not valid UTF-8, or longer than any line meant
 * as input. `text` is what it reads as (invalid bytes as U+FFFD, a long line cut short),
 * for messages only.
 */
export interface UnreadableLine {
  unreadable: "invalid-utf8" | "too-long";
  text: string;
}

export interface BatchRequest {
  presigner: Presigner;
  method: "GET" | "PUT";
  /** The same options for every line. */
  options?: GetPresignOptions | PutPresignOptions | undefined;
  /** With a bucket, every line is a key in it; otherwise every line is s3://bucket/key. */
  bucket?: string | undefined;
  /** The input, in chunks of lines without line endings. */
  lines: AsyncIterable<readonly (string | UnreadableLine)[]>;
  /** One output line for a signed request, with its "\n". */
  render: (request: PresignedRequest) => string;
  /** One output line for a line that could not be signed, with its "\n". */
  renderError: (error: LineError) => string;
  /** Writes a chunk of output; a returned promise means "wait before the next chunk". */
  write: (text: string) => undefined | Promise<boolean | undefined>;
  /** Stops the batch between chunks (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /**
   * When the batch's URLs expire (they all share one signing time). Input that
   * arrives later would get URLs that no longer work, so the batch stops then.
   */
  expiresAt?: Date | undefined;
  /** The clock, for tests. */
  now?: () => number;
}

/** How many line errors a summary keeps (all are counted). */
const KEPT_FAILURES = 10;

export interface BatchSummary {
  /** URLs written. */
  signed: number;
  /** Input lines read. */
  lines: number;
  /** Lines answered with an error line. */
  failed: number;
  /** The first of them. */
  failures: LineError[];
  /** False when the reader went away (`write` resolved false) before the input ended. */
  completed: boolean;
}

/**
 * Batch signing (`presign get|put --stdin`): one location per input line, and one output
 * line per input line, in input order, always: output line N answers input line N.
 *
 * - Input and output stream: lines arrive in chunks (as the input delivers them)
 *   and each chunk's output is handed to `write` as one string; when `write`
 *   returns a promise (the reader is slower than the signer) the next chunk waits.
 * - Every URL is signed with the presigner's one signing time, so the signing key
 *   is derived once for the whole batch.
 * - Lines are taken verbatim, without their line ending: a key may hold spaces, and a line
 *   of white space (U+00A0, U+3000, spaces) is a key like any other (S3 allows it).
 * - A line that cannot be signed (empty, not valid UTF-8, not a location, an invalid bucket
 *   or key) gets an error line in its place (`renderError`) and the batch goes on; the
 *   summary counts them, so the caller can end with a non-zero exit.
 */
export async function signBatch(request: BatchRequest): Promise<BatchSummary> {
  const { presigner, method, options, bucket, render, write, signal } = request;
  // Options shared by every line are checked once, before any input is read.
  checkSignOptions(method, options, bucket);

  // Lines usually repeat one bucket: check each new name once.
  let lastValidBucket = "";
  const validateBucket = (name: string): void => {
    if (name === lastValidBucket) return;
    assertExistingBucketName(name);
    lastValidBucket = name;
  };

  let lineNumber = 0;
  let signed = 0;
  let failed = 0;
  const failures: LineError[] = [];
  const summary = (completed: boolean): BatchSummary => ({
    signed,
    lines: lineNumber,
    failed,
    failures,
    completed,
  });
  const now = request.now ?? Date.now;
  for await (const chunk of request.lines) {
    if (signal?.aborted) break;
    if (request.expiresAt !== undefined && now() >= request.expiresAt.getTime()) {
      throw new S3kitError({
        code: "BatchExpired",
        message: `The batch's URLs expired at ${request.expiresAt.toISOString()} while input was still arriving (line ${lineNumber + 1} and later were not signed).`,
        hint: `Every URL of a batch is signed at its start; sign the rest in a new batch, or use a longer --expires. The ${signed} URL${signed === 1 ? "" : "s"} printed before ${signed === 1 ? "has" : "have"} expired too.`,
        exitCode: ExitCode.failure,
      });
    }
    let output = "";
    for (const line of chunk) {
      lineNumber++;
      let result: PresignedRequest | undefined;
      let target: { bucket: string; key: string };
      try {
        target = locate(line, bucket, validateBucket);
        result = presigner.signLocally(method, target.bucket, target.key, options);
        // Buckets and regions with special endpoint rules go through the SDK.
        result ??= await (method === "GET"
          ? presigner.get(target.bucket, target.key, options as GetPresignOptions | undefined)
          : presigner.put(target.bucket, target.key, options as PutPresignOptions | undefined));
      } catch (err) {
        const error = lineError(err, lineNumber, line);
        failed++;
        if (failures.length < KEPT_FAILURES) failures.push(error);
        output += request.renderError(error);
        continue;
      }
      output += render(result);
      signed++;
    }
    if (output !== "" && (await write(output)) === false) return summary(false);
  }
  return summary(!signal?.aborted);
}

function locate(
  line: string | UnreadableLine,
  bucket: string | undefined,
  validateBucket: (name: string) => void,
): { bucket: string; key: string } {
  if (typeof line !== "string") {
    throw line.unreadable === "invalid-utf8"
      ? new UsageError(
          `The line is not valid UTF-8 (it reads as "${line.text.slice(0, 120)}").`,
          "Give the input as UTF-8, e.g. convert it with iconv -f LATIN1 -t UTF-8.",
          "InvalidEncoding",
        )
      : new UsageError(
          "The line is longer than 64 KiB; no key is that long.",
          "Give one key (or s3:// location) per line.",
          "InvalidKey",
        );
  }
  if (line === "") {
    throw new UsageError(
      "The line is empty.",
      "Give one key (or s3:// location) per line; leave out blank lines (grep -v '^$').",
      "MissingKey",
    );
  }
  if (bucket === undefined)
    return parseS3Location(line, { needKey: true, accessPoints: true, validateBucket });
  if (isS3Url(line)) {
    throw new UsageError(
      `"${line}" is an s3:// location, but with --bucket every line is a key.`,
      "Give keys only (photos/cat.jpg), or drop --bucket to give s3:// locations.",
      "InvalidLocation",
    );
  }
  assertValidKey(line);
  return { bucket, key: line };
}

function lineError(err: unknown, line: number, input: string | UnreadableLine): LineError {
  if (!(err instanceof S3kitError)) throw err;
  const text = typeof input === "string" ? input : "";
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  const message =
    text === "" || err.message.includes(text) || err.message.includes(shown)
      ? err.message
      : `${err.message} (input: "${shown}")`;
  return { line, code: err.code, message, hint: err.hint };
}
