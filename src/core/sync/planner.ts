import { existsSync } from "node:fs";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  collisionError,
  collisionsUnder,
  folderFor,
  keysLostTo,
  localPlacement,
  type NameFolding,
  probeNameFolding,
} from "../objects/local-paths.js";
import { partSizeFor } from "../objects/settings.js";
import { keyProblem } from "../s3/keys.js";
import { MiB } from "../s3/size.js";
import type { Reason } from "./compare.js";
import { ContentComparer, type ContentSide } from "./content.js";
import { folderSplits, type LocalEntry, walkLocal } from "./local-tree.js";
import { type Plan, type PlannedTransfer, planSync } from "./plan.js";
import { locationOf, type SyncSetup, type SyncSide } from "./prepare.js";
import { type ObjectEntry, walkS3 } from "./s3-tree.js";
import type { TreeEntry } from "./tree.js";

export type SideEntry = LocalEntry | ObjectEntry;

/**
 * Pieces a listing is cut into, listed at once. More pieces help where pages are slow to
 * come (S3 across a network); a local server that walks its disk for every page has only
 * the machine's cores to give, and on two cores more than two pieces were slower.
 */
const LIST_PIECES = 2;

export interface PlannedCopy {
  rel: string;
  /** A local path or an s3:// location. */
  source: string;
  destination: string;
  size: number;
  reason: Reason;
  /** The source's time (a download sets the file's mtime to it). */
  mtimeMs: number;
  etag?: string | undefined;
}

export interface PlannedDeletion {
  rel: string;
  location: string;
  size: number;
}

export interface SkippedLocation {
  location: string;
  reason: string;
  /** An entry that could not be read (rather than one left out by rule). */
  error: boolean;
}

/** What a sync will do, in `rel` order: what `--dry-run` prints and a run carries out. */
export interface SyncPlan {
  /** Empty when each was handed to `onTransfer` as it was found. */
  transfers: PlannedCopy[];
  transferCount: number;
  transferBytes: number;
  deletions: PlannedDeletion[];
  unchanged: number;
  unchangedBytes: number;
  sourceFiles: number;
  sourceIncomplete: boolean;
  skipped: SkippedLocation[];
}

/**
 * Lists both sides and compares them. Uploads and copies stream both listings through the
 * merge; downloads list the source first, since keys that would land on one file (`a` and
 * `a/b`; `README` and `readme` where the file system folds case) must all be known
 * before a file is written (as `cp --recursive` does, with its --on-collision).
 */
export async function planSyncRun(
  setup: SyncSetup,
  s3: S3Client,
  options: {
    signal?: AbortSignal | undefined;
    /** Takes each transfer as soon as it is known (it may wait); else they are collected. */
    onTransfer?: ((transfer: PlannedCopy) => Promise<void>) | undefined;
  } = {},
): Promise<SyncPlan> {
  const { signal } = options;
  const comparer = new ContentComparer(s3, partSizesToTry(setup), signal);
  const contentSide = (side: SyncSide, entry: SideEntry): ContentSide =>
    side.kind === "local"
      ? { kind: "file", path: (entry as LocalEntry).path, size: entry.size }
      : {
          kind: "object",
          bucket: side.bucket,
          key: (entry as ObjectEntry).key,
          size: entry.size,
          etag: entry.etag,
        };
  const sameContent = (s: SideEntry, d: SideEntry) =>
    comparer.same(contentSide(setup.source, s), contentSide(setup.destination, d));

  let source: AsyncIterable<SideEntry>;
  let keep: ((rel: string) => string | undefined) | undefined;
  const { include } = setup;
  if (setup.source.kind === "local") {
    source = walkLocal(setup.source.root, {
      links: setup.followSymlinks ? "follow" : "none",
      ...(include ? { include } : {}),
    });
  } else if (setup.destination.kind === "local") {
    const listed = await downloadSource(setup, s3, signal);
    source = fromArray(listed.entries);
    keep = listed.keep;
  } else {
    source = walkS3(s3, setup.source.bucket, setup.source.prefix, {
      ...(include ? { include } : {}),
      ...(signal ? { signal } : {}),
    });
  }
  if (setup.destination.kind === "s3") source = withValidKeys(source, setup.destination);
  const destinationSide = setup.destination;
  let destination: AsyncIterable<SideEntry>;
  if (destinationSide.kind === "local") {
    destination = existsSync(destinationSide.root)
      ? walkLocal(destinationSide.root, {
          links: setup.followSymlinks ? "files" : "none",
          ...(include ? { include } : {}),
        })
      : fromArray([]);
  } else {
    // The local tree's folders tell where to cut the destination's listing into pieces
    // that are listed at once.
    const splits =
      setup.source.kind === "local" ? await folderSplits(setup.source.root, LIST_PIECES) : [];
    destination = walkS3(s3, destinationSide.bucket, destinationSide.prefix, {
      ...(include ? { include } : {}),
      localNames: setup.source.kind === "local",
      splits,
      ...(signal ? { signal } : {}),
    });
  }

  const planned = (t: PlannedTransfer<SideEntry, SideEntry>): PlannedCopy => ({
    rel: t.source.rel,
    source: locationOf(setup.source, t.source.rel),
    destination: locationOf(setup.destination, t.source.rel),
    size: t.source.size,
    reason: t.reason,
    mtimeMs: t.source.mtimeMs,
    etag: t.source.etag,
  });
  const { onTransfer } = options;
  const plan: Plan<SideEntry, SideEntry> = await planSync({
    direction: setup.direction,
    mode: setup.mode,
    source,
    destination,
    deleteExtra: setup.deleteExtra,
    keep,
    sameContent,
    signal,
    onTransfer: onTransfer ? (t) => onTransfer(planned(t)) : undefined,
  });
  return {
    transfers: plan.transfers.map(planned),
    transferCount: plan.transferCount,
    transferBytes: plan.transferBytes,
    deletions: setup.deleteExtra
      ? plan.extra.map((d) => ({
          rel: d.rel,
          location: locationOf(setup.destination, d.rel),
          size: d.size,
        }))
      : [],
    unchanged: plan.unchanged,
    unchangedBytes: plan.unchangedBytes,
    sourceFiles: plan.sourceFiles,
    sourceIncomplete: plan.sourceIncomplete,
    skipped: plan.skipped.map((s) => ({
      location: locationOf(s.side === "source" ? setup.source : setup.destination, s.rel),
      reason: s.reason,
      error: s.error,
    })),
  };
}

