import { UsageError } from "../errors.js";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

const UNITS: Record<string, number> = {
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

/**
 * Parses a size such as `8MiB`, `8MB`, `8m`, `1.5GiB` or `1048576` into bytes. Like the
 * AWS CLI, KB/MB/GB mean powers of 1024. `flag` names the option in the error message.
 */
export function parseSize(text: string, flag: string): number {
  const match = /^\s*(-?)(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[(match[3] ?? "").toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UsageError(
      `${flag} "${text}" is not a size.`,
      `Write a number of bytes with an optional unit, e.g. ${flag} 16MiB (units: B, KiB, MiB, GiB, TiB; KB, MB, GB mean the same).`,
      "InvalidSize",
    );
  }
  if (match[1] === "-") {
    throw new UsageError(
      `${flag} "${text}" is negative.`,
      `Give a size of 0 or more, e.g. ${flag} 16MiB.`,
      "InvalidSize",
    );
  }
  const bytes = Math.floor(Number(match[2]) * unit);
  if (!Number.isSafeInteger(bytes)) {
    throw new UsageError(`${flag} "${text}" is too large.`, undefined, "InvalidSize");
  }
  return bytes;
}

/** `1.5 MiB`-style sizes for people. */
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
