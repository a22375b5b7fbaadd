import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { closeSync, openSync, readSync } from "node:fs";
import { type FileHandle, mkdir, open, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import {
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  type CopyObjectCommandInput,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { type BufferLease, type BufferPool, Limiter, withRetries } from "../concurrency.js";
import { ExitCode, InterruptedError, S3kitError } from "../errors.js";
import { formatBytes } from "../s3/size.js";
import {
  type ChecksumAlgorithm,
  combineCrcs,
  crcDigest,
  createCrc,
  createHasher,
  type Hasher,
  hasNativeCrc32,
  isCrc,
  SDK_CHECKSUM,
} from "./checksums.js";
import { contentTypeFor } from "./content-type.js";
import { GcPacer } from "./gc-pacer.js";
import type { OpenUpload, TransferSession } from "./session.js";
import {
  MAX_OBJECT_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MAX_SINGLE_PUT,
  type ObjectSettings,
  partSizeFor,
  type Tuning,
} from "./settings.js";
import type { HashName, Verifier } from "./verify-worker.js";

/** Progress reports from a running transfer (bytes may go back when a part is retried). */
export interface TransferObserver {
  bytes?(delta: number): void;
  retry?(what: string, err: unknown, attempt: number): void;
}

/** Everything the transfer functions share for one run. */
export interface Engine {
  s3: S3Client;
  signal: AbortSignal;
  session: TransferSession;
  limiter: Limiter;
  pool: BufferPool;
  /** Buffers for downloaded bytes on their way to disk. */
  writePool: BufferPool;
  tuning: Tuning;
  settings: ObjectSettings;
  observer: TransferObserver;
  /** Folders already created for downloads. */
  folders?: Set<string>;
  /** Hashes large downloads on a worker thread as they arrive. */
  verifier?: Verifier;
  /** Objects up to this size are copied with one CopyObject; larger ones in parts. */
  maxSingleCopy?: number;
}

export interface ObjectRef {
  bucket: string;
  key: string;
}

export interface TransferOutcome {
  bytes: number;
  etag?: string | undefined;
  parts: number;
  /** What a download was checked against: `size`, and `md5` (single-part ETag) or a checksum name. */
  verified?: string[] | undefined;
  checksum?: string | undefined;
}

const FIVE_GIB = 5 * 1024 * 1024 * 1024;

export class ChecksumMismatchError extends S3kitError {
  constructor(what: string, algorithm: string, expected: string, actual: string) {
    super({
      code: "ChecksumMismatch",
      message: `${what}: the downloaded data does not match the object's ${algorithm} (expected ${expected}, got ${actual}); the partial file was removed.`,
      hint: "Run the command again; if it keeps failing, the object or the connection is damaged.",
      exitCode: ExitCode.failure,
    });
  }
}

function interruptedIfAborted(signal: AbortSignal, err?: unknown): unknown {
  if (signal.aborted) return new InterruptedError("Interrupted; the transfer was stopped.");
  return err;
}

/** A signal many requests listen to at once (every part in flight adds a listener). */
export function sharedSignal(...signals: AbortSignal[]): AbortSignal {
  const signal = signals.length === 1 ? (signals[0] as AbortSignal) : AbortSignal.any(signals);
  setMaxListeners(0, signal);
  return signal;
}

function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal as never } : {};
}

/**
 * The checksum an upload carries: --checksum, else CRC32 (as the AWS CLI and SDKs send by
 * default), so S3 checks every part and the object as it stores them. `--checksum none` sends none.
 */
export const DEFAULT_UPLOAD_CHECKSUM: ChecksumAlgorithm = "crc32";

export function uploadChecksum(settings: ObjectSettings): ChecksumAlgorithm | undefined {
  if (settings.checksum === "none") return undefined;
  return settings.checksum ?? DEFAULT_UPLOAD_CHECKSUM;
}

/** The checksum a server-side copy asks for: only one given with --checksum. */
function copyChecksum(settings: ObjectSettings): ChecksumAlgorithm | undefined {
  return settings.checksum === "none" ? undefined : settings.checksum;
}

