import { resolve, sep } from "node:path";
import { UsageError } from "../errors.js";
import { isS3Url, parseS3Location } from "../s3/location.js";

/** One side of `cp`: an S3 location, a local path, or `-` (stdin or stdout). */
export type Endpoint =
  | { kind: "s3"; text: string; bucket: string; key: string }
  | { kind: "local"; text: string; path: string; isDirectoryName: boolean }
  | { kind: "stdio"; text: string };

/** Parses a `cp` argument. Anything with a URL scheme other than s3:// is rejected. */
export function parseEndpoint(text: string, cwd: string): Endpoint {
  if (text === "-") return { kind: "stdio", text };
  if (text === "") {
    throw new UsageError("An empty location was given.", "Give a local path or s3://BUCKET/KEY.");
  }
  if (isS3Url(text)) {
    const { bucket, key } = parseS3Location(text);
    return { kind: "s3", text, bucket, key };
  }
  // `s3:/b/k`, `s3:b`, `http://…`: a scheme, but not an S3 location (one letter is a Windows drive).
  if (/^[a-z][a-z0-9+.-]+:/i.test(text)) {
    throw new UsageError(
      `"${text}" is not an S3 location or a local path.`,
      "Write S3 locations as s3://BUCKET/KEY, e.g. s3://my-app-uploads/images/logo.png.",
      "InvalidLocation",
    );
  }
  const isDirectoryName =
    text.endsWith("/") ||
    text.endsWith(sep) ||
    text === "." ||
    text === ".." ||
    /[/\\]\.\.?$/.test(text);
  return { kind: "local", text, path: resolve(cwd, text), isDirectoryName };
}

/** A key prefix that names a folder: "" (the whole bucket) or ending in "/". */
export function folderPrefix(key: string): string {
  if (key === "" || key.endsWith("/")) return key;
  return `${key}/`;
}

/** The last segment of a key or path. */
export function baseName(keyOrPath: string): string {
  const trimmed = keyOrPath.replace(/[/\\]+$/, "");
  return trimmed.slice(Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\")) + 1);
}
