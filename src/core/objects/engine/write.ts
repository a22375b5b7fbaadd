import type { FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import { GcPacer } from "../gc-pacer.js";
import type { BufferLease, BufferPool } from "../limiter.js";

import { IncompleteBodyError } from "./errors.js";

const fileQueues = new WeakMap<FileHandle, Promise<unknown>>();

/**
 * Writes to one file one at a time: parallel writes to the same file only queue on the
 * kernel's inode lock, spinning (measured: a fifth of a large download's system time).
 */
function writeSerially(file: FileHandle, data: Buffer, position: number): Promise<void> {
  const previous = fileQueues.get(file) ?? Promise.resolve();
  const done = previous.then(async () => {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await file.write(
        data,
        offset,
        data.length - offset,
        position + offset,
      );
      offset += bytesWritten;
    }
  });
  fileQueues.set(
    file,
    done.catch(() => {}),
  );
  return done;
}

/** Shared by every download of the run: it counts all bytes received. */
const gcPacer = new GcPacer();

/** Bytes gathered before one write: fewer, larger writes cost far less than one per socket read. */
export const WRITE_BATCH = 1024 * 1024;

/**
 * Writes a response body into a file at `cursor.position` (advanced as bytes land on disk,
 * in order, so a retry resumes after them), up to `end` inclusive.
 *
 * Socket reads are copied into 1 MiB buffers from a shared pool and written in the
 * background: the small reads die young (cheap for the garbage collector), the kernel sees
 * few large writes, and a slow disk does not stall the connection until the pool (the
 * memory budget for downloads) runs dry. `onWritten` sees the bytes in order once written;
 * `onReceived` sees them in order as they arrive, still in the CPU's cache, which is where
 * checksums cost least (every byte it sees is written, or the download fails).
 */
export async function bodyToFile(
  body: Readable,
  file: FileHandle,
  cursor: { position: number },
  end: number,
  pool: BufferPool,
  onWritten: (data: Buffer) => void,
  onReceived?: (bytes: Buffer) => void,
): Promise<void> {
  let queued = cursor.position;
  let lease: BufferLease | undefined;
  let filled = 0;
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  let waitingForBuffer = false;
  let settled = false;

  const submit = () => {
    const current = lease;
    lease = undefined;
    if (!current) return;
    const bytes = filled;
    filled = 0;
    if (bytes === 0) {
      current.release();
      return;
    }
    const at = queued;
    queued += bytes;
    const data = current.buffer.subarray(0, bytes);
    writes = writes
      .then(async () => {
        await writeSerially(file, data, at);
        onWritten(data);
        cursor.position = at + bytes;
      })
      .finally(() => current.release());
    writes.catch((err) => {
      writeError ??= err;
      body.destroy(err as Error);
    });
  };

  const received = new Promise<void>((resolve, reject) => {
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      body.off("data", onData);
      if (err) reject(err);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      gcPacer.add(chunk.length);
      let offset = 0;
      while (offset < chunk.length) {
        const room = end + 1 - queued - filled;
        if (room <= 0) return;
        if (!lease) {
          const size = Math.min(WRITE_BATCH, room);
          lease = pool.tryAcquire(size);
          if (!lease) {
            // The download buffers are all in use: wait for a write to finish.
            const rest = chunk.subarray(offset);
            waitingForBuffer = true;
            body.pause();
            pool.acquire(size).then((acquired) => {
              waitingForBuffer = false;
              if (settled) {
                acquired.release();
                return;
              }
              lease = acquired;
              onData(rest);
              if (!waitingForBuffer) body.resume();
            });
            return;
          }
        }
        const take = Math.min(chunk.length - offset, lease.buffer.length - filled, room);
        const bytes = chunk.subarray(offset, offset + take);
        onReceived?.(bytes);
        lease.buffer.set(bytes, filled);
        filled += take;
        offset += take;
        if (filled === lease.buffer.length) submit();
      }
    };
    body.on("data", onData);
    body.once("end", () => finish());
    body.once("error", (err) => finish(writeError ?? err));
    body.once("close", () =>
      finish(writeError ?? new IncompleteBodyError("the connection closed before the body ended")),
    );
  });
  try {
    await received;
  } finally {
    // Whatever arrived is written, also when the connection broke: the retry starts after it.
    submit();
    await writes.catch(() => {});
  }
  if (writeError) throw writeError;
}