/** The object headers an upload or copy sets, from --content-type, --metadata and friends. */
export function objectParams(
  settings: ObjectSettings,
  nameForType: string | undefined,
  checksum: ChecksumAlgorithm | undefined,
): Omit<CreateMultipartUploadCommandInput, "Bucket" | "Key"> {
  const contentType =
    settings.contentType ?? (nameForType ? contentTypeFor(nameForType) : undefined);
  return {
    ...(contentType ? { ContentType: contentType } : {}),
    ...(settings.metadata ? { Metadata: settings.metadata } : {}),
    ...(settings.cacheControl ? { CacheControl: settings.cacheControl } : {}),
    ...(settings.storageClass ? { StorageClass: settings.storageClass as never } : {}),
    ...(settings.sse ? { ServerSideEncryption: settings.sse } : {}),
    ...(settings.kmsKeyId ? { SSEKMSKeyId: settings.kmsKeyId } : {}),
    ...(checksum ? { ChecksumAlgorithm: SDK_CHECKSUM[checksum].algorithm } : {}),
  };
}

function checksumOf(output: object, algorithm: ChecksumAlgorithm | undefined): string | undefined {
  if (!algorithm) return undefined;
  return (output as Record<string, string | undefined>)[SDK_CHECKSUM[algorithm].field];
}

// ---------------------------------------------------------------------------------------
// Uploads

/**
 * Files up to this size are read with synchronous calls (uploads) and downloaded whole into
 * one buffer: for a small file a read from the page cache takes microseconds, less than the
 * thread-pool round trips of the asynchronous API, and thousands of small files add up.
 * (Creating files stays asynchronous: it can take a millisecond, and creations overlap.)
 */
export const SMALL_IO = 256 * 1024;

function readSmallFile(path: string, buffer: Buffer): void {
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
async function readFully(file: FileHandle, buffer: Buffer, position: number, path: string) {
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

async function putObject(
  engine: Engine,
  target: ObjectRef,
  body: Buffer,
  nameForType: string | undefined,
  signal: AbortSignal,
): Promise<TransferOutcome> {
  const checksum = uploadChecksum(engine.settings);
  const params = objectParams(engine.settings, nameForType, checksum);
  const output = await withRetries(
    () =>
      engine.s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          Body: body,
          ContentLength: body.length,
          ...params,
        }),
        sendOptions(signal),
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
    checksum: checksumOf(output, checksum),
  };
}

/**
 * One multipart upload: created, tracked by the session until it completes, aborted on
 * any failure (and on Ctrl-C by the session) so that no parts are left behind.
 */
class MultipartUpload {
  private upload: OpenUpload | undefined;
  private readonly parts: CompletedPart[] = [];
  private readonly failFast = new AbortController();
  readonly signal: AbortSignal;

  constructor(
    private readonly engine: Engine,
    private readonly target: ObjectRef,
    private readonly createParams: Omit<CreateMultipartUploadCommandInput, "Bucket" | "Key">,
    /** Every part carries this checksum; a CRC is combined into one of the whole object. */
    private readonly checksum: ChecksumAlgorithm | undefined,
  ) {
    this.signal = sharedSignal(engine.signal, this.failFast.signal);
  }

