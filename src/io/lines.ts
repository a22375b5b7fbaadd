import type { Readable } from "node:stream";

/** No valid input line is anywhere near this long; a longer one is handed on in pieces. */
const MAX_LINE_CHARS = 64 * 1024;

/**
 * Reads text input as it arrives and yields its complete lines in chunks (one
 * chunk per read), without the line endings ("\n" or "\r\n"). A last line without
 * a newline is yielded too. Lines are not trimmed.
 *
 * Nothing waits for the end of the input, so a consumer can start answering the
 * first line while later ones are still being written (a pipe, or a person typing).
 */
export async function* readLineChunks(input: Readable): AsyncGenerator<string[]> {
  input.setEncoding("utf8");
  let rest = "";
  for await (const data of input as AsyncIterable<string>) {
    const text = rest === "" ? data : rest + data;
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    if (rest.length > MAX_LINE_CHARS) {
      // Not a line anyone meant (binary input?): let the consumer reject it now.
      lines.push(rest);
      rest = "";
    }
    if (lines.length > 0) yield lines.map(withoutCarriageReturn);
  }
  if (rest !== "") yield [withoutCarriageReturn(rest)];
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
