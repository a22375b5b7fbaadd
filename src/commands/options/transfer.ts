// The options cp, mv and sync share: which files or objects (--recursive, filters), how the
// objects written are stored, and how a transfer is cut into parts and run. Descriptions
// are cp's; mv and sync say theirs where they differ.

import type { FilterRule } from "../../core/objects/glob.js";
import type { RawObjectSettings, RawTuning } from "../../core/objects/settings.js";
import { ON_COLLISION } from "../../core/objects/transfer.js";
import { SIZE_UNITS_HELP } from "../../core/s3/size.js";
import { choice, flag, parsed, value } from "./spec.js";

/** A filter, and where on the command line it was given. */
interface GivenRule extends FilterRule {
  readonly given: number;
}

// --include and --exclude are two options but one list whose order counts (the last
// matching rule wins). Commander parses left to right, so a count taken as each one is
// parsed orders them across both.
let given = 0;
const rule =
  (type: FilterRule["type"]) =>
  (pattern: string, previous: readonly GivenRule[] = []): GivenRule[] => [
    ...previous,
    { type, pattern, given: given++ },
  ];

export const transferOptions = {
  recursive: flag("-r, --recursive", "copy a folder or everything under a prefix"),
  include: parsed(
    "--include",
    "glob",
    "with --recursive: copy what matches (repeatable; the last matching rule wins)",
    rule("include"),
  ),
  exclude: parsed(
    "--exclude",
    "glob",
    "with --recursive: skip what matches (repeatable)",
    rule("exclude"),
  ),
  multipartThreshold: value(
    "--multipart-threshold",
    "size",
    `go multipart from this size (default 8MiB; ${SIZE_UNITS_HELP})`,
  ),
  partSize: value(
    "--part-size",
    "size",
    `part size, 5MiB to 5GiB (default 8MiB for uploads, grown to stay under 10,000 parts; 16MiB ranges for downloads; ${SIZE_UNITS_HELP})`,
  ),
  concurrency: value("--concurrency", "n", "requests in flight at once, 1 to 64 (default 16)"),
  contentType: value("--content-type", "type", "Content-Type (default: from the file name)"),
  metadata: parsed(
    "--metadata",
    "key=value",
    "user metadata (repeatable)",
    (entry, previous: readonly string[] = []) => [...previous, entry],
  ),
  cacheControl: value("--cache-control", "value", 'Cache-Control, e.g. "public, max-age=31536000"'),
  storageClass: value(
    "--storage-class",
    "class",
    "STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, …",
  ),
  sse: value("--sse", "mode", "server-side encryption: AES256, aws:kms or aws:kms:dsse"),
  kmsKey: value("--kms-key", "id", "KMS key id or ARN for SSE-KMS (implies --sse aws:kms)"),
  checksum: value(
    "--checksum",
    "algorithm",
    "checksum S3 checks and stores with an upload: crc32 (default), crc32c, crc64nvme, sha256, sha1, or none",
  ),
  onCollision: choice(
    "--on-collision",
    "what",
    "with --recursive downloads, when keys map to one file (a/b and a//b, or a and a/b): error (the default: list them, write nothing, exit 5) or skip (download the others)",
    ON_COLLISION,
  ),
};

/** The --include and --exclude rules in the order they were given. */
export function filterRules(flags: {
  include?: readonly GivenRule[] | undefined;
  exclude?: readonly GivenRule[] | undefined;
}): FilterRule[] {
  return [...(flags.include ?? []), ...(flags.exclude ?? [])]
    .sort((a, b) => a.given - b.given)
    .map(({ type, pattern }) => ({ type, pattern }));
}

/** How the flags tune a transfer, as core takes it (validated there). */
export function transferTuning(flags: RawTuning): RawTuning {
  return {
    multipartThreshold: flags.multipartThreshold,
    partSize: flags.partSize,
    concurrency: flags.concurrency,
  };
}

/** What the flags set on the objects written, as core takes it (validated there). */
export function objectSettings(flags: RawObjectSettings): RawObjectSettings {
  return {
    contentType: flags.contentType,
    metadata: flags.metadata,
    cacheControl: flags.cacheControl,
    storageClass: flags.storageClass,
    sse: flags.sse,
    kmsKey: flags.kmsKey,
    checksum: flags.checksum,
  };
}
