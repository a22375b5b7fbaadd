// Files that hold secrets: written so that they are either completely there (durably)
// or not changed at all, checked before anything is created, and every failure said in
// words rather than as an errno.

import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { ExitCode, type ExitCodeValue, S3kitError, UsageError } from "../errors.js";

interface Reason {
  reason: string;
  exitCode: ExitCodeValue;
  hint: string;
}

const ANOTHER_PATH = "Choose another --out path.";

// What each error of the file system means for the person who chose the path. Paths that
// cannot work are usage errors (2); a disk that fails or fills is a failure (1).
const REASONS: Record<string, Reason> = {
  EROFS: {
    reason: "the file system is read-only",
    exitCode: ExitCode.failure,
    hint: "Choose a folder on a writable disk with --out, or make that disk writable.",
  },
  ENOSPC: {
    reason: "no space left on the disk",
    exitCode: ExitCode.failure,
    hint: "Free some space on that disk, or choose another --out path.",
  },
  EDQUOT: {
    reason: "the disk quota is used up",
    exitCode: ExitCode.failure,
    hint: "Free some space within your quota, or choose another --out path.",
  },
  EACCES: {
    reason: "permission denied",
    exitCode: ExitCode.failure,
    hint: "Choose a folder you can write to, or change its permissions.",
  },
  EPERM: {
    reason: "the operation is not permitted",
    exitCode: ExitCode.failure,
    hint: "Choose a folder you can write to, or change its permissions.",
  },
  EIO: {
    reason: "the disk reported an input/output error",
    exitCode: ExitCode.failure,
    hint: ANOTHER_PATH,
  },
  EFBIG: {
    reason: "the file is too large for the file system",
    exitCode: ExitCode.failure,
    hint: ANOTHER_PATH,
  },
  EMFILE: { reason: "too many open files", exitCode: ExitCode.failure, hint: "Try again." },
  ENFILE: { reason: "too many open files", exitCode: ExitCode.failure, hint: "Try again." },
  EBUSY: { reason: "the file is busy", exitCode: ExitCode.failure, hint: ANOTHER_PATH },
  ETXTBSY: { reason: "the file is busy", exitCode: ExitCode.failure, hint: ANOTHER_PATH },
  EISDIR: {
    reason: "it is a directory",
    exitCode: ExitCode.usage,
    hint: "Give the path of a file.",
  },
  ENOTDIR: {
    reason: "a part of the path is not a directory",
    exitCode: ExitCode.usage,
    hint: ANOTHER_PATH,
  },
  ENOENT: { reason: "its folder does not exist", exitCode: ExitCode.usage, hint: ANOTHER_PATH },
  ENAMETOOLONG: { reason: "the name is too long", exitCode: ExitCode.usage, hint: ANOTHER_PATH },
  ELOOP: { reason: "too many symbolic links", exitCode: ExitCode.usage, hint: ANOTHER_PATH },
};

/** A file could not be written; `reason` says why in words ("no space left on the disk"). */
export class FileWriteError extends S3kitError {
  readonly path: string;
  readonly reason: string;
  readonly errno: string | undefined;

  constructor(path: string, err: unknown) {
    const errno = (err as NodeJS.ErrnoException | undefined)?.code;
    const known = errno ? REASONS[errno] : undefined;
    const reason = known?.reason ?? describeUnknown(err);
    super(
      {
        code: "CannotWriteFile",
        message: `Cannot write ${path}: ${reason}.`,
        hint: known?.hint ?? ANOTHER_PATH,
        exitCode: known?.exitCode ?? ExitCode.failure,
      },
      { cause: err },
    );
    this.name = "FileWriteError";
    this.path = path;
    this.reason = reason;
    this.errno = errno;
  }
}

/** The system's own words without the errno and the call ("EXDEV: cross-device …, rename …"). */
function describeUnknown(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^[A-Z0-9_]+: /, "").replace(/, \w+ '.*$/, "") || "an unknown error";
}

