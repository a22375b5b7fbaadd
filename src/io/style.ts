import { Chalk, type ChalkInstance } from "chalk";

export interface ColorSettings {
  /** false when --no-color was given. */
  color: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** Colour only on a terminal, and never when NO_COLOR, --no-color or TERM=dumb says so. */
export function colorEnabled(isTTY: boolean, settings: ColorSettings): boolean {
  const { env } = settings;
  if (!settings.color) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return isTTY && env.TERM !== "dumb";
}

export function makeStyle(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

export const symbols = {
  ok: "✓",
  fail: "✗",
  warn: "!",
  info: "·",
  arrow: "→",
} as const;
