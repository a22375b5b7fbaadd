/**
 * One side of a sync, as a stream of entries sorted by their path below the root (in S3's
 * key order, see order.ts), so that two sides are compared by one merge, holding nothing
 * but the entry at hand.
 */
export interface TreeEntry {
  /** The path below the root folder or prefix, `/`-separated: what the merge pairs on. */
  rel: string;
  size: number;
  /** A file's mtime, or an object's LastModified, in milliseconds since the epoch. */
  mtimeMs: number;
  /** Objects only: the ETag, quotes included. */
  etag?: string | undefined;
  /**
   * Set when the entry cannot take part (a broken link, a key no file name can hold, a
   * folder that cannot be read): the reason. Its counterpart on the other side is left
   * alone, never overwritten or deleted.
   */
  unusable?: string | undefined;
  /** An unusable folder: everything below it on the other side is left alone too. */
  folder?: boolean | undefined;
  /**
   * The entry could not be read or synced (an error, not a choice): the run ends with
   * exit 1. A folder that could not be read also holds back every deletion.
   */
  error?: boolean | undefined;
}
