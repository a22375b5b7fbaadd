import { writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { ResponseBody } from "../../../aws/lean-s3/http1.js";
import type { BufferLease, BufferPool } from "../../concurrency.js";
import { GcPacer } from "../gc-pacer.js";
import { IncompleteBodyError } from "./errors.js";
import { isLeanBody, type ObjectBody } from "./requests.js";

/** Writes all of `data` at `position`, here and now. */
function writeAll(fd: number, data: Buffer, position: number): void {
  let offset = 0;
  while (offset < data.length) {
    offset += writeSync(fd, data, offset, data.length - offset, position + offset);
  }
}

/** Shared by every download of the run: it counts all bytes received. */
const gcPacer = new GcPacer();

/**
 * Bytes gathered before one write. Fewer, larger writes cost less than one per socket read,
 * but not without end: on Linux 6.x (ext4 with large folios) a 512 KiB or 1 MiB write makes
 * the page cache allocate folios that large, and writing a gigabyte that way took 0.8-1.9 s
 * of system time on the build machine against 0.23-0.26 s in 128-384 KiB writes (and
 * 0.37 s in 32 KiB ones, mc's size). 128 KiB also stays in the CPU's cache between arriving
 * and being written. See bench/RESULTS.md.
 */
export const WRITE_BATCH = 128 * 1024;

/**
 * Writes a response body into a file at `cursor.position` (advanced as bytes land on disk,
 * in order, so a retry resumes after them), up to `end` inclusive.
 *
 * The bytes gather in WRITE_BATCH buffers from a shared pool, and each full one is written
 * at once, on this thread: the bytes are still in this core's cache then, and copying them
 * into the page cache cost half as much as from a thread-pool thread (1 GiB down, on two
 * cores: 1.32 s of CPU against 1.78 s, bench/RESULTS.md). Writes to one file are serial, as
 * the kernel's inode lock would make them anyway. A LeanS3 body is read straight into the
 * buffers; an SDK stream's reads are copied in. `onWritten` sees the bytes in order once
 * written; `onReceived` sees them in order as they arrive, which is where checksums cost
 * least (every byte it sees is written, or the download fails).
 */
export async function bodyToFile(
  body: ObjectBody,
  file: FileHandle,
  cursor: { position: number },
  end: number,
  pool: BufferPool,
  onWritten: (data: Buffer) => void,
  onReceived?: (bytes: Buffer) => void,
): Promise<void> {
  const writer = new BatchWriter(file, cursor, end, pool, onWritten, onReceived);
  try {
    if (isLeanBody(body)) await writer.fromLean(body);
    else await writer.fromStream(body);
  } finally {
    // Whatever arrived is written, also when the connection broke: the retry starts after it.
    writer.flush();
  }
  writer.throwIfFailed();
}

/** Batches of received bytes on their way to one file. */
class BatchWriter {
  private queued: number;
  private lease: BufferLease | undefined;
  private filled = 0;
  private writeError: unknown;
  private settled = false;
  private stop: ((err: Error) => void) | undefined;

  constructor(
    private readonly file: FileHandle,
    private readonly cursor: { position: number },
    private readonly end: number,
    private readonly pool: BufferPool,
    private readonly onWritten: (data: Buffer) => void,
    private readonly onReceived: ((bytes: Buffer) => void) | undefined,
  ) {
    this.queued = cursor.position;
  }

  /** Reads a LeanS3 body straight into the batches (the socket pauses while none is free). */
  async fromLean(body: ResponseBody): Promise<void> {
    this.stop = (err) => body.destroy(err);
    let waiting = false;
    try {
      await body.pipe({
        space: () => {
          if (this.lease) return this.lease.buffer.subarray(this.filled);
          const size = this.batchSize();
          if (size <= 0) return undefined;
          this.lease = this.pool.tryAcquire(size);
          if (this.lease) return this.lease.buffer;
          if (!waiting) {
            // The download buffers are all in use: read on once a write has finished.
            waiting = true;
            void this.pool.acquire(size).then((acquired) => {
              waiting = false;
              if (this.settled) {
                acquired.release();
                return;
              }
              this.lease = acquired;
              body.resume();
            });
          }
          return undefined;
        },
        filled: (n) => {
          const lease = this.lease as BufferLease;
          if (this.onReceived) this.onReceived(lease.buffer.subarray(this.filled, this.filled + n));
          this.filled += n;
          if (this.filled === lease.buffer.length) this.submit();
        },
      });
    } finally {
      this.settled = true;
    }
  }

  /** Copies an SDK stream's reads into the batches. */
  fromStream(body: Readable): Promise<void> {
    this.stop = (err) => body.destroy(err);
    let waitingForBuffer = false;
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: unknown) => {
        if (this.settled) return;
        this.settled = true;
        body.off("data", onData);
        if (err) reject(err);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        gcPacer.add(chunk.length);
        let offset = 0;
        while (offset < chunk.length) {
          const room = this.end + 1 - this.queued - this.filled;
          if (room <= 0) return;
          if (!this.lease) {
            const size = this.batchSize();
            this.lease = this.pool.tryAcquire(size);
            if (!this.lease) {
              // The download buffers are all in use: wait for a write to finish.
              const rest = chunk.subarray(offset);
              waitingForBuffer = true;
              body.pause();
              this.pool.acquire(size).then((acquired) => {
                waitingForBuffer = false;
                if (this.settled) {
                  acquired.release();
                  return;
                }
                this.lease = acquired;
                onData(rest);
                if (!waitingForBuffer) body.resume();
              });
              return;
            }
          }
          const lease = this.lease;
          const take = Math.min(chunk.length - offset, lease.buffer.length - this.filled, room);
          const bytes = chunk.subarray(offset, offset + take);
          this.onReceived?.(bytes);
          lease.buffer.set(bytes, this.filled);
          this.filled += take;
          offset += take;
          if (this.filled === lease.buffer.length) this.submit();
        }
      };
      body.on("data", onData);
      body.once("end", () => finish());
      body.once("error", (err) => finish(this.writeError ?? err));
      body.once("close", () =>
        finish(
          this.writeError ?? new IncompleteBodyError("the connection closed before the body ended"),
        ),
      );
    });
  }

  flush(): void {
    this.settled = true;
    this.submit();
  }

  throwIfFailed(): void {
    if (this.writeError) throw this.writeError;
  }

  /** The next batch: WRITE_BATCH bytes, or what is left of the range. */
  private batchSize(): number {
    return Math.min(WRITE_BATCH, this.end + 1 - this.queued);
  }

  private submit(): void {
    const current = this.lease;
    this.lease = undefined;
    if (!current) return;
    const bytes = this.filled;
    this.filled = 0;
    try {
      if (bytes === 0 || this.writeError) return;
      const at = this.queued;
      const data = current.buffer.subarray(0, bytes);
      writeAll(this.file.fd, data, at);
      this.queued += bytes;
      // onWritten sees the cursor where these bytes start; then it moves past them.
      this.onWritten(data);
      this.cursor.position = at + bytes;
    } catch (err) {
      this.writeError ??= err;
      this.stop?.(err as Error);
    } finally {
      current.release();
    }
  }
}

/** A body of known size, whole, in one buffer; `onReceived` sees the bytes as they arrive. */
export async function readWhole(body: ObjectBody, size: number): Promise<Buffer> {
  const data = isLeanBody(body) ? await body.toBuffer() : await streamToBuffer(body, size);
  if (data.length !== size) {
    throw new IncompleteBodyError(`got ${data.length} of ${size} bytes before the body ended`);
  }
  return data;
}

function streamToBuffer(body: Readable, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const data = Buffer.allocUnsafe(size);
    let filled = 0;
    body.on("data", (chunk: Buffer) => {
      const take = Math.min(chunk.length, size - filled);
      chunk.copy(data, filled, 0, take);
      filled += take;
    });
    body.once("end", () => resolve(data.subarray(0, filled)));
    body.once("error", reject);
    body.once("close", () =>
      reject(new IncompleteBodyError("the connection closed before the body ended")),
    );
  });
}
