import type { PresignedRequest } from "./types.js";

/**
 * A ready-to-run curl command for a presigned request, quoted for POSIX shells.
 * PUT uploads FILE with every header the signature requires; GET downloads to
 * FILE (or prints to stdout without one).
 *
 * content-length is left out: curl -T sends the file's real length, and a
 * mismatch with the signed value then fails in S3 with a clear error instead of
 * curl waiting for bytes that never come.
 */
export function buildCurlCommand(request: PresignedRequest, file?: string): string {
  const parts = ["curl"];
  if (request.method === "PUT") {
    parts.push("-X", "PUT", "-T", shellQuote(file ?? "FILE"));
  } else if (file !== undefined) {
    parts.push("-o", shellQuote(file));
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === "content-length") continue;
    // curl drops a header given as "Name:" with no value; "Name;" sends it empty.
    const header =
      value === "" ? `${displayHeaderName(name)};` : `${displayHeaderName(name)}: ${value}`;
    parts.push("-H", shellQuote(header));
  }
  parts.push(shellQuote(request.url));
  return parts.join(" ");
}

/**
 * Quotes a word for a POSIX shell: unchanged when it holds only characters no
 * shell treats specially, otherwise in single quotes, where nothing is special
 * and a single quote itself is written as '\''.
 */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

function displayHeaderName(name: string): string {
  return name.replace(
    /(^|-)([a-z])/g,
    (_, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
}
