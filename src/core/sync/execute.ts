import { utimes } from "node:fs/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import type { LeanS3 } from "../../aws/lean-s3/client.js";
import type { S3kitError } from "../errors.js";
import type { TransferSession } from "../objects/session.js";
import { Channel } from "./channel.js";
import type { Direction } from "./compare.js";
import { type DeletionFailure, type DeletionResult, deleteFiles, deleteKeys } from "./deletions.js";
import type { PlannedCopy, SyncPlan } from "./planner.js";
import type { SyncSetup, SyncSide } from "./prepare.js";
import { deletionsHeldBack } from "./safety.js";
import {
  type BatchJob,
  describeObject,
  runBatch,
  type TransferObserver,
  type TransferOutcome,
} from "./transfer-batch.js";

export interface TransferDone {
  source: string;
  destination: string;
  bytes: number;
  reason: PlannedCopy["reason"];
  etag?: string | undefined;
  parts?: number | undefined;
  verified?: string[] | undefined;
}

export interface TransferFailure {
  source: string;
  destination: string;
  error: { code: string; message: string; hint?: string };
  exitCode: number;
}

export interface ExecuteOptions {
  s3: S3Client;
  /** s3kit's own object requests, where the endpoint allows them. */
  lean?: LeanS3 | undefined;
  /** The endpoint is on this machine. */
  loopback?: boolean;
  session: TransferSession;
  signal: AbortSignal;
  observer: TransferObserver & {
    fileDone?(done: TransferDone): void;
    fileFailed?(failure: TransferFailure): void;
    deleting?(count: number): void;
    deleted?(count: number): void;
  };
  /** Keep each transfer's result (for --json); otherwise only counts are kept. */
  keepResults: boolean;
  maxSingleCopy?: number | undefined;
}

export interface TransfersResult {
  files: number;
  bytes: number;
  failed: number;
  transfers: TransferDone[];
  failures: TransferFailure[];
}

export interface DeletionsResult {
  deleted: number;
  deleteFailures: DeletionFailure[];
  /** Why the deletions were not made, when they were not. */
  deletionsHeldBack?: string | undefined;
}

type Job = BatchJob & { planned: PlannedCopy };

export interface TransferRun {
  /** Queues a transfer; waits while the queue is full. */
  add(transfer: PlannedCopy): Promise<void>;
  /** No more transfers: waits for the queued ones and reports. */
  finish(): Promise<TransfersResult>;
}

/**
 * Starts the transfer workers; transfers are fed in as the plan finds them, so they run
 * while the listings are still being compared.
 */
export function startTransfers(setup: SyncSetup, options: ExecuteOptions): TransferRun {
  const result: TransfersResult = { files: 0, bytes: 0, failed: 0, transfers: [], failures: [] };
  const queue = new Channel<Job>(setup.tuning.concurrency * 4);
  const running = runBatch(
    queue,
    {
      s3: options.s3,
      lean: options.lean,
      loopback: options.loopback === true,
      buckets: [setup.source, setup.destination].flatMap((side) =>
        side.kind === "s3" ? [side.bucket] : [],
      ),
      tuning: setup.tuning,
      settings: setup.settings,
      session: options.session,
      signal: options.signal,
      observer: options.observer,
      maxSingleCopy: options.maxSingleCopy,
    },
    {
      after: (job, outcome) =>
        job.kind === "download" ? keepObjectTime(options.s3, job, outcome) : Promise.resolve(),
      done: (job, outcome) => {
        result.files++;
        result.bytes += outcome.bytes;
        const done: TransferDone = {
          source: job.planned.source,
          destination: job.planned.destination,
          bytes: outcome.bytes,
          reason: job.planned.reason,
          etag: outcome.etag,
          parts: outcome.parts,
          ...(outcome.verified ? { verified: outcome.verified } : {}),
        };
        if (options.keepResults) result.transfers.push(done);
        options.observer.fileDone?.(done);
      },
      failed: (job, error: S3kitError) => {
        result.failed++;
        const failure: TransferFailure = {
          source: job.planned.source,
          destination: job.planned.destination,
          error: error.toJSON(),
          exitCode: error.exitCode,
        };
        result.failures.push(failure);
        options.observer.fileFailed?.(failure);
      },
    },
  );
  // Workers that stop (Ctrl-C) must not leave the plan waiting to queue more.
  void running.catch(() => queue.close());
  return {
    add: (transfer) => queue.push(jobFor(setup.direction, setup, transfer)),
    finish: async () => {
      queue.close();
      await running;
      if (options.keepResults) {
        result.transfers.sort((a, b) => (a.destination < b.destination ? -1 : 1));
      }
      return result;
    },
  };
}

