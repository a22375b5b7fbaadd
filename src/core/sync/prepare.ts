import { stat } from "node:fs/promises";
import { join } from "node:path";
import { NotFoundError, UsageError } from "../errors.js";
import { folderPrefix, parseEndpoint } from "../objects/endpoints.js";
import { compileFilter, type FilterRule } from "../objects/glob.js";
import {
  givenSettingFlags,
  type ObjectSettings,
  parseObjectSettings,
  parseTuning,
  type RawObjectSettings,
  type RawTuning,
  type Tuning,
} from "../objects/settings.js";
import type { OnCollision } from "../objects/transfer.js";
import type { CompareMode, Direction } from "./compare.js";
import type { DeleteRules } from "./safety.js";

export interface SyncRequest {
  source: string;
  destination: string;
  /** --checksum, --size-only, --exact-timestamps: at most one. */
  checksum?: boolean | undefined;
  sizeOnly?: boolean | undefined;
  exactTimestamps?: boolean | undefined;
  deleteExtra: boolean;
  allowEmptySource?: boolean | undefined;
  maxDelete?: string | undefined;
  filters: readonly FilterRule[];
  /** --follow-symlinks (the default) or --no-follow-symlinks. */
  followSymlinks: boolean;
  onCollision?: OnCollision | undefined;
  tuning: RawTuning;
  /** `checksum` here is the algorithm uploads carry (--checksum-algorithm). */
  settings: RawObjectSettings;
}

/** A folder or a prefix. */
export type SyncSide =
  | { kind: "local"; text: string; root: string }
  | { kind: "s3"; text: string; bucket: string; prefix: string };

/** A checked sync: both sides, how to compare, what may be deleted, flags as values. */
export interface SyncSetup {
  direction: Direction;
  source: SyncSide;
  destination: SyncSide;
  mode: CompareMode;
  deleteExtra: boolean;
  rules: DeleteRules;
  filters: readonly FilterRule[];
  include: ((rel: string) => boolean) | undefined;
  followSymlinks: boolean;
  onCollision: OnCollision;
  tuning: Tuning;
  settings: ObjectSettings;
}

/** Where an entry of a side is: a local path, or an s3:// location. */
export function locationOf(side: SyncSide, rel: string): string {
  return side.kind === "local"
    ? join(side.root, ...rel.split("/"))
    : `s3://${side.bucket}/${side.prefix}${rel}`;
}

/** The side as the user knows it, as a folder or prefix (`s3://b/p/`). */
export function describeSide(side: SyncSide): string {
  return side.kind === "local" ? side.text : `s3://${side.bucket}/${side.prefix}`;
}

/**
 * Checks a sync before any call is made: locations (folders and prefixes only), flags
 * that contradict each other or do not apply, and that a local source is a folder.
 */
