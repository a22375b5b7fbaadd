import { statSync } from "node:fs";
import { rmdir, unlink } from "node:fs/promises";
import { dirname, relative, sep } from "node:path";
import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Aws } from "../../aws/clients.js";
import type { LeanS3 } from "../../aws/lean-s3/client.js";
import { withRetries } from "../concurrency.js";
import { ExitCode, S3kitError, UsageError } from "../errors.js";
import type { TransferSession } from "../objects/session.js";
import { partSizeFor } from "../objects/settings.js";
import {
  type CopyPlan,
  type CopyRequest,
  collectItems,
  prepareCopy,
  type Skipped,
  type TransferItem,
} from "../objects/transfer.js";
import { hashFile, multipartEtag, multipartParts, plainMd5 } from "./content.js";
import {
  type BatchJob,
  describeObject,
  type ObjectDescription,
  type ObjectRef,
  runBatch,
  type TransferObserver,
  type TransferOutcome,
} from "./transfer-batch.js";

export interface MovePlan {
  copy: CopyPlan;
  items: TransferItem[];
  skipped: Skipped[];
}

/**
 * Checks an `mv` and lists what it moves (as `cp` would copy it: the same locations, flags,
 * filters and collision rules), refusing what would move a file onto another it moves.
 */
export async function prepareMove(
  request: CopyRequest,
  cwd: string,
  aws: () => Promise<Aws>,
  signal: AbortSignal,
): Promise<MovePlan> {
  for (const [role, text] of [
    ["source", request.source],
    ["destination", request.destination],
  ] as const) {
    if (text === "-") {
      throw new UsageError(
        `mv cannot use - (stdin or stdout) as its ${role}.`,
        "Name a file, a folder or an s3:// location; stream with s3kit cp.",
        "InvalidLocation",
      );
    }
  }
  const copy = await prepareCopy(request, cwd);
  const { items, skipped } = await collectItems(copy, await aws(), signal);
  if (copy.kind === "copy") {
    const sources = new Set(items.map((i) => i.source));
    const clash = items.find((i) => sources.has(i.destination));
    if (clash) {
      throw new S3kitError({
        code: clash.source === clash.destination ? "SameLocation" : "MoveOntoItself",
        message:
          clash.source === clash.destination
            ? `${clash.source} would be moved onto itself (and then deleted).`
            : `Moving ${clash.source} to ${clash.destination} would overwrite an object this move has yet to move; nothing was moved.`,
        hint: "Move to a prefix that holds none of the objects being moved, or to another bucket.",
        exitCode: clash.source === clash.destination ? ExitCode.usage : ExitCode.conflict,
      });
    }
  }
  return { copy, items, skipped };
}

export interface MoveDone {
  source: string;
  destination: string;
  bytes: number;
  /** What the copy was checked against before the source was deleted. */
  verified: string[];
}

export interface MoveFailure {
  source: string;
  destination: string;
  error: { code: string; message: string; hint?: string };
  exitCode: number;
  /** The copy was made, but could not be shown to be complete: both are kept. */
  copied: boolean;
}

export interface MoveResult {
  files: number;
  bytes: number;
  failed: number;
  moves: MoveDone[];
  failures: MoveFailure[];
}

export interface MoveOptions {
  s3: S3Client;
  /** s3kit's own object requests, where the endpoint allows them. */
  lean?: LeanS3 | undefined;
  /** The endpoint is on this machine. */
  loopback?: boolean;
  session: TransferSession;
  signal: AbortSignal;
  observer: TransferObserver & {
    fileDone?(done: MoveDone): void;
    fileFailed?(failure: MoveFailure): void;
  };
  maxSingleCopy?: number | undefined;
}

type Job = BatchJob & {
  item: TransferItem;
  /** A local source as it was before its upload: a file that changes meanwhile is kept. */
  before?: { size: number; mtimeMs: number } | undefined;
  verified?: string[];
};

