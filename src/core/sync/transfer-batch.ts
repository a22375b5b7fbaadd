/**
 * The one place where sync and mv reach into the transfer engine (the functions `cp` uses):
 * a list of jobs run with the engine's concurrency, multipart, checksums and Ctrl-C
 * session, each job's result reported as it ends. Nothing else in sync or mv knows how
 * the engine is put together.
 */
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isNotFound, mapAwsError } from "../../aws/errors.js";
import type { LeanS3 } from "../../aws/lean-s3/client.js";
import { InterruptedError, S3kitError } from "../errors.js";
import type { ChecksumAlgorithm } from "../objects/checksums.js";
import type { Engine, TransferObserver, TransferOutcome } from "../objects/engine/context.js";
import { copyObject } from "../objects/engine/copy.js";
import { downloadFile } from "../objects/engine/download.js";
import { headObject, type ObjectInfo, objectInfoFromHead } from "../objects/engine/object-info.js";
import { uploadFile } from "../objects/engine/upload.js";
import type { TransferSession } from "../objects/session.js";
import type { ObjectSettings, Tuning } from "../objects/settings.js";
import { createEngine } from "../objects/transfer.js";

export type { ObjectInfo, TransferObserver, TransferOutcome };

export interface ObjectRef {
  bucket: string;
  key: string;
}

export type BatchJob =
  | { kind: "upload"; path: string; size: number; target: ObjectRef }
  | { kind: "download"; source: ObjectRef; size: number; path: string; info?: ObjectInfo }
  | { kind: "copy"; source: ObjectRef; size: number; target: ObjectRef };

export interface BatchOptions {
  s3: S3Client;
  /** s3kit's own object requests, where the endpoint allows them (the caller closes it). */
  lean?: LeanS3 | undefined;
  /** The endpoint is on this machine (the engine's tuning adapts to it). */
  loopback?: boolean;
  /** Every bucket the batch reads or writes. */
  buckets: readonly string[];
  tuning: Tuning;
  settings: ObjectSettings;
  session: TransferSession;
  signal: AbortSignal;
  observer: TransferObserver;
  /** Objects up to this size are copied with one CopyObject (5 GiB; lower only in tests). */
  maxSingleCopy?: number | undefined;
}

export interface BatchHooks<J> {
  /**
   * What must happen after a job's transfer before it counts as done (set a file's time,
   * verify a copy, delete a moved source); a failure here fails the job.
   */
  after?(job: J, outcome: TransferOutcome): Promise<void>;
  done?(job: J, outcome: TransferOutcome): void;
  failed?(job: J, error: S3kitError): void;
}

/**
 * Runs the jobs (a list, or a stream such as a Channel that fills while they run), as many
 * at once as the tuning allows. A failed job does not stop the others (it is reported to `failed`); Ctrl-C stops everything and throws InterruptedError,
 * leaving the cleanup (open multipart uploads, partial files) to the session.
 */
export async function runBatch<J extends BatchJob>(
  jobs: Iterable<J> | AsyncIterable<J>,
  options: BatchOptions,
  hooks: BatchHooks<J> = {},
): Promise<{ done: number; failed: number }> {
  const engine: Engine = createEngine({
    s3: options.s3,
    lean: options.lean,
    loopback: options.loopback === true,
    buckets: options.buckets,
    tuning: options.tuning,
    settings: options.settings,
    session: options.session,
    signal: options.signal,
    observer: options.observer,
    maxSingleCopy: options.maxSingleCopy,
  });
  let done = 0;
  let failed = 0;
  const iterator =
    Symbol.asyncIterator in jobs
      ? (jobs as AsyncIterable<J>)[Symbol.asyncIterator]()
      : (jobs as Iterable<J>)[Symbol.iterator]();
  const workers = Array.isArray(jobs)
    ? Math.min(options.tuning.concurrency, jobs.length)
    : options.tuning.concurrency;
  const worker = async () => {
    while (!options.signal.aborted) {
      const next = await iterator.next();
      if (next.done) break;
      const job = next.value;
      try {
        const outcome = await transferOne(engine, job);
        await hooks.after?.(job, outcome);
        done++;
        hooks.done?.(job, outcome);
      } catch (err) {
        if (options.signal.aborted) break;
        failed++;
        hooks.failed?.(job, err instanceof S3kitError ? err : mapAwsError(err));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    await engine.verifier?.close();
  }
  if (options.signal.aborted) throw new InterruptedError("Interrupted; the transfer was stopped.");
  return { done, failed };
}

async function transferOne(engine: Engine, job: BatchJob): Promise<TransferOutcome> {
  if (job.kind === "upload") return uploadFile(engine, job.path, job.size, job.target);
  if (job.kind === "copy") return copyObject(engine, job.source, job.target, job.size);
  let info = job.info;
  if (!info && job.size >= engine.tuning.multipartThreshold) {
    // Ranged downloads need the ETag and checksum of the whole object first.
    info = await engine.limiter.run(async () =>
      objectInfoFromHead(await headObject(engine, job.source)),
    );
  }
  return downloadFile(engine, job.source, job.path, info);
}

/** What HeadObject says about an object, for comparisons and checks. */
export interface ObjectDescription {
  size: number;
  etag?: string | undefined;
  /** A checksum of the whole object, when it has one. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  encryption?: string | undefined;
  lastModifiedMs?: number | undefined;
}

/** HeadObject (with checksums); undefined when the object does not exist. */
export async function describeObject(
  s3: S3Client,
  object: ObjectRef,
  signal?: AbortSignal,
): Promise<ObjectDescription | undefined> {
  try {
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: object.bucket, Key: object.key, ChecksumMode: "ENABLED" }),
      signal ? { abortSignal: signal as never } : {},
    );
    return { ...objectInfoFromHead(head), lastModifiedMs: head.LastModified?.getTime() };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
