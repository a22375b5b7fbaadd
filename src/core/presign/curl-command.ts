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
  const path = urlPath(request.url);
  // curl (like browsers) removes "." and ".." segments from the path before sending it,
  // which would request another key than the one signed.
  if (hasDotSegments(path)) parts.push("--path-as-is");
  const headers = Object.entries(request.headers);
  if (request.method === "PUT") {
    if (/\/(\.\.?)?$/.test(path)) {
      // -T appends the file's name to a path that ends in "/" (once dot segments are
      // removed): the body is sent with --data-binary instead, and since that brings its
      // own Content-Type, an empty one ("Name;") removes it unless one is signed.
      parts.push("-X", "PUT", "--data-binary", shellQuote(`@${file ?? "FILE"}`));
      if (!headers.some(([name]) => name === "content-type")) parts.push("-H", "'Content-Type;'");
    } else {
      parts.push("-X", "PUT", "-T", shellQuote(file ?? "FILE"));
    }
  } else if (file !== undefined) {
    parts.push("-o", shellQuote(file));
  }
  for (const [name, value] of headers) {
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
 * True when a URL's path has a "." or ".." segment: browsers, fetch and curl (without
 * --path-as-is) remove them, so the URL works only with a client that sends it as it is.
 */
export function hasDotSegments(pathOrUrl: string): boolean {
  return /(^|\/)\.\.?(\/|$)/.test(urlPath(pathOrUrl));
}

/** The path of a URL as written (no normalisation): from the first "/" after the host to "?". */
function urlPath(url: string): string {
  const scheme = url.indexOf("://");
  if (scheme === -1) return url;
  const start = url.indexOf("/", scheme + 3);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query === -1 ? undefined : query);
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
