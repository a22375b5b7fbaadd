/** The colours s3kit writes with: chalk's, or ones that leave the text as it is. */
export interface Style {
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  bold: Paint;
  dim: Paint;
}
type Paint = (text: string) => string;

const asIs: Paint = (text) => text;
/** Colour off. chalk is not loaded for it: it brings the terminal modules (~3 ms). */
export const plainStyle: Style = {
  red: asIs,
  green: asIs,
  yellow: asIs,
  cyan: asIs,
  bold: asIs,
  dim: asIs,
};

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

export async function loadStyle(enabled: boolean): Promise<Style> {
  if (!enabled) return plainStyle;
  const { Chalk } = await import("chalk");
  return new Chalk({ level: 1 });
}

export const symbols = {
  ok: "✓",
  fail: "✗",
  warn: "!",
  info: "·",
  arrow: "→",
} as const;
