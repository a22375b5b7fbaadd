import { type CompareMode, compareEntries, type Direction, type Reason } from "./compare.js";
import { compareKeys } from "./order.js";
import type { TreeEntry } from "./tree.js";

export interface PlanInput<S extends TreeEntry, D extends TreeEntry> {
  direction: Direction;
  mode: CompareMode;
  /** Both sides sorted by `rel` in S3's key order (see order.ts); checked as they come. */
  source: AsyncIterable<S>;
  destination: AsyncIterable<D>;
  /** Whether destination entries with no source counterpart are to be deleted. */
  deleteExtra: boolean;
  /**
   * Why a destination entry without a source counterpart must stay (e.g. an unusable key
   * would be written to that file, or the file system takes its name for a source one's),
   * or undefined.
   */
  keep?: ((rel: string) => string | undefined) | undefined;
  /** Decides `--checksum` comparisons of same-sized entries (reads checksums or files). */
  sameContent?: ((source: S, destination: D) => Promise<boolean>) | undefined;
  /** Content comparisons in flight at once. */
  contentConcurrency?: number;
  /**
   * Takes each transfer as soon as it is known (so transfers run while the listings go
   * on); it may make the merge wait (backpressure). Without it, transfers are collected in
   * `transfers`.
   */
  onTransfer?: ((transfer: PlannedTransfer<S, D>) => Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
}

export interface PlannedTransfer<S, D> {
  source: S;
  /** The entry it replaces, if any. */
  destination?: D | undefined;
  reason: Reason;
}

export interface SkippedEntry {
  side: "source" | "destination";
  rel: string;
  reason: string;
  error: boolean;
}

export interface Plan<S, D> {
  direction: Direction;
  /** In `rel` order; empty when they were handed to `onTransfer`. */
  transfers: PlannedTransfer<S, D>[];
  /** How many transfers there are, and their bytes. */
  transferCount: number;
  transferBytes: number;
  /** Destination entries not in the source (all of them, whether `deleteExtra` or not), in order. */
  extra: D[];
  /** Whether `extra` is to be deleted. */
  deleteExtra: boolean;
  unchanged: number;
  unchangedBytes: number;
  /** Usable entries in the source (after the filters). */
  sourceFiles: number;
  /** Entries left alone, and why. */
  skipped: SkippedEntry[];
  /** A folder of the source could not be read: its listing has a hole. */
  sourceIncomplete: boolean;
}

/**
 * Pairs the two sorted sides in one pass (a merge join), holding only the entry at hand
 * of each side plus what is to be done: memory grows with the changes, not the files.
 *
 * An unusable entry on either side (an unreadable folder, a link left out, a key that is
 * no file name) is left alone together with its counterpart; an unusable folder covers
 * everything below it on the other side. Nothing unusable is ever deleted.
 */
export async function planSync<S extends TreeEntry, D extends TreeEntry>(
  input: PlanInput<S, D>,
): Promise<Plan<S, D>> {
  const plan: Plan<S, D> = {
    direction: input.direction,
    transfers: [],
    transferCount: 0,
    transferBytes: 0,
    extra: [],
    deleteExtra: input.deleteExtra,
    unchanged: 0,
    unchangedBytes: 0,
    sourceFiles: 0,
    skipped: [],
    sourceIncomplete: false,
  };
  const source = ordered(input.source, "source");
  const destination = ordered(input.destination, "destination");
  // Folders left alone on each side: what is below them on the other side is too.
  const sourceFolders: string[] = [];
  const destinationFolders: string[] = [];
  const under = (folders: readonly string[], rel: string) =>
    folders.some((folder) => rel.startsWith(folder));
  const emit = async (transfer: PlannedTransfer<S, D>) => {
    plan.transferCount++;
    plan.transferBytes += transfer.source.size;
    if (input.onTransfer) await input.onTransfer(transfer);
    else plan.transfers.push(transfer);
  };
  const checks = new ContentChecks(input, plan, emit);

  const skip = (side: SkippedEntry["side"], entry: TreeEntry, reason: string) => {
    plan.skipped.push({ side, rel: entry.rel, reason, error: entry.error === true });
    // A folder that could not be read leaves a hole in the listing; a file does not.
    if (side === "source" && entry.error && entry.folder) plan.sourceIncomplete = true;
  };
  const onlyInSource = async (s: S) => {
    if (s.unusable) {
      skip("source", s, s.unusable);
      if (s.folder) sourceFolders.push(s.rel);
      return;
    }
    plan.sourceFiles++;
    if (under(destinationFolders, s.rel)) {
      skip("source", s, "a folder above it on the destination is left alone (see above)");
      return;
    }
    await emit({ source: s, reason: "new" });
  };
  const onlyInDestination = (d: D) => {
    if (d.unusable) {
      skip("destination", d, d.unusable);
      if (d.folder) destinationFolders.push(d.rel);
      return;
    }
    const kept = under(sourceFolders, d.rel)
      ? "kept: a folder above it in the source is left alone (see above)"
      : input.keep?.(d.rel);
    if (kept) {
      if (input.deleteExtra) skip("destination", d, kept);
      return;
    }
    plan.extra.push(d);
  };
  const inBoth = async (s: S, d: D) => {
    if (s.unusable || d.unusable) {
      if (s.unusable) skip("source", s, s.unusable);
      else plan.sourceFiles++;
      if (d.unusable) skip("destination", d, d.unusable);
      if (s.unusable && s.folder) sourceFolders.push(s.rel);
      if (d.unusable && d.folder) destinationFolders.push(d.rel);
      return;
    }
    plan.sourceFiles++;
    const verdict = compareEntries(input.direction, input.mode, s, d);
    if (verdict === "same") {
      plan.unchanged++;
      plan.unchangedBytes += s.size;
    } else if (verdict === "check-content") {
      await checks.add(s, d);
    } else {
      await emit({ source: s, destination: d, reason: verdict });
    }
  };

  // Both sides start at once: the first local folder is read while the first page is asked for.
  let [s, d] = await Promise.all([source.next(), destination.next()]);
  while (!s.done || !d.done) {
    if (input.signal?.aborted) break;
    const order = s.done ? 1 : d.done ? -1 : compareKeys(s.value.rel, d.value.rel);
    if (order < 0) {
      await onlyInSource((s as IteratorYieldResult<S>).value);
      s = await source.next();
    } else if (order > 0) {
      onlyInDestination((d as IteratorYieldResult<D>).value);
      d = await destination.next();
    } else {
      await inBoth((s as IteratorYieldResult<S>).value, (d as IteratorYieldResult<D>).value);
      [s, d] = await Promise.all([source.next(), destination.next()]);
    }
  }
  await checks.finish();
  // Content checks finish out of order.
  plan.transfers.sort((a, b) => compareKeys(a.source.rel, b.source.rel));
  return plan;
}

/** A stream that must come in strictly increasing `rel` order. */
async function* ordered<T extends TreeEntry>(
  entries: AsyncIterable<T>,
  side: string,
): AsyncGenerator<T> {
  let previous: string | undefined;
  for await (const entry of entries) {
    if (previous !== undefined && compareKeys(previous, entry.rel) >= 0) {
      throw new Error(`the ${side} listing is not sorted: ${entry.rel} after ${previous}`);
    }
    previous = entry.rel;
    yield entry;
  }
}

/** `--checksum` comparisons, several at once while the merge goes on. */
class ContentChecks<S extends TreeEntry, D extends TreeEntry> {
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly input: PlanInput<S, D>,
    private readonly plan: Plan<S, D>,
    private readonly emit: (transfer: PlannedTransfer<S, D>) => Promise<void>,
  ) {}

  async add(s: S, d: D): Promise<void> {
    const sameContent = this.input.sameContent;
    if (!sameContent) throw new Error("a content comparison needs sameContent");
    while (this.running.size >= (this.input.contentConcurrency ?? 8)) {
      await Promise.race(this.running);
    }
    if (this.failure) throw this.failure;
    const check: Promise<void> = sameContent(s, d)
      .then(async (same) => {
        if (same) {
          this.plan.unchanged++;
          this.plan.unchangedBytes += s.size;
        } else {
          await this.emit({ source: s, destination: d, reason: "content" });
        }
      })
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => this.running.delete(check));
    this.running.add(check);
  }

  async finish(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure) throw this.failure;
  }
}
