// `presign get|put --stdin`: the batch path both commands share.
import { UsageError } from "../../core/errors.js";
import { type LineError, signBatch } from "../../core/presign/batch.js";
import { checkSignOptions, expiresAtFor } from "../../core/presign/options.js";
import { openPresignSession, sessionExpiryWarning } from "../../core/presign/session.js";
import type {
  GetPresignOptions,
  PresignedRequest,
  PutPresignOptions,
} from "../../core/presign/types.js";
import { readLineChunks } from "../../io/lines.js";
import { oneLine } from "../../io/terminal-text.js";
import type { Context } from "../context.js";

export interface StdinBatchInput {
  method: "GET" | "PUT";
  options: GetPresignOptions | PutPresignOptions;
  /** With a bucket, every line is a key in it; otherwise every line is s3://bucket/key. */
  bucket: string | undefined;
  /** --curl, which only makes sense for one location. */
  curl: string | undefined;
  /** Called with the first request of a human-readable batch (put announces its headers). */
  onFirst?: (request: PresignedRequest) => void;
}

/** Signs one location per input line, streaming URLs (or JSON lines) in input order. */
export async function signStdinBatch(ctx: Context, input: StdinBatchInput): Promise<undefined> {
  if (input.curl !== undefined) {
    throw new UsageError(
      "--curl goes with one location, not with --stdin.",
      "Drop --curl: with --stdin one URL is printed per line.",
      "InvalidOption",
    );
  }
  checkSignOptions(input.method, input.options, input.bucket);
  const session = await openPresignSession(await ctx.aws());
  if (ctx.out.streams.stdinIsTTY) {
    ctx.out.info(
      `Reading ${input.bucket === undefined ? "s3://bucket/key locations" : "keys"} from the terminal, one per line; end with Ctrl-D.`,
    );
  }
  const expiresAt = expiresAtFor(session.signingDate, input.options.expiresIn as number);
  const warning = sessionExpiryWarning(session, expiresAt);
  if (warning) ctx.out.warn(warning);
  let first = true;
  let summary: Awaited<ReturnType<typeof signBatch>>;
  try {
    summary = await signBatch({
      presigner: session.presigner,
      method: input.method,
      options: input.options,
      bucket: input.bucket,
      lines: readLineChunks(ctx.out.streams.stdin),
      render: ctx.out.json
        ? (r) => `${JSON.stringify(r)}\n`
        : (r) => {
            if (first) {
              first = false;
              input.onFirst?.(r);
            }
            return `${r.url}\n`;
          },
      renderError: ctx.out.json
        ? (e) => `${JSON.stringify({ line: e.line, error: errorRecord(e) })}\n`
        : (e) => `error: line ${e.line}: ${oneLine(e.message)}\n`,
      write: (text) => ctx.out.stream(text),
      signal: ctx.signal,
      expiresAt: new Date(expiresAt),
    });
  } finally {
    // Everything signed reaches the reader, also when a bad line stops the batch.
    await ctx.out.flush();
  }
  if (summary.failed > 0) {
    const { failed, lines, failures } = summary;
    throw new UsageError(
      `${failed} of ${lines} input line${lines === 1 ? "" : "s"} could not be signed; each has an error line in its place in the output:`,
      `${failures[0]?.hint ?? ""} The other lines were signed.`.trim(),
      failures.length === 1 ? failures[0]?.code : "InvalidInputLines",
      [
        ...failures.map((f) => `line ${f.line}: ${f.message}`),
        ...(failed > failures.length ? [`… and ${failed - failures.length} more`] : []),
      ],
    );
  }
  return undefined;
}

function errorRecord(e: LineError): { code: string; message: string; hint: string | null } {
  return { code: e.code, message: e.message, hint: e.hint ?? null };
}