  async create(): Promise<void> {
    const { s3 } = this.engine;
    // Not abortable: if Ctrl-C comes while this is in flight, the session waits for the
    // id and aborts the upload, instead of leaving one nobody knows about.
    const creating = withRetries(() =>
      s3.send(
        new CreateMultipartUploadCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          ...this.createParams,
          ...(this.checksum
            ? {
                ChecksumAlgorithm: SDK_CHECKSUM[this.checksum].algorithm,
                // A full-object CRC (S3 combines the parts') can be checked on download.
                ...(isCrc(this.checksum) ? { ChecksumType: "FULL_OBJECT" as const } : {}),
              }
            : {}),
        }),
      ),
    ).then((out) => {
      if (!out.UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
      return { bucket: this.target.bucket, key: this.target.key, uploadId: out.UploadId };
    });
    this.engine.session.trackCreate(this.target, creating);
    this.upload = await creating;
    if (this.engine.signal.aborted) throw interruptedIfAborted(this.engine.signal);
  }

  async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    const upload = this.upload as OpenUpload;
    const { s3, observer } = this.engine;
    const checksum = this.checksum;
    const output = await withRetries(
      () =>
        s3.send(
          new UploadPartCommand({
            Bucket: upload.bucket,
            Key: upload.key,
            UploadId: upload.uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.length,
            ...(checksum ? { ChecksumAlgorithm: SDK_CHECKSUM[checksum].algorithm } : {}),
          }),
          sendOptions(this.signal),
        ),
      {
        signal: this.signal,
        onRetry: (err, attempt) =>
          observer.retry?.(`part ${partNumber} of ${upload.key}`, err, attempt),
      },
    );
    const part: CompletedPart = { PartNumber: partNumber, ETag: output.ETag };
    if (checksum) {
      const field = SDK_CHECKSUM[checksum].field;
      const value = checksumOf(output, checksum);
      if (value) (part as Record<string, unknown>)[field] = value;
    }
    this.parts.push(part);
    observer.bytes?.(body.length);
  }

  async uploadPartCopy(partNumber: number, source: ObjectRef, start: number, end: number) {
    const upload = this.upload as OpenUpload;
    const output = await withRetries(
      () =>
        this.engine.s3.send(
          new UploadPartCopyCommand({
            Bucket: upload.bucket,
            Key: upload.key,
            UploadId: upload.uploadId,
            PartNumber: partNumber,
            CopySource: copySource(source),
            CopySourceRange: `bytes=${start}-${end}`,
          }),
          sendOptions(this.signal),
        ),
      { signal: this.signal },
    );
    const result = output.CopyPartResult ?? {};
    const part: CompletedPart = { PartNumber: partNumber, ETag: result.ETag };
    const checksum = this.checksum;
    if (checksum) {
      const value = checksumOf(result, checksum);
      if (value) (part as Record<string, unknown>)[SDK_CHECKSUM[checksum].field] = value;
    }
    this.parts.push(part);
    this.engine.observer.bytes?.(end - start + 1);
  }

  async complete(): Promise<{ etag?: string | undefined; checksum?: string | undefined }> {
    const upload = this.upload as OpenUpload;
    const parts = [...this.parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const output = await withRetries(() =>
      this.engine.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
          MultipartUpload: { Parts: parts },
        }),
      ),
    );
    this.engine.session.completed(upload.uploadId);
    return { etag: output.ETag, checksum: checksumOf(output, this.checksum) };
  }

  /** Runs the part tasks; the first failure stops the rest and aborts the upload. */
  async run(tasks: (() => Promise<void>)[]): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(
      tasks.map((task) =>
        task().catch((err) => {
          failures.push(err);
          this.failFast.abort();
        }),
      ),
    );
    if (failures.length > 0) {
      throw interruptedIfAborted(this.engine.signal, failures[0]);
    }
  }

  async abort(): Promise<void> {
    this.failFast.abort();
    if (this.upload) await this.engine.session.abortUpload(this.upload).catch(() => false);
  }
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

  const partSize = partSizeFor(size, tuning.partSize);
  const count = Math.ceil(size / partSize);
  const checksum = uploadChecksum(engine.settings);
  const upload = new MultipartUpload(
    engine,
    target,
    objectParams(engine.settings, path, undefined),
    checksum,
  );
  const file = await open(path, "r");
  try {
    await limiter.run(() => upload.create());
    const tasks = Array.from({ length: count }, (_, i) => async () => {
      await limiter.run(async () => {
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
      });
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

// ---------------------------------------------------------------------------------------
// Downloads

export interface ObjectInfo {
  size: number;
  etag?: string | undefined;
  /** A checksum of the whole object, when the object has one. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  encryption?: string | undefined;
}

/** Whether an ETag is the MD5 of the object's bytes (single-part, not SSE-KMS or SSE-C). */
function md5FromEtag(info: { etag?: string | undefined; encryption?: string | undefined }) {
  const etag = info.etag?.replace(/"/g, "");
  if (!etag || !/^[0-9a-f]{32}$/i.test(etag)) return undefined;
  if (info.encryption && info.encryption !== "AES256") return undefined;
  return etag.toLowerCase();
}

export function objectInfoFromHead(head: HeadObjectCommandOutput | GetObjectCommandOutput) {
  // A checksum can be checked against the bytes only if it covers the whole object: a
  // multipart object's checksum is usually of its parts' checksums ("…-12", COMPOSITE),
  // and without a type saying FULL_OBJECT a multipart object's checksum is not trusted.
  const multipart = /-\d+"?$/.test(head.ETag ?? "");
  let checksum: ObjectInfo["checksum"];
  for (const [algorithm, { field }] of Object.entries(SDK_CHECKSUM)) {
    const value = (head as unknown as Record<string, unknown>)[field];
    if (typeof value !== "string" || /-\d+$/.test(value)) continue;
    if (head.ChecksumType === "COMPOSITE") continue;
    if (multipart && head.ChecksumType !== "FULL_OBJECT") continue;
    checksum = { algorithm: algorithm as ChecksumAlgorithm, value };
    break;
  }
  return {
    size: head.ContentLength ?? 0,
    etag: head.ETag,
    checksum,
    encryption: head.SSECustomerAlgorithm ? "SSE-C" : head.ServerSideEncryption,
  } satisfies ObjectInfo;
}

export async function headObject(engine: Pick<Engine, "s3" | "signal">, source: ObjectRef) {
  return engine.s3.send(
    new HeadObjectCommand({ Bucket: source.bucket, Key: source.key, ChecksumMode: "ENABLED" }),
    sendOptions(engine.signal),
  );
}

function temporaryPathFor(destination: string): string {
  return join(
    dirname(destination),
    `.${basename(destination)}.s3kit-${randomBytes(4).toString("hex")}.part`,
  );
}

class IncompleteBodyError extends Error {
  override name = "IncompleteBody";
}

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

/** Ranges of one file downloaded at once, at most. */
export const RANGES_PER_FILE = 8;

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
async function bodyToFile(
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

/** Concurrent ranged GETs written in place; a broken range resumes where it stopped. */
async function downloadRanges(
  engine: Engine,
  source: ObjectRef,
  temporary: string,
  info: ObjectInfo,
): Promise<TransferOutcome> {
  const { s3, signal, observer, limiter, tuning } = engine;
  const failFast = new AbortController();
  const rangeSignal = sharedSignal(signal, failFast.signal);
  // Ranges: larger than upload parts by default (fewer requests; nothing is buffered whole).
  const partSize = tuning.rangeSize;
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
  // At most RANGES_PER_FILE ranges of one file at once (within --concurrency): more only
  // contend for the same file and the same CPU (measured on a 2-core machine).
  const perFile = new Limiter(Math.min(RANGES_PER_FILE, tuning.concurrency));
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
                  const response = await s3.send(
                    new GetObjectCommand({
                      Bucket: source.bucket,
                      Key: source.key,
                      Range: `bytes=${cursor.position}-${end}`,
                      ...(info.etag ? { IfMatch: info.etag } : {}),
                    }),
                    sendOptions(rangeSignal),
                  );
                  await bodyToFile(
                    response.Body as Readable,
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

/**
 * Streams an object to a writable (stdout), in order, resuming with a Range request if
 * the connection breaks part-way.
 */
export async function downloadToStream(
  engine: Engine,
  source: ObjectRef,
  out: Writable,
): Promise<TransferOutcome> {
  const { s3, signal, observer } = engine;
  let position = 0;
  let info: ObjectInfo | undefined;
  let hasher: Hasher | undefined;
  let md5: string | undefined;
  await withRetries(
    async () => {
      const response = await s3.send(
        new GetObjectCommand({
          Bucket: source.bucket,
          Key: source.key,
          ...(position > 0 ? { Range: `bytes=${position}-` } : {}),
          ...(position > 0 && info?.etag ? { IfMatch: info.etag } : {}),
        }),
        sendOptions(signal),
      );
      if (!info) {
        info = objectInfoFromHead(response);
        md5 = md5FromEtag(info);
        hasher = md5 ? createHasher("md5") : undefined;
      }
      for await (const chunk of response.Body as Readable) {
        hasher?.update(chunk);
        if (!out.write(chunk)) await waitForDrain(out, signal);
        position += chunk.length;
        observer.bytes?.(chunk.length);
      }
      if (position !== info.size) {
        throw new IncompleteBodyError(
          `${source.key}: stream ended at byte ${position} of ${info.size}`,
        );
      }
    },
    {
      signal,
      onRetry: (err, attempt) => observer.retry?.(`download of ${source.key}`, err, attempt),
    },
  ).catch((err) => {
    throw interruptedIfAborted(signal, err);
  });
  const final = info as ObjectInfo;
  const verified = ["size"];
  if (hasher && md5) {
    const actual = hasher.digest();
    if (actual !== md5) {
      throw new ChecksumMismatchError(
        `s3://${source.bucket}/${source.key}`,
        "MD5 (ETag)",
        md5,
        actual,
      );
    }
    verified.push("md5");
  }
  return { bytes: position, etag: final.etag, parts: 1, verified };
}

function waitForDrain(out: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      out.off("drain", done);
      out.off("error", fail);
      out.off("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const fail = (err: unknown) => {
      out.off("drain", done);
      out.off("close", done);
      signal.removeEventListener("abort", done);
      reject(err);
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", fail);
    signal.addEventListener("abort", done);
  });
}

// ---------------------------------------------------------------------------------------
// Copies inside S3

/** `bucket/key` for CopySource, with the key URL-encoded segment by segment. */
export function copySource(source: ObjectRef): string {
  return `${source.bucket}/${source.key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Whether the copy must replace the object's headers instead of keeping the source's. */
function replacesHeaders(settings: ObjectSettings): boolean {
  return Boolean(settings.contentType || settings.metadata || settings.cacheControl);
}

/**
 * Copies an object server-side: one CopyObject up to 5 GiB, a multipart copy
 * (UploadPartCopy ranges) above. With new headers, the ones not given keep the source's.
 */
export async function copyObject(
  engine: Engine,
  source: ObjectRef,
  target: ObjectRef,
  knownSize?: number,
): Promise<TransferOutcome> {
  const { s3, limiter, signal, settings, tuning } = engine;
  const maxSingle = engine.maxSingleCopy ?? FIVE_GIB;
  const replace = replacesHeaders(settings);
  let head: HeadObjectCommandOutput | undefined;
  if (knownSize === undefined || replace || knownSize > maxSingle) {
    head = await limiter.run(() => headObject(engine, source));
  }
  const size = head?.ContentLength ?? knownSize ?? 0;
  const keep = head ? sourceHeaders(head) : {};
  const checksum = copyChecksum(settings);
  const params = objectParams(settings, undefined, checksum);
  if (size <= maxSingle) {
    const input: CopyObjectCommandInput = {
      Bucket: target.bucket,
      Key: target.key,
      CopySource: copySource(source),
      ...(replace ? { MetadataDirective: "REPLACE", ...keep } : {}),
      ...params,
    };
    const output = await limiter
      .run(() =>
        withRetries(() => s3.send(new CopyObjectCommand(input), sendOptions(signal)), { signal }),
      )
      .catch((err) => {
        throw interruptedIfAborted(signal, err);
      });
    engine.observer.bytes?.(size);
    const result = output.CopyObjectResult ?? {};
    return {
      bytes: size,
      etag: result.ETag,
      parts: 1,
      checksum: checksumOf(result, checksum),
    };
  }

  const partSize = partSizeFor(size, tuning.partSize);
  const count = Math.ceil(size / partSize);
  // A multipart copy starts a new object: it takes the source's headers, unless given new ones.
  const upload = new MultipartUpload(
    engine,
    target,
    { ...keep, ...objectParams(settings, undefined, undefined) },
    checksum,
  );
  try {
    await limiter.run(() => upload.create());
    await upload.run(
      Array.from(
        { length: count },
        (_, i) => () =>
          limiter.run(() => {
            const start = i * partSize;
            const end = Math.min(size, start + partSize) - 1;
            return upload.uploadPartCopy(i + 1, source, start, end);
          }),
      ),
    );
    const done = await limiter.run(() => upload.complete());
    return { bytes: size, etag: done.etag, parts: count, checksum: done.checksum };
  } catch (err) {
    await upload.abort();
    throw interruptedIfAborted(signal, err);
  }
}

function sourceHeaders(head: HeadObjectCommandOutput) {
  return {
    ...(head.ContentType ? { ContentType: head.ContentType } : {}),
    ...(head.CacheControl ? { CacheControl: head.CacheControl } : {}),
    ...(head.ContentDisposition ? { ContentDisposition: head.ContentDisposition } : {}),
    ...(head.ContentEncoding ? { ContentEncoding: head.ContentEncoding } : {}),
    ...(head.ContentLanguage ? { ContentLanguage: head.ContentLanguage } : {}),
    ...(head.Metadata && Object.keys(head.Metadata).length > 0 ? { Metadata: head.Metadata } : {}),
  };
}
