import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { open, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ExitCode, S3kitError } from "../errors.js";

/**
 * Where a key lands in a recursive download, and which keys would land on the same file.
 *
 * A key is a string, a local path is not: `p/a/b`, `p/a//b` and `p/./a/b` are three keys
 * and one file; `p/a` (an object) and `p/a/b` need `a` to be a file and a folder at once.
 * Written one after the other, the last would win and the others would be lost without a
 * word, so every collision is found before anything is written.
 */

export type LocalPlacement = { path: string } | { unsafe: string };

/**
 * The local path (relative, `/`-separated) of a key below the download prefix: empty and
 * `.` segments are dropped, `..` goes up a folder, a trailing `/` is dropped. A key that
 * would leave the target folder, or that no file name can hold, is unsafe (with the reason).
 */
export function localPlacement(relativeKey: string): LocalPlacement {
  if (relativeKey.includes("\0")) return { unsafe: "the key holds a NUL character" };
  if (relativeKey.includes("\\") || /^[a-zA-Z]:/.test(relativeKey)) {
    return { unsafe: "the key is not a safe file name (\\ or a drive letter)" };
  }
  const segments: string[] = [];
  for (const segment of relativeKey.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (segments.length === 0) {
        return { unsafe: "the key is not a safe file name (its .. would leave the folder)" };
      }
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { unsafe: "the key names the target folder itself" };
  return { path: segments.join("/") };
}

export interface Placed {
  /** What the user knows the item by: its s3:// location. */
  source: string;
  /** Relative local path, `/`-separated. */
  path: string;
}

export interface Collision {
  /** The local path (as the first of its keys maps it). */
  path: string;
  /** `same-file`: several keys, one file; `file-and-folder`: a key where others need a folder. */
  kind: "same-file" | "file-and-folder";
  /** The keys that would be lost: all of a same-file group; the file side of the other kind. */
  sources: string[];
  /** For file-and-folder: the first key that needs the folder, and how many do. */
  folderUser?: string;
  folderUsers?: number;
}

/**
 * Every collision among the placements. `fold` says which names the file system takes
 * for the same one (identity on a case-sensitive one).
 */
export function findCollisions(
  placed: readonly Placed[],
  fold: (path: string) => string = (p) => p,
): Collision[] {
  const byPath = new Map<string, Placed[]>();
  for (const item of placed) {
    const key = fold(item.path);
    const group = byPath.get(key);
    if (group) group.push(item);
    else byPath.set(key, [item]);
  }
  // Every folder some item needs, with the first item that needs it and how many do.
  const folders = new Map<string, { first: string; count: number }>();
  for (const item of placed) {
    const folded = fold(item.path);
    for (let slash = folded.indexOf("/"); slash !== -1; slash = folded.indexOf("/", slash + 1)) {
      const folder = folded.slice(0, slash);
      const seen = folders.get(folder);
      if (seen) seen.count++;
      else folders.set(folder, { first: item.source, count: 1 });
    }
  }
  const collisions: Collision[] = [];
  for (const [folded, unsorted] of byPath) {
    // In S3's listing order (by code point), whatever order they came in.
    const group = [...unsorted].sort((a, b) => byCodePoint(a.source, b.source));
    const first = group[0] as Placed;
    if (group.length > 1) {
      collisions.push({ path: first.path, kind: "same-file", sources: group.map((g) => g.source) });
    }
    const folder = folders.get(folded);
    if (folder) {
      collisions.push({
        path: first.path,
        kind: "file-and-folder",
        sources: group.map((g) => g.source),
        folderUser: folder.first,
        folderUsers: folder.count,
      });
    }
  }
  return collisions.sort((a, b) => byCodePoint(a.path, b.path));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface NameFolding {
  /** `README` and `readme` are one file (macOS and Windows by default). */
  caseInsensitive: boolean;
  /** `é` composed and decomposed are one file (macOS). */
  unicodeInsensitive: boolean;
}

/** The fold that matches how a file system compares names. */
export function folderFor(folding: NameFolding): (path: string) => string {
  return (path) => {
    let name = folding.unicodeInsensitive ? path.normalize("NFC") : path;
    if (folding.caseInsensitive) name = name.toLowerCase();
    return name;
  };
}

/**
 * How the file system under `dir` (or its nearest existing parent) compares names: one
 * empty probe file is created there and removed at once. When it cannot be created the
 * download could not write there either; the names are then taken as distinct.
 */
export async function probeNameFolding(dir: string): Promise<NameFolding> {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing, { throwIfNoEntry: false })?.isDirectory()) {
    return { caseInsensitive: false, unicodeInsensitive: false };
  }
  const base = `.s3kit-names-${randomBytes(4).toString("hex")}-a\u00e9`;
  const probe = join(existing, base);
  try {
    await (await open(probe, "wx")).close();
  } catch {
    return { caseInsensitive: false, unicodeInsensitive: false };
  }
  try {
    return {
      caseInsensitive: existsSync(join(existing, base.toUpperCase())),
      unicodeInsensitive: existsSync(join(existing, base.normalize("NFD"))),
    };
  } finally {
    await unlink(probe).catch(() => {});
  }
}

