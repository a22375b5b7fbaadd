/**
 * What "changed" means. The default is the AWS CLI's: size and modification time, where
 * an object's time is its LastModified (when it was written to S3, not the file's mtime)
 * and a file's is its mtime. Both are compared in whole seconds (S3 keeps no more).
 *
 * - upload and S3-to-S3 copy: transferred when the sizes differ or the source is newer
 *   than the destination (a file modified after its upload; an object rewritten after its
 *   copy).
 * - download: transferred when the sizes differ or the local file is newer than the object
 *   (a local edit is undone). A download sets the file's mtime to the object's LastModified,
 *   so the next run sees them equal. An object rewritten with the same size is NOT seen:
 *   that is the AWS CLI's rule; `--exact-timestamps` transfers whenever the times differ.
 */
export type CompareMode = "size-and-time" | "exact-timestamps" | "size-only" | "checksum";
export const COMPARE_MODES: readonly CompareMode[] = [
  "size-and-time",
  "exact-timestamps",
  "size-only",
  "checksum",
];

export type Direction = "upload" | "download" | "copy";

/**
 * Why a file is transferred: not on the destination, another size, a newer source, a
 * local file newer than the object (downloads) or another time (`--exact-timestamps`),
 * other content (`--checksum`).
 */
export type Reason = "new" | "size" | "newer" | "time" | "content";

export interface Sized {
  size: number;
  mtimeMs: number;
}

/** `same`: nothing to do; a reason: transfer; `check-content`: read both sides' checksums. */
export type Verdict = "same" | Reason | "check-content";

export function compareEntries(
  direction: Direction,
  mode: CompareMode,
  source: Sized,
  destination: Sized,
): Verdict {
  if (source.size !== destination.size) return "size";
  if (mode === "size-only") return "same";
  if (mode === "checksum") return "check-content";
  const sourceSeconds = Math.floor(source.mtimeMs / 1000);
  const destinationSeconds = Math.floor(destination.mtimeMs / 1000);
  if (direction === "download") {
    if (mode === "exact-timestamps") {
      return sourceSeconds === destinationSeconds ? "same" : "time";
    }
    return destinationSeconds > sourceSeconds ? "time" : "same";
  }
  return sourceSeconds > destinationSeconds ? "newer" : "same";
}
