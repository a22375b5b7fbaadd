import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createHasher } from "../checksums.js";
import { withRetries } from "../limiter.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  SMALL_IO,
  sendOptions,
  type TransferOutcome,
} from "./context.js";
import { downloadRanges } from "./download-ranges.js";
import { ChecksumMismatchError, IncompleteBodyError } from "./errors.js";
import { md5FromEtag, type ObjectInfo, objectInfoFromHead } from "./object-info.js";

import { bodyToFile } from "./write.js";

export function temporaryPathFor(destination: string): string {
  return join(
    dirname(destination),
    `.${basename(destination)}.s3kit-${randomBytes(4).toString("hex")}.part`,
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
      outcome = await downloadWhole(engine, source, temporary);
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
): Promise<TransferOutcome> {
  const { s3, signal, observer, limiter } = engine;
  return limiter.run(() =>
    withRetries(
      async () => {
        let reported = 0;
        let file: FileHandle | undefined;
        try {
          const response = await s3.send(
            new GetObjectCommand({
              Bucket: source.bucket,
              Key: source.key,
              ChecksumMode: "ENABLED",
            }),
            sendOptions(signal),
          );
          const info = objectInfoFromHead(response);
          const md5 = md5FromEtag(info);
          const hasher = md5 ? createHasher("md5") : undefined;
          let written: number;
          if (info.size <= SMALL_IO) {
            const data = await smallBody(response.Body as Readable, info.size);
            hasher?.update(data);
            // Asynchronous: creating a file can take a millisecond, and creations run in parallel.
            await writeFile(temporary, data);
            written = data.length;
            reported = written;
            observer.bytes?.(written);
          } else {
            file = await open(temporary, "w");
            const cursor = { position: 0 };
            await bodyToFile(
              response.Body as Readable,
              file,
              cursor,
              info.size - 1,
              engine.writePool,
              (data) => {
                reported += data.length;
                observer.bytes?.(data.length);
              },
              hasher ? (bytes) => hasher.update(bytes) : undefined,
            );
            written = cursor.position;
          }
          if (written !== info.size) {
            throw new IncompleteBodyError(
              `${source.key}: got ${written} of ${info.size} bytes before the connection ended`,
            );
          }
          const verified = ["size"];
          if (hasher && md5) {
            const actual = hasher.digest();
            if (actual !== md5)
              throw new ChecksumMismatchError(
                `s3://${source.bucket}/${source.key}`,
                "MD5 (ETag)",
                md5,
                actual,
              );
            verified.push("md5");
          }
          // A full-object checksum was checked by the SDK as the body streamed in.
          if (info.checksum) verified.push(info.checksum.algorithm);
          return { bytes: written, etag: info.etag, parts: 1, verified };
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
      throw sdkChecksumError(err, `s3://${source.bucket}/${source.key}`) ?? err;
    }),
  );
}

/** A small body, whole, in one buffer (the length is known from Content-Length). */
function smallBody(body: Readable, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const data = Buffer.allocUnsafe(size);
    let filled = 0;
    body.on("data", (chunk: Buffer) => {
      const take = Math.min(chunk.length, size - filled);
      chunk.copy(data, filled, 0, take);
      filled += take;
    });
    body.once("end", () =>
      filled === size
        ? resolve(data)
        : reject(new IncompleteBodyError(`got ${filled} of ${size} bytes before the body ended`)),
    );
    body.once("error", reject);
    body.once("close", () =>
      reject(new IncompleteBodyError("the connection closed before the body ended")),
    );
  });
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
