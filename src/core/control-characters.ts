/**
 * Control characters: C0 (NUL to US, with tab, line feed and carriage return), DEL and C1.
 * None belongs in a URL, a region or a name typed on one line, and on a terminal they act
 * instead of being shown (an escape sequence can move the cursor or set the window title).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

const NAMES: Record<string, string> = {
  "\u0000": "NUL",
  "\t": "tab",
  "\n": "line feed",
  "\r": "carriage return",
  "\u001b": "escape",
  "\u007f": "DEL",
};

/** `U+000D (carriage return)`: how a message names an invisible character. */
export function describeCharacter(char: string): string {
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES[char];
  return name ? `${code} (${name})` : code;
}

/** The first control character in `text` and where it is, or undefined when there is none. */
export function findControlCharacter(text: string): { char: string; index: number } | undefined {
  const match = CONTROL_CHARACTER.exec(text);
  return match ? { char: match[0], index: match.index } : undefined;
}
