import { colourMarker } from "./terminal-text.js";

/** The colours s3kit writes with, or ones that leave the text as it is. */
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

/**
 * The 16-colour SGR codes chalk writes at level 1, as markers that the Output turns into
 * escape sequences (see terminal-text.ts): a value's own escape sequences never pass.
 * A style closed inside another is reopened after it, as chalk does.
 */
function paint(open: number, close: number): Paint {
  const start = colourMarker(open);
  const end = colourMarker(close);
  return (text) => (text === "" ? "" : `${start}${text.replaceAll(end, `${end}${start}`)}${end}`);
}

const colourStyle: Style = {
  red: paint(31, 39),
  green: paint(32, 39),
  yellow: paint(33, 39),
  cyan: paint(36, 39),
  bold: paint(1, 22),
  dim: paint(2, 22),
};

export async function loadStyle(enabled: boolean): Promise<Style> {
  return enabled ? colourStyle : plainStyle;
}

export const symbols = {
  ok: "✓",
  fail: "✗",
  warn: "!",
  info: "·",
  arrow: "→",
} as const;
