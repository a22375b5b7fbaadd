import { PresignInputError } from "./errors.js";

/** SigV4 presigned URLs are valid for at most 7 days (604800 s); S3 rejects longer ones. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

// Units in decreasing order, each at most once: "1h30m" is fine, "30m1h" or "1h1h" is a typo.
const WITH_UNITS = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const HINT =
  "Use seconds (900) or a number with a unit: 30s, 15m, 1h, 7d (combinations like 1h30m work too).";

/**
 * Parses an expiry such as `900`, `30s`, `15m`, `1h`, `7d` or `1h30m` into whole
 * seconds. The result is positive and at most `max` (7 days by default, the SigV4
 * limit); anything else is a PresignInputError.
 */
export function parseDuration(input: string, max: number = MAX_PRESIGN_SECONDS): number {
  const text = input.trim().toLowerCase();
  let seconds: number;
  if (/^\d+$/.test(text)) {
    seconds = Number(text);
  } else {
    const m = WITH_UNITS.exec(text);
    if (text === "" || m === null) {
      throw new PresignInputError("InvalidDuration", `Invalid duration "${input}".`, HINT);
    }
    const [, d = "0", h = "0", min = "0", s = "0"] = m;
    seconds = Number(d) * 86400 + Number(h) * 3600 + Number(min) * 60 + Number(s);
  }
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new PresignInputError(
      "InvalidDuration",
      `Invalid duration "${input}": it must be greater than zero.`,
      HINT,
    );
  }
  if (seconds > max) {
    throw new PresignInputError(
      "ExpiresTooLong",
      `Expiry "${input}" (${seconds} s) is longer than the maximum of ${formatDuration(max)} (${max} s).`,
      max === MAX_PRESIGN_SECONDS
        ? "SigV4 presigned URLs are valid for at most 7 days: use --expires 7d or less."
        : `Use --expires ${formatDuration(max)} or less.`,
    );
  }
  return seconds;
}

/** Renders seconds compactly for messages: 900 → "15m", 93784 → "1d2h3m4s". */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds <= 0) return "0s";
  let rest = Math.floor(totalSeconds);
  let out = "";
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
