import { assertExistingBucketName } from "../buckets/names.js";
import { ExitCode, S3kitError, UsageError } from "../errors.js";
import { assertValidKey, parseS3Location } from "./location.js";
import { checkSignOptions } from "./options.js";
import type { Presigner } from "./presigner.js";
import type { GetPresignOptions, PresignedRequest, PutPresignOptions } from "./types.js";

/**
 * Batch signing (`presign get|put --stdin`): one location per input line, one
 * output line per signed URL, in input order.
 *
 * - Input and output stream: lines arrive in chunks (as the input delivers them)
 *   and each chunk's output is handed to `write` as one string; when `write`
 *   returns a promise (the reader is slower than the signer) the next chunk waits.
 * - Every URL is signed with the presigner's one signing time, so the signing key
 *   is derived once for the whole batch.
 * - Blank lines (empty or only white space) are skipped. Other lines are taken
 *   verbatim, without their line ending, so keys may hold spaces.
 * - The first invalid line stops the batch: everything signed before it has been
 *   written (so the output is exactly the URLs of the lines before it), and a
 *   UsageError (exit 2) names the line number.
 */
export interface BatchRequest {
  presigner: Presigner;
  method: "GET" | "PUT";
  /** The same options for every line. */
  options?: GetPresignOptions | PutPresignOptions | undefined;
  /** With a bucket, every line is a key in it; otherwise every line is s3://bucket/key. */
  bucket?: string | undefined;
  /** The input, in chunks of lines without line endings. */
  lines: AsyncIterable<readonly string[]>;
  /** One output line for a signed request, with its "\n". */
  render: (request: PresignedRequest) => string;
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

export interface BatchSummary {
  /** URLs written. */
  signed: number;
  /** Input lines read, blank ones included. */
  lines: number;
  /** False when the reader went away (`write` resolved false) before the input ended. */
  completed: boolean;
}

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
      if (line.length === 0 || line.trim() === "") continue;
      let result: PresignedRequest | undefined;
      let target: { bucket: string; key: string };
      try {
        target = locate(line, bucket, validateBucket);
        result = presigner.signLocally(method, target.bucket, target.key, options);
      } catch (err) {
        if (output !== "") await write(output);
        throw lineError(err, lineNumber, line, signed);
      }
      // Buckets and regions with special endpoint rules go through the SDK.
      result ??= await (method === "GET"
        ? presigner.get(target.bucket, target.key, options as GetPresignOptions | undefined)
        : presigner.put(target.bucket, target.key, options as PutPresignOptions | undefined));
      output += render(result);
      signed++;
    }
    if (output !== "" && (await write(output)) === false) {
      return { signed, lines: lineNumber, completed: false };
    }
  }
  return { signed, lines: lineNumber, completed: !signal?.aborted };
}

function locate(
  line: string,
  bucket: string | undefined,
  validateBucket: (name: string) => void,
): { bucket: string; key: string } {
  if (bucket === undefined) return parseS3Location(line, { validateBucket });
  if (line.startsWith("s3://")) {
    throw new UsageError(
      `"${line}" is an s3:// location, but with --bucket every line is a key.`,
      "Give keys only (photos/cat.jpg), or drop --bucket to give s3:// locations.",
      "InvalidLocation",
    );
  }
  assertValidKey(line);
  return { bucket, key: line };
}

function lineError(err: unknown, lineNumber: number, line: string, signed: number): S3kitError {
  if (!(err instanceof S3kitError)) throw err;
  const shown = line.length > 120 ? `${line.slice(0, 120)}…` : line;
  const message = err.message.includes(line) ? err.message : `${err.message} (input: "${shown}")`;
  const before =
    signed === 0
      ? "Nothing was printed."
      : `The ${signed} URL${signed === 1 ? "" : "s"} before it ${signed === 1 ? "was" : "were"} printed; nothing after it was signed.`;
  return new UsageError(
    `Line ${lineNumber}: ${message}`,
    `${err.hint ? `${err.hint} ` : ""}${before}`,
    err.code,
  );
}