export async function prepareSync(request: SyncRequest, cwd: string): Promise<SyncSetup> {
  const tuning = parseTuning(request.tuning);
  const source = side(request.source, cwd, "source");
  const destination = side(request.destination, cwd, "destination");
  let direction: Direction;
  if (source.kind === "s3" && destination.kind === "s3") direction = "copy";
  else if (destination.kind === "s3") direction = "upload";
  else if (source.kind === "s3") direction = "download";
  else {
    throw new UsageError(
      `Neither "${request.source}" nor "${request.destination}" is an S3 location.`,
      "One side of sync must be s3://BUCKET/PREFIX; use rsync for two local folders.",
      "InvalidLocation",
    );
  }
  const modes = [
    request.checksum ? "--checksum" : undefined,
    request.sizeOnly ? "--size-only" : undefined,
    request.exactTimestamps ? "--exact-timestamps" : undefined,
  ].filter((m): m is string => m !== undefined);
  if (modes.length > 1) {
    throw new UsageError(
      `${modes.join(" and ")} are different ways of telling what changed; give one.`,
      "--checksum compares content (best in CI), --size-only sizes only, --exact-timestamps (downloads) any time difference.",
      "ConflictingOptions",
    );
  }
  const mode: CompareMode = request.checksum
    ? "checksum"
    : request.sizeOnly
      ? "size-only"
      : request.exactTimestamps
        ? "exact-timestamps"
        : "size-and-time";
  const settingFlags = givenSettingFlags(request.settings);
  if (direction === "download" && settingFlags.length > 0) {
    throw new UsageError(
      `${settingFlags.join(", ").replace("--checksum", "--checksum-algorithm")} ${settingFlags.length === 1 ? "applies" : "apply"} to uploads and copies, not downloads.`,
      "Drop the flag.",
    );
  }
  const settings = parseObjectSettings(request.settings);
  if (request.onCollision !== undefined && direction !== "download") {
    throw new UsageError(
      "--on-collision applies to downloads (where two keys, such as README and readme, can map to one file).",
      "Drop --on-collision.",
    );
  }
  let maxDelete: number | undefined;
  if (request.maxDelete !== undefined) {
    const text = request.maxDelete.trim();
    maxDelete = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(maxDelete)) {
      throw new UsageError(
        `--max-delete "${request.maxDelete}" is not a whole number of deletions.`,
        "Give the most deletions the sync may make, e.g. --max-delete 100 (0 allows none).",
        "InvalidMaxDelete",
      );
    }
  }
  if (!request.deleteExtra && (maxDelete !== undefined || request.allowEmptySource)) {
    throw new UsageError(
      `${maxDelete !== undefined ? "--max-delete" : "--allow-empty-source"} applies with --delete.`,
      "Add --delete to remove what is not in the source, or drop the flag.",
    );
  }
  if (source.kind === "local") {
    const info = await stat(source.root).catch(() => undefined);
    if (!info) {
      throw new NotFoundError(
        `${source.text} does not exist.`,
        "Check the path; relative paths start from the current folder.",
        "SourceNotFound",
      );
    }
    if (!info.isDirectory()) {
      throw new UsageError(
        `${source.text} is a file; sync mirrors a folder.`,
        `Copy one file with s3kit cp ${source.text} ${request.destination}`,
        "SourceIsFile",
      );
    }
  }
  if (destination.kind === "local") {
    const info = await stat(destination.root).catch(() => undefined);
    if (info && !info.isDirectory()) {
      throw new UsageError(
        `${destination.text} is a file; sync needs a folder.`,
        "Name a folder (it is created if it does not exist).",
      );
    }
  }
  if (source.kind === "s3" && destination.kind === "s3" && source.bucket === destination.bucket) {
    const [a, b] = [source.prefix, destination.prefix];
    if (a.startsWith(b) || b.startsWith(a)) {
      throw new UsageError(
        a === b
          ? `${request.source} and ${request.destination} are the same prefix.`
          : `${a.startsWith(b) ? request.source : request.destination} is inside ${a.startsWith(b) ? request.destination : request.source}.`,
        "Sync between prefixes that do not contain each other, or to another bucket.",
        "OverlappingLocations",
      );
    }
  }
  return {
    direction,
    source,
    destination,
    mode,
    deleteExtra: request.deleteExtra,
    rules: { allowEmptySource: request.allowEmptySource === true, maxDelete },
    filters: request.filters,
    include: request.filters.length > 0 ? compileFilter(request.filters) : undefined,
    followSymlinks: request.followSymlinks,
    onCollision: request.onCollision ?? "error",
    tuning,
    settings,
  };
}

function side(text: string, cwd: string, role: string): SyncSide {
  const endpoint = parseEndpoint(text, cwd);
  if (endpoint.kind === "stdio") {
    throw new UsageError(
      `sync cannot use - (stdin or stdout) as its ${role}.`,
      "Name a folder or an s3:// prefix; stream one object with s3kit cp.",
      "InvalidLocation",
    );
  }
  if (endpoint.kind === "local") return { kind: "local", text, root: endpoint.path };
  return { kind: "s3", text, bucket: endpoint.bucket, prefix: folderPrefix(endpoint.key) };
}
