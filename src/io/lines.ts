import type { Readable } from "node:stream";
import type { UnreadableLine } from "../core/presign/batch.js";

export type { UnreadableLine };

export type InputLine = string | UnreadableLine;

/** No valid input line is anywhere near this long (an S3 key is at most 1,024 bytes). */
const MAX_LINE_BYTES = 64 * 1024;
/** How much of an over-long line is kept to show in a message. */
const PREVIEW_CHARS = 80;

const NEWLINE = 0x0a;
const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads text input as it arrives and yields its complete lines in chunks (one chunk per
 * read), without the line endings ("\n" or "\r\n"). A last line without a newline is
 * yielded too. Lines are not trimmed, and every line is yielded in its place: one that is
 * not valid UTF-8, or is over-long, as an UnreadableLine rather than silently changed
 * (invalid bytes would otherwise become U+FFFD) or split.
 *
 * Nothing waits for the end of the input, so a consumer can start answering the first
 * line while later ones are still being written (a pipe, or a person typing).
 */
export async function* readLineChunks(input: Readable): AsyncGenerator<InputLine[]> {
  let rest: Buffer = Buffer.alloc(0);
  // Set while an over-long line is being skipped up to its newline.
  let skipping: UnreadableLine | undefined;
  for await (const data of input as AsyncIterable<Buffer | string>) {
    let chunk = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const lines: InputLine[] = [];
    if (skipping) {
      const end = chunk.indexOf(NEWLINE);
      if (end === -1) continue;
      lines.push(skipping);
      skipping = undefined;
      chunk = chunk.subarray(end + 1);
    }
    const buffer = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    const last = buffer.lastIndexOf(NEWLINE);
    if (last === -1) {
      rest = buffer;
    } else {
      lines.push(...decodeLines(buffer.subarray(0, last)));
      rest = Buffer.from(buffer.subarray(last + 1));
    }
    if (rest.length > MAX_LINE_BYTES) {
      skipping = { unreadable: "too-long", text: preview(rest) };
      rest = Buffer.alloc(0);
    }
    if (lines.length > 0) yield lines;
  }
  if (skipping) yield [skipping];
  else if (rest.length > 0) yield decodeLines(rest);
}

/** Lines separated by "\n" (none after the last). */
function decodeLines(bytes: Buffer): InputLine[] {
  // The common case at full speed: one decode for the whole chunk. Only when it meets
  // bytes that are not UTF-8 (they come out as U+FFFD) is each line checked on its own.
  const text = bytes.toString("utf8");
  if (!text.includes("\ufffd")) return text.split("\n").map(checkedLine);
  const lines: InputLine[] = [];
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(NEWLINE, start);
    const line = bytes.subarray(start, end === -1 ? bytes.length : end);
    try {
      lines.push(checkedLine(strict.decode(line)));
    } catch {
      lines.push({
        unreadable: "invalid-utf8",
        text: withoutCarriageReturn(line.toString("utf8")),
      });
    }
    if (end === -1) return lines;
    start = end + 1;
  }
}

/** A decoded line without its "\r", or over-long (it came in one read with its newline). */
function checkedLine(line: string): InputLine {
  if (line.length > MAX_LINE_BYTES / 4 && Buffer.byteLength(line) > MAX_LINE_BYTES) {
    return { unreadable: "too-long", text: line.slice(0, PREVIEW_CHARS) };
  }
  return withoutCarriageReturn(line);
}

function preview(bytes: Buffer): string {
  return bytes
    .subarray(0, PREVIEW_CHARS * 4)
    .toString("utf8")
    .slice(0, PREVIEW_CHARS);
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
