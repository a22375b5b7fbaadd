import { type Dirent, type Stats, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { compareKeys } from "./order.js";
import type { TreeEntry } from "./tree.js";

export interface LocalWalkOptions {
  /**
   * Symbolic links: `follow` links to files and folders (a link that loops back is left
   * out); `files`: follow links to files only (a destination folder, where following a
   * link would let a delete reach outside it); `none`: leave every link out.
   */
  links: "follow" | "files" | "none";
  /** Paths (below the root) to leave out, decided before anything is read about them. */
  include?: (rel: string) => boolean;
}

export interface LocalEntry extends TreeEntry {
  /** The file's path on disk. */
  path: string;
}

interface Folder {
  rel: string;
  path: string;
  /** `dev:ino` of this folder and the ones above it: a link to one of them is a loop. */
  ancestors: ReadonlySet<string>;
}

interface Child {
  name: string;
  /** The name with a `/` after a folder: how its contents sort among its siblings. */
  sortName: string;
  kind: "file" | "folder" | "unusable";
  stats?: Stats;
  reason?: string;
  error?: boolean;
}

/**
 * The files below `root`, depth first, in S3's key order of their relative paths: a
 * folder's entries are sorted with `/` after folder names, so `a-b` comes before `a/…`
 * as `a-b` comes before `a/b` in a listing. Only one folder's names are held at a time
 * per level. A folder that cannot be read is an unusable entry (`error`); the root not
 * being readable throws.
 *
 * A link that is left out is an unusable entry (a folder one for a link to a folder), so
 * its counterpart on the other side is left alone too. A link to a folder that contains it
 * (directly or through other links) would never end: it is left out, once.
 */
export async function* walkLocal(
  root: string,
  options: LocalWalkOptions,
): AsyncGenerator<LocalEntry> {
  const rootStats = await stat(root);
  const stack: { folder: Folder; children: Child[]; next: number }[] = [];
  const rootFolder: Folder = { rel: "", path: root, ancestors: new Set([identity(rootStats)]) };
  stack.push({ folder: rootFolder, children: await readFolder(rootFolder, options), next: 0 });
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    const child = frame.children[frame.next++];
    if (child === undefined) {
      stack.pop();
      continue;
    }
    const rel = frame.folder.rel + child.name;
    const path = join(frame.folder.path, child.name);
    if (child.kind === "file") {
      const stats = child.stats as Stats;
      yield { rel, path, size: stats.size, mtimeMs: stats.mtimeMs };
    } else if (child.kind === "unusable") {
      yield {
        rel: child.sortName === child.name ? rel : `${rel}/`,
        path,
        size: 0,
        mtimeMs: 0,
        unusable: child.reason,
        folder: child.sortName !== child.name,
        error: child.error,
      };
    } else {
      const stats = child.stats as Stats;
      const folder: Folder = {
        rel: `${rel}/`,
        path,
        ancestors: new Set([...frame.folder.ancestors, identity(stats)]),
      };
      let children: Child[];
      try {
        children = await readFolder(folder, options);
      } catch (err) {
        yield {
          rel: `${rel}/`,
          path,
          size: 0,
          mtimeMs: 0,
          unusable: `the folder cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
          folder: true,
          error: true,
        };
        continue;
      }
      stack.push({ folder, children, next: 0 });
    }
  }
}

function identity(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** A folder's entries, classified and sorted; files are stat'ed here (one call each). */
async function readFolder(folder: Folder, options: LocalWalkOptions): Promise<Child[]> {
  const entries: Dirent[] = await readdir(folder.path, { withFileTypes: true });
  const children: Child[] = [];
  for (const entry of entries) {
    const name = entry.name;
    const rel = folder.rel + name;
    const path = join(folder.path, name);
    if (entry.isDirectory()) {
      // Folders are filtered by what is below them, file by file.
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats) children.push({ name, sortName: `${name}/`, kind: "folder", stats });
      continue;
    }
    if (entry.isSymbolicLink()) {
      const link = classifyLink(folder, name, path, options);
      // A link to a folder is filtered like a folder: by the files below it.
      if (link.sortName !== name || !options.include || options.include(rel)) children.push(link);
      continue;
    }
    if (options.include && !options.include(rel)) continue;
    if (entry.isFile()) {
      // Synchronous: for a file in the page cache the call costs less than a thread-pool hop.
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats) children.push({ name, sortName: name, kind: "file", stats });
      else if (name.includes("\ufffd")) children.push(undecodable(name));
      // Otherwise it is gone since the folder was read: it is not there to sync.
    } else {
      children.push({ name, sortName: name, kind: "unusable", reason: "not a regular file" });
    }
  }
  return children.sort((a, b) => compareKeys(a.sortName, b.sortName));
}

/**
 * A name that is not UTF-8 reaches Node with U+FFFD in place of its bytes, so the file
 * cannot be opened under it (and S3 keys are UTF-8).
 */
function undecodable(name: string): Child {
  return {
    name,
    sortName: name,
    kind: "unusable",
    reason: "the file name is not valid UTF-8 (S3 keys are UTF-8); rename it",
    error: true,
  };
}

const NOT_FOLLOWED = "a symbolic link (--no-follow-symlinks)";
const FOLDER_LINK_NOT_FOLLOWED =
  "a link to a folder in the destination (not followed, so nothing outside the destination is changed)";

function classifyLink(
  folder: Folder,
  name: string,
  path: string,
  options: LocalWalkOptions,
): Child {
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch (err) {
    if (options.links === "none") {
      return { name, sortName: name, kind: "unusable", reason: NOT_FOLLOWED };
    }
    const code = (err as NodeJS.ErrnoException).code;
    return {
      name,
      sortName: name,
      kind: "unusable",
      reason: code === "ELOOP" ? "a link that points to itself" : "a broken link",
    };
  }
  if (options.links === "none") {
    const sortName = stats.isDirectory() ? `${name}/` : name;
    return { name, sortName, kind: "unusable", reason: NOT_FOLLOWED };
  }
  if (options.links === "files" && stats.isDirectory()) {
    return { name, sortName: `${name}/`, kind: "unusable", reason: FOLDER_LINK_NOT_FOLLOWED };
  }
  if (stats.isFile()) return { name, sortName: name, kind: "file", stats };
  if (stats.isDirectory()) {
    if (folder.ancestors.has(identity(stats))) {
      return {
        name,
        sortName: `${name}/`,
        kind: "unusable",
        reason: "a link to a folder that contains it (following it would never end)",
      };
    }
    return { name, sortName: `${name}/`, kind: "folder", stats };
  }
  return {
    name,
    sortName: name,
    kind: "unusable",
    reason: "a link to something that is not a file",
  };
}

/**
 * Folder paths below `root` that cut its tree into about `pieces` runs of folders, in key
 * order: the top-level folders, or those of a single folder that holds everything (up to
 * three levels down). Where to list a destination from at once; [] when there is no
 * useful cut.
 */
export async function folderSplits(root: string, pieces: number): Promise<string[]> {
  let base = "";
  let dir = root;
  for (let depth = 0; depth < 3; depth++) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const folders = entries
      .filter((e) => e.isDirectory())
      .map((e) => `${base}${e.name}/`)
      .sort(compareKeys);
    if (folders.length >= 2) {
      const splits = new Set<string>();
      for (let k = 1; k < pieces; k++) {
        const at = Math.round((k * folders.length) / pieces);
        if (at > 0 && at < folders.length) splits.add(folders[at] as string);
      }
      return [...splits];
    }
    const only = entries[0];
    if (entries.length !== 1 || !only?.isDirectory()) return [];
    base = `${base}${only.name}/`;
    dir = join(dir, only.name);
  }
  return [];
}