/** The file a path names: the target of a symbolic link (so the link stays a link). */
function resolveTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function fsCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Checks, before anything is created, that `path` can take a secrets file: it is not a
 * directory or a device, its folder exists, and a file of about the size needed can be
 * written there (a full or read-only disk shows here rather than after a key exists).
 * `flag` names the option in messages ("" when the path came from elsewhere).
 */
export function checkSecretFileTarget(path: string, flag = "--out"): void {
  const named = flag ? `${flag} ${path}` : path;
  let size = 0;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      throw new UsageError(
        `${named} is a directory.`,
        `Give the path of a file, e.g. ${join(path, ".env")}.`,
        "OutIsDirectory",
      );
    }
    if (!stat.isFile()) {
      throw new UsageError(
        `${named} is not a regular file.`,
        "Give the path of a file; to see the credentials, leave out --out and they are printed.",
        "OutNotAFile",
      );
    }
    size = stat.size;
  } catch (err) {
    if (err instanceof S3kitError) throw err;
    const code = fsCode(err);
    if (code === "ENOTDIR") throw notAFolder(path);
    if (code !== "ENOENT") throw new FileWriteError(path, err);
  }
  const folder = dirname(resolveTarget(path));
  try {
    if (!statSync(folder).isDirectory()) throw notAFolder(path);
  } catch (err) {
    if (err instanceof S3kitError) throw err;
    if (fsCode(err) === "ENOTDIR") throw notAFolder(path);
    throw new UsageError(
      `Cannot write ${path}: the folder ${folder} does not exist.`,
      "Create the folder first or choose another --out path.",
      "InvalidOutPath",
    );
  }
  // The merged file is about as large as the existing one plus the new lines (a
  // credentials file is small: a huge one is not copied just to test the disk).
  const probe = join(folder, `.${basename(path)}.s3kit-${randomBytes(4).toString("hex")}.probe`);
  let fd: number | undefined;
  try {
    fd = openSync(probe, "wx", 0o600);
    writeAll(fd, Buffer.alloc(Math.min(size, 1024 * 1024) + 1024, 0x20));
    fsyncSync(fd);
  } catch (err) {
    throw new FileWriteError(path, err);
  } finally {
    if (fd !== undefined) closeQuietly(fd);
    rmSync(probe, { force: true });
  }
}

/** The nearest part of `path` that exists and is not a folder, for the message. */
function notAFolder(path: string): UsageError {
  let dir = dirname(path);
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) break;
    } catch {
      // not there (or not reachable): keep looking further up
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return new UsageError(
    `Cannot write ${path}: ${dir} is not a directory.`,
    "Choose another --out path.",
    "InvalidOutPath",
  );
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/**
 * Replaces (or creates) `path` with `text`, readable by the owner only (0600): written to
 * a temporary file in the same folder, flushed to the disk, then renamed over the old
 * file. Either the whole new file is there or the old one is untouched. Synchronous on
 * purpose: nothing (not even a Ctrl-C handler) runs between the write and the rename.
 * Throws FileWriteError.
 */
export function writeSecretFile(path: string, text: string): void {
  const target = resolveTarget(path);
  const folder = dirname(target);
  const temp = join(folder, `.${basename(target)}.s3kit-${randomBytes(4).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", 0o600);
    writeAll(fd, Buffer.from(text, "utf8"));
    // The umask may have taken bits away; a secrets file is 0600 exactly.
    fchmodSync(fd, 0o600);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd);
    rmSync(temp, { force: true });
    throw new FileWriteError(path, err);
  }
  syncFolder(folder);
}

/** Makes the rename itself durable. Some systems cannot sync a folder; the file is written then. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, "r");
    fsyncSync(fd);
  } catch {
    // best effort: the data itself is on the disk already
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the error that matters is the one being handled
  }
}