/**
 * The deletions of a plan, made only if every transfer succeeded and the source was read
 * completely (otherwise held back, with the reason).
 */
export async function applyDeletions(
  setup: SyncSetup,
  plan: SyncPlan,
  transfers: TransfersResult,
  options: ExecuteOptions,
): Promise<DeletionsResult> {
  if (plan.deletions.length === 0) return { deleted: 0, deleteFailures: [] };
  const heldBack =
    transfers.failed > 0
      ? `${transfers.failed} transfer${transfers.failed === 1 ? "" : "s"} failed, so nothing was deleted`
      : deletionsHeldBack({
          deletions: plan.deletions.length,
          sourceFiles: plan.sourceFiles,
          sourceIncomplete: plan.sourceIncomplete,
          source: setup.source.text,
        });
  if (heldBack) return { deleted: 0, deleteFailures: [], deletionsHeldBack: heldBack };
  options.observer.deleting?.(plan.deletions.length);
  const deletion = await deleteAll(setup.destination, plan, options);
  return { deleted: deletion.deleted, deleteFailures: deletion.failed };
}

function jobFor(direction: Direction, setup: SyncSetup, t: PlannedCopy): Job {
  const ref = (side: SyncSide) => {
    const s3 = side as Extract<SyncSide, { kind: "s3" }>;
    return { bucket: s3.bucket, key: s3.prefix + t.rel };
  };
  if (direction === "upload") {
    return {
      kind: "upload",
      path: t.source,
      size: t.size,
      target: ref(setup.destination),
      planned: t,
    };
  }
  if (direction === "download") {
    return {
      kind: "download",
      source: ref(setup.source),
      size: t.size,
      path: t.destination,
      planned: t,
    };
  }
  return {
    kind: "copy",
    source: ref(setup.source),
    target: ref(setup.destination),
    size: t.size,
    planned: t,
  };
}

/**
 * A downloaded file takes the object's LastModified as its mtime (as the AWS CLI does), so
 * the next sync sees the two as the same. If the object changed since it was listed, the
 * time of what was downloaded is asked for.
 */
async function keepObjectTime(s3: S3Client, job: Job, outcome: TransferOutcome): Promise<void> {
  if (job.kind !== "download") return;
  let mtimeMs = job.planned.mtimeMs;
  if (
    outcome.etag !== undefined &&
    job.planned.etag !== undefined &&
    outcome.etag !== job.planned.etag
  ) {
    mtimeMs = (await describeObject(s3, job.source))?.lastModifiedMs ?? Date.now();
  }
  const seconds = mtimeMs / 1000;
  await utimes(job.path, seconds, seconds);
}

async function deleteAll(
  destination: SyncSide,
  plan: SyncPlan,
  options: ExecuteOptions,
): Promise<DeletionResult> {
  if (destination.kind === "local") {
    return deleteFiles(
      plan.deletions.map((d) => d.location),
      { signal: options.signal, onDeleted: () => options.observer.deleted?.(1) },
    );
  }
  return deleteKeys(
    options.s3,
    destination.bucket,
    plan.deletions.map((d) => destination.prefix + d.rel),
    { signal: options.signal, onBatch: (n) => options.observer.deleted?.(n) },
  );
}
