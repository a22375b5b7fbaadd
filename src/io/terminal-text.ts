/**
 * Keys, file names, bucket names and server messages come from outside and may hold
 * characters a terminal acts on instead of showing: an escape sequence can set the window
 * title, hide or recolour text, or move the cursor; a carriage return lets a name overwrite
 * its own line; bidirectional overrides reorder what is shown. Everything the Output writes
 * passes through here, so no command can print them raw.
 *
 * They are shown as JSON escapes (`\u001b`, `\r`, `\t`), which a person can read and which
 * keep a JSON document valid and exact. A backslash is left as it is: `a\u001bb` may be
 * those six characters or an escape; `--json` tells them apart.
 */

// C0 except line feed (line breaks are the text's own layout), DEL, C1, the line and paragraph
// separators, and the bidirectional embedding, override and isolate controls.
const UNSAFE_SOURCE =
  "[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]";
const UNSAFE = new RegExp(UNSAFE_SOURCE);

/**
 * Colour is written as markers that only this run can produce (a random part between NUL
 * characters) and turned into escape sequences on the way out. An escape sequence inside
 * a value is escaped like any other; a value cannot forge a marker, as it cannot know this
 * run's random part. The random part is made when colour is first used, so runs without
 * colour (pipes, CI) never load the random source.
 */
let patterns:
  | { marker: RegExp; markerOrUnsafe: RegExp; markerOrUnsafeOrNewline: RegExp }
  | undefined;
let runMark: string | undefined;

const UNSAFE_ALL = new RegExp(UNSAFE_SOURCE, "g");
const UNSAFE_OR_NEWLINE = new RegExp(`${UNSAFE_SOURCE}|\\n`, "g");

/** The marker for SGR parameter `code` (31 red, 39 default colour, 1 bold, …). */
export function colourMarker(code: number): string {
  if (runMark === undefined) {
    const bytes = new Uint8Array(8);
    globalThis.crypto.getRandomValues(bytes);
    runMark = `s3kit${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}:`;
    const marker = `\\u0000${runMark}(\\d{1,2})\\u0000`;
    patterns = {
      marker: new RegExp(marker, "g"),
      markerOrUnsafe: new RegExp(`${marker}|${UNSAFE_SOURCE}`, "g"),
      markerOrUnsafeOrNewline: new RegExp(`${marker}|${UNSAFE_SOURCE}|\\n`, "g"),
    };
  }
  return `\u0000${runMark}${code}\u0000`;
}

const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(char: string): string {
  return SHORT[char] ?? `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
}

/** Text as it may reach a terminal: colour markers become colour, unsafe characters escapes. */
export function toTerminal(text: string): string {
  if (!UNSAFE.test(text)) return text;
  if (patterns === undefined) return text.replace(UNSAFE_ALL, escapeChar);
  return text.replace(patterns.markerOrUnsafe, (match, code: string | undefined) =>
    code === undefined ? escapeChar(match) : `\u001b[${code}m`,
  );
}

/**
 * A value that must stay on one line (a key in a listing, a path in a summary, a table
 * cell): its line breaks are escaped too, so it cannot start a line of its own that looks
 * like s3kit's. Colour is kept.
 */
export function oneLine(value: string): string {
  if (patterns === undefined) return value.replace(UNSAFE_OR_NEWLINE, escapeChar);
  return value.replace(patterns.markerOrUnsafeOrNewline, (match, code: string | undefined) =>
    code === undefined ? escapeChar(match) : match,
  );
}

/** How many characters a styled text takes on screen (colour markers take none). */
export function visibleLength(text: string): number {
  return patterns !== undefined && text.includes("\u0000")
    ? text.replace(patterns.marker, "").length
    : text.length;
}