/** Raised when a copy is made but cannot be shown complete: the source is kept. */
class NotVerified extends S3kitError {
  constructor(what: string, why: string) {
    super({
      code: "MoveNotVerified",
      message: `${what}: ${why}; the source was kept.`,
      hint: "Compare the two (s3kit stat), then delete the source yourself, or run the move again.",
      exitCode: ExitCode.failure,
    });
  }
}

/**
 * Moves each item: copies it with cp's engine, checks the copy, and only then deletes the
 * source (a file, or an object). Anything that fails, is interrupted or cannot be checked
 * keeps its source. Folders emptied by a move are removed (only if empty).
 */
export async function runMove(plan: MovePlan, options: MoveOptions): Promise<MoveResult> {
  const { s3 } = options;
  const { copy } = plan;
  const jobs: Job[] = plan.items.map((item) => jobFor(copy, item));
  const result: MoveResult = { files: 0, bytes: 0, failed: 0, moves: [], failures: [] };
  const emptied = new Set<string>();
  await runBatch(
    jobs,
    {
      s3,
      lean: options.lean,
      loopback: options.loopback === true,
      buckets: [copy.source, copy.destination].flatMap((e) => (e.kind === "s3" ? [e.bucket] : [])),
      tuning: copy.tuning,
      settings: copy.settings,
      session: options.session,
      signal: options.signal,
      observer: options.observer,
      maxSingleCopy: options.maxSingleCopy,
    },
    {
      after: async (job, outcome) => {
        job.verified = await verify(s3, copy, job, outcome, options.signal);
        if (options.signal.aborted) throw new Error("interrupted before the source was deleted");
        await deleteSource(s3, job, options.signal);
        if (job.kind === "upload") emptied.add(dirname(job.path));
      },
      done: (job, outcome) => {
        result.files++;
        result.bytes += outcome.bytes;
        const done: MoveDone = {
          source: job.item.source,
          destination: job.item.destination,
          bytes: outcome.bytes,
          verified: job.verified ?? [],
        };
        result.moves.push(done);
        options.observer.fileDone?.(done);
      },
      failed: (job, error) => {
        result.failed++;
        const failure: MoveFailure = {
          source: job.item.source,
          destination: job.item.destination,
          error: error.toJSON(),
          exitCode: error.exitCode,
          copied: error instanceof NotVerified,
        };
        result.failures.push(failure);
        options.observer.fileFailed?.(failure);
      },
    },
  );
  if (copy.recursive && copy.source.kind === "local") {
    await removeEmptiedFolders(copy.source.path, emptied);
  }
  result.moves.sort((a, b) => (a.destination < b.destination ? -1 : 1));
  return result;
}

