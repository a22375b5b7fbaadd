import { isAbsolute, relative } from "node:path";
import { oneLine } from "../../io/terminal-text.js";

/**
 * Locations as the user would type them: a local path relative to the current folder when
 * inside it; on one line, whatever characters a key or file name holds.
 */
export function locationShower(cwd: string): (location: string) => string {
  return (location) => {
    if (!isAbsolute(location)) return oneLine(location);
    const rel = relative(cwd, location);
    return oneLine(rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? location : rel);
  };
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? noun : nouns}`;
}

/** What a transfer's Ctrl-C cleanup undid, as "; aborted 1 multipart upload and removed …". */
export function cleanupDone(report: { abortedUploads: number; removedFiles: number }): string {
  const undone = [
    report.abortedUploads > 0 ? `aborted ${plural(report.abortedUploads, "multipart upload")}` : "",
    report.removedFiles > 0 ? `removed ${plural(report.removedFiles, "partial file")}` : "",
  ].filter(Boolean);
  return undone.length > 0 ? `; ${undone.join(" and ")}` : "";
}
