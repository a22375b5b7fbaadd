import { randomBytes } from "node:crypto";
import { renameSync, writeFileSync } from "node:fs";
import { type FileHandle, mkdir, open, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { withRetries } from "../../concurrency.js";
import { createHasher, type Hasher } from "../checksums.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  SMALL_IO,
  type TransferOutcome,
} from "./context.js";
import { downloadRanges } from "./download-ranges.js";
import { ChecksumMismatchError, IncompleteBodyError } from "./errors.js";
import { md5FromEtag, type ObjectInfo, objectInfoFromHead } from "./object-info.js";

import { bodyToFile, readWhole } from "./write.js";

// Temporary names: a random part per run and a counter, so that no two runs (or files of
// one run) pick the same name, without drawing random bytes for each of 10^5 files.
const runToken = randomBytes(4).toString("hex");
let temporaries = 0;

export function temporaryPathFor(destination: string): string {
  return join(
    dirname(destination),
    `.${basename(destination)}.s3kit-${runToken}${(temporaries++).toString(36)}.part`,
  );
}

/**
 * Downloads an object to a file: into a temporary file in the target folder, checked
 * (size; MD5 for single-part ETags; the object's full checksum) and then renamed, so the
 * target is never a partial file. Large objects come down as concurrent ranges.
 */
export async function downloadFile(
  engine: Engine,
  source: ObjectRef,
  destination: string,
  known?: ObjectInfo,
): Promise<TransferOutcome> {
  const { session, signal, tuning } = engine;
  const folder = dirname(destination);
  if (!engine.folders?.has(folder)) {
    await mkdir(folder, { recursive: true });
    engine.folders?.add(folder);
  }
  const temporary = temporaryPathFor(destination);
  session.addTempFile(temporary);
  try {
    let outcome: TransferOutcome;
    if (known && known.size >= tuning.multipartThreshold && known.size > 0) {
      outcome = await downloadRanges(engine, source, temporary, known);
    } else {
      const { placed, ...whole } = await downloadWhole(engine, source, temporary, destination);
      if (placed) {
        session.forgetTempFile(temporary);
        return whole;
      }
      outcome = whole;
    }
    if (signal.aborted) throw interruptedIfAborted(signal);
    await rename(temporary, destination);
    session.forgetTempFile(temporary);
    return outcome;
  } catch (err) {
    await session.removeTempFile(temporary);
    throw interruptedIfAborted(signal, err);
  }
}

/** One GET; retried from the start if the connection breaks. */
async function downloadWhole(
  engine: Engine,
  source: ObjectRef,
  temporary: string,
  destination: string,
): Promise<TransferOutcome & { placed?: boolean }> {
  const { objects, signal, observer, limiter } = engine;
  const what = `s3://${source.bucket}/${source.key}`;
  return limiter.run(() =>
    withRetries(
      async () => {
        let reported = 0;
        let file: FileHandle | undefined;
        try {
          const response = await objects.get(
            { bucket: source.bucket, key: source.key, checksums: true },
            signal,
          );
          const info = objectInfoFromHead(response);
          const md5 = md5FromEtag(info);
          const md5Hasher = md5 ? createHasher("md5") : undefined;
          // The SDK checks a full-object checksum as the body streams in; s3kit's own
          // requests check it here, as the bytes arrive.
          const sum =
            info.checksum && objects.via === "lean"
              ? createHasher(info.checksum.algorithm)
              : undefined;
          let written: number;
          let placed = false;
          if (info.size <= SMALL_IO) {
            const data = await readWhole(response.Body, info.size);
            md5Hasher?.update(data);
            sum?.update(data);
            written = data.length;
            if (written === info.size) {
              verify(what, info, sum, md5, md5Hasher);
              if (signal.aborted) throw interruptedIfAborted(signal);
              // Checked in memory first; then written and renamed in one go, synchronously:
              // four system calls of microseconds each cost less than four trips through
              // the thread pool, and no Ctrl-C can come between them.
              writeFileSync(temporary, data, { flag: "wx" });
              renameSync(temporary, destination);
              placed = true;
            }
            reported = written;
            observer.bytes?.(written);
          } else {
            file = await open(temporary, "w");
            const cursor = { position: 0 };
            await bodyToFile(
              response.Body,
              file,
              cursor,
              info.size - 1,
              engine.writePool,
              (data) => {
                reported += data.length;
                observer.bytes?.(data.length);
              },
              md5Hasher || sum
                ? (bytes) => {
                    md5Hasher?.update(bytes);
                    sum?.update(bytes);
                  }
                : undefined,
            );
            written = cursor.position;
          }
          if (written !== info.size) {
            throw new IncompleteBodyError(
              `${source.key}: got ${written} of ${info.size} bytes before the connection ended`,
            );
          }
          if (!placed) verify(what, info, sum, md5, md5Hasher);
          const verified = ["size"];
          if (md5) verified.push("md5");
          if (info.checksum) verified.push(info.checksum.algorithm);
          return { bytes: written, etag: info.etag, parts: 1, verified, placed };
        } catch (err) {
          if (reported > 0) observer.bytes?.(-reported);
          throw err;
        } finally {
          await file?.close();
        }
      },
      {
        signal,
        onRetry: (err, attempt) => observer.retry?.(`download of ${source.key}`, err, attempt),
      },
    ).catch((err) => {
      throw sdkChecksumError(err, what) ?? err;
    }),
  );
}

/** Compares what arrived with the object's checksum (when computed here) and MD5 ETag. */
function verify(
  what: string,
  info: ObjectInfo,
  sum: Hasher | undefined,
  md5: string | undefined,
  md5Hasher: Hasher | undefined,
): void {
  if (sum && info.checksum) {
    const actual = sum.digest();
    if (actual !== info.checksum.value) {
      throw new ChecksumMismatchError(what, info.checksum.algorithm, info.checksum.value, actual);
    }
  }
  if (md5Hasher && md5) {
    const actual = md5Hasher.digest();
    if (actual !== md5) throw new ChecksumMismatchError(what, "MD5 (ETag)", md5, actual);
  }
}

/** The SDK's "Checksum mismatch" (a full-object checksum checked as the body streamed in), as s3kit's error. */
function sdkChecksumError(err: unknown, what: string): ChecksumMismatchError | undefined {
  const message = (err as Error | undefined)?.message ?? "";
  const match =
    /Checksum mismatch: expected "([^"]*)" but received "([^"]*)" in response header "x-amz-checksum-([a-z0-9]+)"/i.exec(
      message,
    );
  if (!match) return undefined;
  // The SDK calls the value it computed "expected" and the header's value "received".
  const [, computed, stored, algorithm] = match as unknown as [string, string, string, string];
  return new ChecksumMismatchError(what, algorithm.toLowerCase(), stored, computed);
}