function ref(url: string): ObjectRef {
  const rest = url.slice("s3://".length);
  const slash = rest.indexOf("/");
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

function jobFor(copy: CopyPlan, item: TransferItem): Job {
  const size = item.size ?? 0;
  if (copy.kind === "upload") {
    const stats = statSync(item.source, { throwIfNoEntry: false });
    return {
      kind: "upload",
      path: item.source,
      size,
      target: ref(item.destination),
      item,
      before: stats ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined,
    };
  }
  if (copy.kind === "download") {
    return {
      kind: "download",
      source: ref(item.source),
      size,
      path: item.destination,
      ...(item.info ? { info: item.info } : {}),
      item,
    };
  }
  return { kind: "copy", source: ref(item.source), target: ref(item.destination), size, item };
}

/**
 * Shows that the copy is complete before its source goes; returns what it was checked by.
 * - upload: the object has the file's size and the checksum S3 checked on the way in (or
 *   the file's MD5 or multipart ETag), and the file did not change while it was read;
 * - download: the engine checked size and MD5 or checksum before the file was renamed into
 *   place; the object is still the one that was downloaded (its ETag);
 * - copy: the new object has the source's size and its ETag or checksum, and the source
 *   did not change meanwhile.
 */
async function verify(
  s3: S3Client,
  copy: CopyPlan,
  job: Job,
  outcome: TransferOutcome,
  signal: AbortSignal,
): Promise<string[]> {
  const what = `${job.item.source} → ${job.item.destination}`;
  if (job.kind === "upload") {
    const now = statSync(job.path, { throwIfNoEntry: false });
    if (!now || !job.before || now.size !== job.before.size || now.mtimeMs !== job.before.mtimeMs) {
      throw new NotVerified(what, "the file changed while it was being moved");
    }
    const stored = await describeObject(s3, job.target, signal);
    if (!stored || stored.size !== job.size) {
      throw new NotVerified(what, "the uploaded object is missing or has another size");
    }
    if (outcome.checksum && stored.checksum?.value === outcome.checksum) {
      return ["size", stored.checksum.algorithm];
    }
    if (await fileMatches(job.path, job.size, stored, copy.tuning.partSize)) {
      return ["size", plainMd5(stored.etag) ? "md5" : "etag"];
    }
    throw new NotVerified(what, "the uploaded object's checksum or ETag does not match the file");
  }
  if (job.kind === "download") {
    const verified = outcome.verified ?? ["size"];
    const now = await describeObject(s3, job.source, signal);
    if (!now || now.etag !== outcome.etag) {
      throw new NotVerified(what, "the object changed (or went) while it was being moved");
    }
    return verified;
  }
  const [source, target] = await Promise.all([
    describeObject(s3, job.source, signal),
    describeObject(s3, job.target, signal),
  ]);
  if (!target || !source || target.size !== source.size || source.size !== job.size) {
    throw new NotVerified(what, "the copy or the source is missing, or their sizes differ");
  }
  const listed = job.item.info?.etag ?? job.item.etag;
  if (listed !== undefined && source.etag !== listed) {
    throw new NotVerified(what, "the source changed while it was being moved");
  }
  if (source.etag !== undefined && source.etag === target.etag) return ["size", "etag"];
  if (
    source.checksum &&
    target.checksum?.algorithm === source.checksum.algorithm &&
    target.checksum.value === source.checksum.value
  ) {
    return ["size", source.checksum.algorithm];
  }
  // ETags differ by construction for some copies (a multipart source, another encryption):
  // the server copied the object, the sizes agree, and the source is the one listed.
  if (listed !== undefined) return ["size", "unchanged-source"];
  throw new NotVerified(what, "the copy's ETag and checksum do not match the source's");
}

async function fileMatches(
  path: string,
  size: number,
  stored: ObjectDescription,
  partSize: number,
): Promise<boolean> {
  const md5 = plainMd5(stored.etag);
  if (md5) return (await hashFile(path, "md5")) === md5;
  if (stored.checksum) {
    return (await hashFile(path, stored.checksum.algorithm)) === stored.checksum.value;
  }
  const parts = multipartParts(stored.etag);
  if (parts === undefined) return false;
  return (
    (await multipartEtag(path, partSizeFor(size, partSize))) === stored.etag?.replace(/"/g, "")
  );
}

async function deleteSource(s3: S3Client, job: Job, signal: AbortSignal): Promise<void> {
  if (job.kind === "upload") {
    await unlink(job.path);
    return;
  }
  await withRetries(
    () =>
      s3.send(new DeleteObjectCommand({ Bucket: job.source.bucket, Key: job.source.key }), {
        abortSignal: signal as never,
      }),
    { signal },
  );
}

/** Removes the folders a move emptied, deepest first, up to and including the root. */
async function removeEmptiedFolders(root: string, folders: ReadonlySet<string>): Promise<void> {
  const all = new Set<string>();
  for (const folder of folders) {
    for (let f = folder; ; f = dirname(f)) {
      const rel = relative(root, f);
      if (rel.startsWith("..") || rel.split(sep).includes("..")) break;
      all.add(f);
      if (rel === "") break;
    }
  }
  const deepestFirst = [...all].sort((a, b) => b.length - a.length);
  for (const folder of deepestFirst) {
    // rmdir removes only an empty folder: anything left in it (a file not moved) keeps it.
    await rmdir(folder).catch(() => {});
  }
}
