import { closeSync, openSync, readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { Limiter, withRetries } from "../../concurrency.js";
import { ExitCode, S3kitError } from "../../errors.js";
import { formatBytes } from "../../s3/size.js";
import { MAX_OBJECT_SIZE, uploadPartSize } from "../settings.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  SMALL_IO,
  type TransferOutcome,
} from "./context.js";
import { MultipartUpload } from "./multipart.js";
import { checksumOf, objectParams, uploadChecksum } from "./object-params.js";
import { checksumFor } from "./requests.js";

export function readSmallFile(path: string, buffer: Buffer): void {
  const fd = openSync(path, "r");
  try {
    let done = 0;
    while (done < buffer.length) {
      const n = readSync(fd, buffer, done, buffer.length - done, done);
      if (n === 0) {
        throw new S3kitError({
          code: "SourceChanged",
          message: `${path} got shorter while it was being uploaded.`,
          hint: "Upload it again once nothing is writing to it.",
          exitCode: ExitCode.failure,
        });
      }
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Fills `buffer` from the file at `position`; a short read means the file shrank. */
export async function readFully(file: FileHandle, buffer: Buffer, position: number, path: string) {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await file.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) {
      throw new S3kitError({
        code: "SourceChanged",
        message: `${path} got shorter while it was being uploaded.`,
        hint: "Upload it again once nothing is writing to it.",
        exitCode: ExitCode.failure,
      });
    }
    done += bytesRead;
  }
}

export async function putObject(
  engine: Engine,
  target: ObjectRef,
  body: Buffer,
  nameForType: string | undefined,
  signal: AbortSignal,
): Promise<TransferOutcome> {
  const algorithm = uploadChecksum(engine.settings);
  const params = objectParams(engine.settings, nameForType, algorithm);
  const checksum = algorithm ? checksumFor(algorithm, body) : undefined;
  const output = await withRetries(
    () =>
      engine.objects.put(
        { bucket: target.bucket, key: target.key, body, params, checksum },
        signal,
      ),
    {
      signal,
      onRetry: (err, attempt) => engine.observer.retry?.(`upload of ${target.key}`, err, attempt),
    },
  );
  engine.observer.bytes?.(body.length);
  return {
    bytes: body.length,
    etag: output.ETag,
    parts: 1,
    checksum: checksumOf(output, algorithm) ?? checksum?.value,
  };
}

/** Uploads a local file: one PUT below the threshold, concurrent parts above it. */
export async function uploadFile(
  engine: Engine,
  path: string,
  size: number,
  target: ObjectRef,
): Promise<TransferOutcome> {
  const { limiter, pool, tuning, signal } = engine;
  if (size > MAX_OBJECT_SIZE) {
    throw new S3kitError({
      code: "ObjectTooLarge",
      message: `${path} is ${formatBytes(size)}; S3 objects are at most 5 TiB.`,
      exitCode: ExitCode.usage,
    });
  }
  if (size < tuning.multipartThreshold || size === 0) {
    return limiter.run(async () => {
      if (signal.aborted) throw interruptedIfAborted(signal);
      const lease = await pool.acquire(size);
      try {
        if (size > 0 && size <= SMALL_IO) readSmallFile(path, lease.buffer);
        else if (size > 0) {
          const file = await open(path, "r");
          try {
            await readFully(file, lease.buffer, 0, path);
          } finally {
            await file.close();
          }
        }
        return await putObject(engine, target, lease.buffer, path, signal);
      } catch (err) {
        throw interruptedIfAborted(signal, err);
      } finally {
        lease.release();
      }
    });
  }

  const partSize = uploadPartSize(size, tuning);
  const count = Math.ceil(size / partSize);
  const checksum = uploadChecksum(engine.settings);
  const upload = new MultipartUpload(
    engine,
    target,
    objectParams(engine.settings, path, undefined),
    checksum,
  );
  const file = await open(path, "r");
  // At most partsPerFile parts of this file at once, within --concurrency (see tuningFor).
  const perFile = new Limiter(
    Math.min(tuning.partsPerFile ?? tuning.concurrency, tuning.concurrency),
  );
  try {
    await limiter.run(() => upload.create());
    const tasks = Array.from({ length: count }, (_, i) => async () => {
      await perFile.run(() =>
        limiter.run(async () => {
          if (upload.signal.aborted) throw interruptedIfAborted(upload.signal);
          const offset = i * partSize;
          const length = Math.min(partSize, size - offset);
          const lease = await pool.acquire(length);
          try {
            if (upload.signal.aborted) throw interruptedIfAborted(upload.signal);
            await readFully(file, lease.buffer, offset, path);
            await upload.uploadPart(i + 1, lease.buffer);
          } finally {
            lease.release();
          }
        }),
      );
    });
    await upload.run(tasks);
    const done = await limiter.run(() => upload.complete());
    return { bytes: size, etag: done.etag, parts: count, checksum: done.checksum };
  } catch (err) {
    await upload.abort();
    throw interruptedIfAborted(signal, err);
  } finally {
    await file.close();
  }
}
