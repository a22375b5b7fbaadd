import { setMaxListeners } from "node:events";
import type { S3Client } from "@aws-sdk/client-s3";
import type { BufferPool, Limiter } from "../../concurrency.js";
import { InterruptedError } from "../../errors.js";
import type { TransferSession } from "../session.js";
import type { ObjectSettings, Tuning } from "../settings.js";
import type { Verifier } from "../verify-worker.js";
import type { ObjectRequests } from "./requests.js";

/** Progress reports from a running transfer (bytes may go back when a part is retried). */
export interface TransferObserver {
  bytes?(delta: number): void;
  retry?(what: string, err: unknown, attempt: number): void;
}

/** Everything the transfer functions share for one run. */
export interface Engine {
  s3: S3Client;
  /** How object data goes and comes (GetObject, HeadObject, PutObject, UploadPart). */
  objects: ObjectRequests;
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

export function interruptedIfAborted(signal: AbortSignal, err?: unknown): unknown {
  if (signal.aborted) return new InterruptedError("Interrupted; the transfer was stopped.");
  return err;
}

/** A signal many requests listen to at once (every part in flight adds a listener). */
export function sharedSignal(...signals: AbortSignal[]): AbortSignal {
  const signal = signals.length === 1 ? (signals[0] as AbortSignal) : AbortSignal.any(signals);
  setMaxListeners(0, signal);
  return signal;
}

export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal as never } : {};
}

/**
 * Files up to this size are read with synchronous calls (uploads) and downloaded whole into
 * one buffer: for a small file a read from the page cache takes microseconds, less than the
 * thread-pool round trips of the asynchronous API, and thousands of small files add up.
 * (Creating files stays asynchronous: it can take a millisecond, and creations overlap.)
 */
export const SMALL_IO = 256 * 1024;
