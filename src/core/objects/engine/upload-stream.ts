import type { Readable } from "node:stream";
import type { BufferLease, BufferPool } from "../../concurrency.js";
import { ExitCode, S3kitError } from "../../errors.js";
import { MAX_PART_SIZE, MAX_PARTS, MAX_SINGLE_PUT } from "../settings.js";
import {
  type Engine,
  interruptedIfAborted,
  type ObjectRef,
  type TransferOutcome,
} from "./context.js";
import { MultipartUpload } from "./multipart.js";
import { objectParams, uploadChecksum } from "./object-params.js";
import { putObject } from "./upload.js";

/**
 * Reads a stream of unknown length in pieces of exactly the requested size (the last one
 * shorter), so stdin can go up in parts without holding more than the parts in flight.
 */
class PieceReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private leftover: Buffer | undefined;
  private ended = false;

  constructor(stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Fills `buffer`; returns how many bytes were read (fewer only at the end of the stream). */
  async fill(buffer: Buffer): Promise<number> {
    let filled = 0;
    while (filled < buffer.length) {
      let chunk = this.leftover;
      this.leftover = undefined;
      if (!chunk) {
        if (this.ended) break;
        const next = await this.iterator.next();
        if (next.done) {
          this.ended = true;
          break;
        }
        chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
      const take = Math.min(chunk.length, buffer.length - filled);
      chunk.copy(buffer, filled, 0, take);
      filled += take;
      if (take < chunk.length) this.leftover = chunk.subarray(take);
    }
    return filled;
  }
}

/**
 * Uploads a stream of unknown length (stdin). Below the threshold it is one PUT; above, parts
 * go up while stdin is read, and the part size doubles every 1,000 parts so that 10,000 parts
 * reach 5 TiB.
 */
export async function uploadStream(
  engine: Engine,
  stream: Readable,
  target: ObjectRef,
): Promise<TransferOutcome> {
  const { pool, limiter, tuning, signal } = engine;
  const reader = new PieceReader(stream);
  // What is read before deciding must fit in the memory budget (with one more part to peek).
  const firstSize = Math.max(1, Math.min(tuning.multipartThreshold, pool.budget - tuning.partSize));
  const buffered: { lease: BufferLease; length: number }[] = [];
  let total = 0;
  // Read up to the threshold (in part-sized pieces) to decide between one PUT and parts.
  while (total < firstSize) {
    const lease = await pool.acquire(Math.min(tuning.partSize, MAX_SINGLE_PUT));
    const length = await reader.fill(lease.buffer);
    buffered.push({ lease, length });
    total += length;
    if (length < lease.buffer.length) break;
  }
  const atEnd = total < firstSize || (await peekEnd(reader, buffered, pool, tuning.partSize));
  if (atEnd) {
    const body =
      buffered.length === 1
        ? (buffered[0] as (typeof buffered)[number]).lease.buffer.subarray(0, total)
        : Buffer.concat(buffered.map((b) => b.lease.buffer.subarray(0, b.length)));
    try {
      return await limiter.run(() => putObject(engine, target, body, target.key, signal));
    } catch (err) {
      throw interruptedIfAborted(signal, err);
    } finally {
      for (const b of buffered) b.lease.release();
    }
  }

  const upload = new MultipartUpload(
    engine,
    target,
    objectParams(engine.settings, target.key, undefined),
    uploadChecksum(engine.settings),
  );
  const running: Promise<void>[] = [];
  let failed: unknown;
  let partNumber = 0;
  let bytes = 0;
  const send = (lease: BufferLease, length: number) => {
    const number = ++partNumber;
    bytes += length;
    const task = limiter
      .run(() => upload.uploadPart(number, lease.buffer.subarray(0, length)))
      .catch((err) => {
        failed ??= err;
        void upload.abort();
      })
      .finally(() => lease.release());
    running.push(task);
  };
  try {
    await limiter.run(() => upload.create());
    for (const b of buffered) send(b.lease, b.length);
    buffered.length = 0;
    for (;;) {
      if (failed || upload.signal.aborted) break;
      const size = streamPartSize(tuning.partSize, partNumber);
      const lease = await pool.acquire(size);
      const length = await reader.fill(lease.buffer);
      if (length === 0) {
        lease.release();
        break;
      }
      if (partNumber >= MAX_PARTS) {
        lease.release();
        throw new S3kitError({
          code: "ObjectTooLarge",
          message: "The input is larger than 10,000 parts can hold.",
          hint: "Use a larger --part-size.",
          exitCode: ExitCode.failure,
        });
      }
      send(lease, length);
      if (length < size) break;
    }
    await Promise.all(running);
    if (failed || upload.signal.aborted) throw failed ?? interruptedIfAborted(signal);
    const done = await limiter.run(() => upload.complete());
    return { bytes, etag: done.etag, parts: partNumber, checksum: done.checksum };
  } catch (err) {
    await Promise.allSettled(running);
    await upload.abort();
    throw interruptedIfAborted(signal, err);
  }
}

/** After exactly `threshold` bytes: reads one more piece to see whether the stream ended. */
async function peekEnd(
  reader: PieceReader,
  buffered: { lease: BufferLease; length: number }[],
  pool: BufferPool,
  partSize: number,
): Promise<boolean> {
  const lease = await pool.acquire(partSize);
  const length = await reader.fill(lease.buffer);
  if (length === 0) {
    lease.release();
    return true;
  }
  buffered.push({ lease, length });
  return false;
}

export function streamPartSize(base: number, partsSoFar: number): number {
  return Math.min(MAX_PART_SIZE, base * 2 ** Math.floor(partsSoFar / 1000));
}
