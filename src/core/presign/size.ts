import { PresignInputError } from "./errors.js";

// Decimal units follow SI (what S3's console and most people mean by "MB");
// binary units need the explicit "i" (KiB, MiB, …), like the AWS CLI's docs.
const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/;
const HINT =
  "Use bytes (100) or a number with a unit: 10MB, 1.5GB, 5MiB (KB/MB/GB are powers of 1000, KiB/MiB/GiB powers of 1024).";

/**
 * Parses a size such as `100`, `10MB`, `5MiB` or `1.5GB` into bytes. The result
 * must be a whole number of bytes (so `1.5B` is an error) and at least zero.
 */
export function parseSize(input: string): number {
  const text = input.trim().toLowerCase();
  const m = SIZE.exec(text);
  const unit = m?.[2] === "" ? "b" : m?.[2];
  const factor = unit === undefined ? undefined : UNIT_BYTES[unit];
  if (m === null || factor === undefined) {
    throw new PresignInputError("InvalidSize", `Invalid size "${input}".`, HINT);
  }
  // Scale through the decimal string rather than floating point so that
  // "1.1MB" is exactly 1100000 and not 1100000.0000000002.
  const [whole = "0", fraction = ""] = (m[1] ?? "0").split(".");
  const denominator = 10 ** fraction.length;
  const numerator = BigInt(whole + fraction) * BigInt(factor);
  if (numerator % BigInt(denominator) !== 0n) {
    throw new PresignInputError(
      "InvalidSize",
      `Invalid size "${input}": it is not a whole number of bytes.`,
      HINT,
    );
  }
  const bytes = numerator / BigInt(denominator);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PresignInputError("InvalidSize", `Size "${input}" is too large.`, HINT);
  }
  return Number(bytes);
}

/** Renders bytes for messages, in the units parseSize accepts: 10000000 → "10MB", 5242880 → "5MiB". */
export function formatSize(bytes: number): string {
  for (const unit of ["TiB", "GiB", "MiB", "KiB", "TB", "GB", "MB", "KB"]) {
    const factor = UNIT_BYTES[unit.toLowerCase()] ?? 1;
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}B`;
}
