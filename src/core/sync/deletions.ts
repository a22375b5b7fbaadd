import { unlink } from "node:fs/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  DELETE_BATCH,
  DELETE_CONCURRENCY,
  type RemovalPlan,
  removeAll,
} from "../objects/remove.js";

export interface DeletionFailure {
  /** The s3:// location or local path. */
  location: string;
  code: string;
  message: string;
}

export interface DeletionResult {
  deleted: number;
  failed: DeletionFailure[];
}

/**
 * Deletes keys of one bucket with `rm --recursive`'s batched DeleteObjects, several calls
 * at once: a few hundred keys go in a few smaller calls (at least 50 keys each) rather
 * than one, since a server deletes one call's keys one after another.
 */
export async function deleteKeys(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  options: { signal?: AbortSignal; onBatch?: (deleted: number) => void } = {},
): Promise<DeletionResult> {
  const size = Math.min(DELETE_BATCH, Math.max(50, Math.ceil(keys.length / DELETE_CONCURRENCY)));
  async function* pages(): AsyncGenerator<string[]> {
    for (let i = 0; i < keys.length; i += size) yield keys.slice(i, i + size);
  }
  const plan: RemovalPlan = {
    s3,
    bucket,
    prefix: "",
    firstPage: keys.slice(0, size),
    more: keys.length > size,
    pages: pages(),
  };
  const result = await removeAll(plan, {
    dryRun: false,
    ...(options.signal ? { signal: options.signal } : {}),
    onBatch: (batch, failed) => options.onBatch?.(batch.length - failed.length),
  });
  return {
    deleted: result.deleted,
    failed: result.failed.map((f) => ({
      location: `s3://${bucket}/${f.key}`,
      code: f.code,
      message: f.message,
    })),
  };
}

/**
 * Deletes files (a link itself, never what it points to). A file already gone counts as
 * deleted. Folders are left as they are.
 */
export async function deleteFiles(
  paths: readonly string[],
  options: { signal?: AbortSignal; concurrency?: number; onDeleted?: () => void } = {},
): Promise<DeletionResult> {
  const failed: DeletionFailure[] = [];
  let deleted = 0;
  let next = 0;
  const worker = async () => {
    while (next < paths.length && !options.signal?.aborted) {
      const path = paths[next++] as string;
      try {
        await unlink(path);
        deleted++;
        options.onDeleted?.();
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === "ENOENT") {
          deleted++;
          continue;
        }
        failed.push({ location: path, code: e.code ?? "Error", message: e.message });
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 16, paths.length) }, worker),
  );
  return { deleted, failed };
}
