// Sizes the way the AWS CLI reads them, the same for every flag: a plain number is bytes,
// and KB, MB, GB, TB are powers of 1024 (5MB = 5MiB = 5M = 5 × 1024² bytes).
import { UsageError } from "../errors.js";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: KiB,
  kb: KiB,
  kib: KiB,
  m: MiB,
  mb: MiB,
  mib: MiB,
  g: GiB,
  gb: GiB,
  gib: GiB,
  t: TiB,
  tb: TiB,
  tib: TiB,
};

const SIZE = /^\s*(-?)(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i;

/** What `--help` says about every size flag. */
export const SIZE_UNITS_HELP = "KB/MB/GB = KiB/MiB/GiB, powers of 1024 as in the AWS CLI";

function sizeHint(flag: string): string {
  return `Write bytes or a number with a unit, e.g. ${flag} 10MB (B, KB, MB, GB, TB; as in the AWS CLI they are powers of 1024: 1MB = 1MiB = 1M = 1,048,576 bytes).`;
}

/**
 * Parses a size such as `1048576`, `8MB`, `8MiB`, `8m` or `1.5GB` into bytes; a fraction
 * of a byte is dropped. `flag` names the option in the error message (exit 2).
 */
export function parseSize(text: string, flag: string): number {
  const match = SIZE.exec(text);
  const unit = match ? UNITS[(match[3] ?? "").toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UsageError(`${flag} "${text}" is not a size.`, sizeHint(flag), "InvalidSize");
  }
  if (match[1] === "-") {
    throw new UsageError(
      `${flag} "${text}" is negative.`,
      `Give a size of 0 or more, e.g. ${flag} 16MB.`,
      "InvalidSize",
    );
  }
  // Through the decimal digits rather than floating point, so that a large size with a
  // fraction comes out exact.
  const [whole = "", fraction = ""] = (match[2] ?? "").split(".");
  const bytes =
    (BigInt(`${whole}${fraction}` || "0") * BigInt(unit)) / 10n ** BigInt(fraction.length);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UsageError(`${flag} "${text}" is too large.`, sizeHint(flag), "InvalidSize");
  }
  return Number(bytes);
}

/**
 * A size exactly, in the largest unit that divides it, as parseSize reads it back:
 * 5242880 → "5MiB", 1000000 → "1000000B". For limits the user set.
 */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [
    ["TiB", TiB],
    ["GiB", GiB],
    ["MiB", MiB],
    ["KiB", KiB],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}B`;
}

/** `1.5 MiB`-style sizes for people (rounded): progress, listings, summaries. */
export function formatBytes(bytes: number): string {
  if (bytes < KiB) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes / KiB;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[i]}`;
}