/**
 * The objects of a download, all listed, with what the collisions and unusable keys
 * mean for the destination: keys that would land on one file are refused (exit 5) or,
 * with --on-collision skip, left out; the files such keys would write are never deleted.
 */
async function downloadSource(
  setup: SyncSetup,
  s3: S3Client,
  signal?: AbortSignal,
): Promise<{ entries: ObjectEntry[]; keep: (rel: string) => string | undefined }> {
  const source = setup.source as Extract<SyncSide, { kind: "s3" }>;
  const root = (setup.destination as Extract<SyncSide, { kind: "local" }>).root;
  const entries: ObjectEntry[] = [];
  for await (const entry of walkS3(s3, source.bucket, source.prefix, {
    localNames: true,
    splits: existsSync(root) ? await folderSplits(root, LIST_PIECES) : [],
    ...(setup.include ? { include: setup.include } : {}),
    ...(signal ? { signal } : {}),
  })) {
    entries.push(entry);
  }
  const url = (e: ObjectEntry) => `s3://${source.bucket}/${e.key}`;
  const usable = entries.filter((e) => !e.unusable);
  const collisions = await collisionsUnder(
    usable.map((e) => ({ source: url(e), path: e.rel })),
    root,
  );
  if (collisions.length > 0) {
    if (setup.onCollision === "error") throw collisionError(collisions, setup.destination.text);
    const lost = keysLostTo(collisions);
    for (const e of usable) {
      const reason = lost.get(url(e));
      if (reason) e.unusable = reason;
    }
  }
  // Where the file system takes README and readme for one name, a file that is a source
  // key's under another spelling is that key's (asked only when deletions are planned).
  const folding = setup.deleteExtra && existsSync(root) ? await probeNameFolding(root) : undefined;
  const keep = downloadKeeper(entries, source.bucket, folding);
  return { entries, keep };
}

/**
 * Which local files a download must keep although no source key has their exact name: a
 * file an unusable key would be written to (a//b → a/b) is that key's, and where the file
 * system folds case or Unicode form, so is a file whose name is a source key's folded.
 */
export function downloadKeeper(
  entries: readonly ObjectEntry[],
  bucket: string,
  folding?: NameFolding,
): (rel: string) => string | undefined {
  const claimed = new Map<string, string>();
  for (const e of entries) {
    if (!e.unusable) continue;
    const placement = localPlacement(e.rel);
    if ("path" in placement) claimed.set(placement.path, `s3://${bucket}/${e.key}`);
  }
  const fold =
    folding && (folding.caseInsensitive || folding.unicodeInsensitive)
      ? folderFor(folding)
      : undefined;
  const folded = fold ? new Set(entries.map((e) => fold(e.rel))) : undefined;
  return (rel) => {
    const key = claimed.get(rel);
    if (key) return `kept: ${key} would be written to it, and is left alone (see above)`;
    if (fold && folded?.has(fold(rel))) {
      return "kept: this file system takes its name for a source key's (they differ only in case or Unicode form)";
    }
    return undefined;
  };
}

/**
 * A source entry whose key on the destination S3 would refuse (over 1,024 bytes, say)
 * cannot be synced: it is reported (exit 1) and left out, like a file that cannot be read.
 */
async function* withValidKeys(
  entries: AsyncIterable<SideEntry>,
  destination: Extract<SyncSide, { kind: "s3" }>,
): AsyncGenerator<SideEntry> {
  for await (const entry of entries) {
    const problem = entry.unusable ? undefined : keyProblem(destination.prefix + entry.rel);
    if (problem) {
      entry.unusable = `its key would not be a valid S3 key: it ${problem}`;
      entry.error = true;
    }
    yield entry;
  }
}

/** Part sizes that multipart ETags of the destination were likely made with. */
function partSizesToTry(setup: SyncSetup): (size: number) => number[] {
  return (size) => [
    partSizeFor(size, setup.tuning.partSize),
    partSizeFor(size, 8 * MiB),
    partSizeFor(size, 16 * MiB),
    partSizeFor(size, 5 * MiB),
  ];
}

async function* fromArray<T extends TreeEntry>(entries: readonly T[]): AsyncGenerator<T> {
  yield* entries;
}
