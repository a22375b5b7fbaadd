import { open } from "node:fs/promises";
import { Limiter, withRetries } from "../../concurrency.js";
import {
  combineCrcs,
  crcDigest,
  createCrc,
  createHasher,
  hasNativeCrc32,
  isCrc,
} from "../checksums.js";
import { downloadRangeSize } from "../settings.js";
import type { HashName } from "../verify-worker.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  sharedSignal,
  type TransferOutcome,
} from "./context.js";
import { ChecksumMismatchError, IncompleteBodyError } from "./errors.js";
import { md5FromEtag, type ObjectInfo } from "./object-info.js";
import { bodyToFile } from "./write.js";

/** Concurrent ranged GETs written in place; a broken range resumes where it stopped. */
export async function downloadRanges(
  engine: Engine,
  source: ObjectRef,
  temporary: string,
  info: ObjectInfo,
): Promise<TransferOutcome> {
  const { signal, observer, limiter, tuning } = engine;
  const failFast = new AbortController();
  const rangeSignal = sharedSignal(signal, failFast.signal);
  // Ranges: larger than upload parts by default (fewer requests; nothing is buffered whole).
  const partSize = downloadRangeSize(info.size, tuning);
  const count = Math.ceil(info.size / partSize);
  const what = `s3://${source.bucket}/${source.key}`;
  const expected = expectedDigest(info);
  const file = await open(temporary, "w");
  // A full-object CRC is computed per range as the bytes arrive and the range CRCs are
  // combined at the end: CRC-32 here (zlib, native), the others (WebAssembly) on a
  // worker thread that reads each written span back from the page cache, or here if no
  // worker can run. MD5 and SHA cannot be combined: for those the worker hashes the file
  // from its start as far as it is filled in.
  const crcAlgorithm = expected && isCrc(expected.algorithm) ? expected.algorithm : undefined;
  // CRC-32 in zlib (native, ~3 GB/s) costs less here than reading the bytes back elsewhere.
  const rangeJob =
    crcAlgorithm && !(crcAlgorithm === "crc32" && hasNativeCrc32)
      ? engine.verifier?.beginRanges(temporary, crcAlgorithm, count)
      : undefined;
  const rangeCrcs =
    crcAlgorithm && !rangeJob
      ? Array.from({ length: count }, () => createCrc(crcAlgorithm))
      : undefined;
  const job =
    expected && !crcAlgorithm ? engine.verifier?.begin(temporary, expected.algorithm) : undefined;
  const written = Array.from({ length: count }, (_, i) => i * partSize);
  let complete = 0;
  let reported = 0;
  const advance = () => {
    while (
      complete < count &&
      (written[complete] as number) >= Math.min(info.size, (complete + 1) * partSize)
    ) {
      complete++;
    }
    const upTo = complete < count ? (written[complete] as number) : info.size;
    if (upTo - reported >= 4 * 1024 * 1024 || upTo === info.size) {
      reported = upTo;
      job?.advance(upTo);
    }
  };
  // At most rangesPerFile ranges of one file at once (within --concurrency): more only
  // contend for the same file and the same CPU (see tuningFor).
  const perFile = new Limiter(Math.min(tuning.rangesPerFile ?? 8, tuning.concurrency));
  try {
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        perFile
          .run(() =>
            limiter.run(async () => {
              const start = i * partSize;
              const end = Math.min(info.size, start + partSize) - 1;
              const cursor = { position: start };
              await withRetries(
                async () => {
                  if (rangeSignal.aborted) throw interruptedIfAborted(signal, new Error("stopped"));
                  const response = await engine.objects.get(
                    {
                      bucket: source.bucket,
                      key: source.key,
                      range: `bytes=${cursor.position}-${end}`,
                      ifMatch: info.etag,
                    },
                    rangeSignal,
                  );
                  await bodyToFile(
                    response.Body,
                    file,
                    cursor,
                    end,
                    engine.writePool,
                    (data) => {
                      // The worker reads the bytes back from the page cache, on its own thread.
                      rangeJob?.span(i, cursor.position, data.length);
                      written[i] = cursor.position + data.length;
                      observer.bytes?.(data.length);
                      advance();
                    },
                    rangeCrcs ? (bytes) => rangeCrcs[i]?.update(bytes) : undefined,
                  );
                  if (cursor.position !== end + 1) {
                    throw new IncompleteBodyError(
                      `${source.key}: range ended at byte ${cursor.position} instead of ${end + 1}`,
                    );
                  }
                },
                {
                  signal: rangeSignal,
                  onRetry: (err, attempt) =>
                    observer.retry?.(
                      `bytes ${cursor.position}-${end} of ${source.key}`,
                      err,
                      attempt,
                    ),
                },
              );
            }),
          )
          .catch((err) => {
            failures.push(err);
            failFast.abort();
          }),
      ),
    );
    if (failures.length > 0) throw failures[0];
  } catch (err) {
    job?.cancel();
    rangeJob?.cancel();
    throw err;
  } finally {
    await file.close();
  }
  if (!expected) return { bytes: info.size, etag: info.etag, parts: count, verified: ["size"] };
  let actual: string;
  if (crcAlgorithm && (rangeJob || rangeCrcs)) {
    const values = rangeJob ? await rangeJob.finish() : (rangeCrcs ?? []).map((c) => c.value());
    const pieces = values.map((crc, i) => ({
      crc,
      length: Math.min(info.size, (i + 1) * partSize) - i * partSize,
    }));
    actual = crcDigest(crcAlgorithm, combineCrcs(crcAlgorithm, pieces));
  } else {
    actual = job ? await job.finish(info.size) : await hashFile(temporary, expected.algorithm);
  }
  if (actual !== expected.value) {
    throw new ChecksumMismatchError(what, expected.label, expected.value, actual);
  }
  return {
    bytes: info.size,
    etag: info.etag,
    parts: count,
    verified: ["size", expected.algorithm],
  };
}

/** What a download is checked against: the full-object checksum, else a single-part MD5 ETag. */
function expectedDigest(
  info: ObjectInfo,
): { algorithm: HashName; value: string; label: string } | undefined {
  if (info.checksum) {
    return {
      algorithm: info.checksum.algorithm,
      value: info.checksum.value,
      label: info.checksum.algorithm,
    };
  }
  const md5 = md5FromEtag(info);
  return md5 ? { algorithm: "md5", value: md5, label: "MD5 (ETag)" } : undefined;
}

/** Hashes a whole file on this thread (when no worker thread can run). */
async function hashFile(path: string, algorithm: HashName): Promise<string> {
  const hasher = createHasher(algorithm);
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    let position = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hasher.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
  return hasher.digest();
}