/**
 * Every collision among the placements as the file system under `root` sees them: names
 * that differ only in case or Unicode form are one file on some file systems (macOS and
 * Windows by default), so the target's folding is asked, only when that would matter.
 */
export async function collisionsUnder(
  placed: readonly Placed[],
  root: string,
): Promise<Collision[]> {
  const collisions = findCollisions(placed);
  const folded = findCollisions(
    placed,
    folderFor({ caseInsensitive: true, unicodeInsensitive: true }),
  );
  if (JSON.stringify(folded) === JSON.stringify(collisions)) return collisions;
  const folding = await probeNameFolding(root);
  if (!folding.caseInsensitive && !folding.unicodeInsensitive) return collisions;
  return findCollisions(placed, folderFor(folding));
}

/** Each key the collisions would lose (by its s3:// location), with why. */
export function keysLostTo(collisions: readonly Collision[]): Map<string, string> {
  const lost = new Map<string, string>();
  for (const c of collisions) {
    for (const source of c.sources) {
      if (lost.has(source)) continue;
      const others = c.sources.filter((s) => s !== source);
      lost.set(
        source,
        c.kind === "same-file"
          ? `it maps to the same local path (${c.path}) as ${others.join(", ")}`
          : `it is a file, but ${c.folderUser} needs ${c.path} as a folder`,
      );
    }
  }
  return lost;
}

/** How many collisions an error lists one by one (the rest are counted). */
const LISTED_COLLISIONS = 100;

export function collisionError(collisions: readonly Collision[], target: string): S3kitError {
  const lines = collisions.map((c) =>
    c.kind === "same-file"
      ? `${c.path} ← ${c.sources.join(", ")}`
      : `${c.path} ← ${c.sources.join(", ")} is a file, but ${c.folderUser} needs ${c.path} as a folder${(c.folderUsers ?? 1) > 1 ? ` (as do ${(c.folderUsers ?? 1) - 1} more keys)` : ""}`,
  );
  const details =
    lines.length > LISTED_COLLISIONS
      ? [...lines.slice(0, LISTED_COLLISIONS), `… and ${lines.length - LISTED_COLLISIONS} more`]
      : lines;
  const n = collisions.length;
  return new S3kitError({
    code: "KeyCollision",
    message: `${n} local path${n === 1 ? "" : "s"} would each receive more than one key (or be needed as a file and a folder) under ${target}; nothing was downloaded:`,
    hint: "Download those keys one at a time to names you choose (s3kit cp s3://BUCKET/KEY FILE), or pass --on-collision skip to download the others and skip them.",
    details,
    exitCode: ExitCode.conflict,
  });
}
