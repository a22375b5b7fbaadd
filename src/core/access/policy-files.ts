// Policy documents on disk: reading them for `policy lint` and `policy debug`
// (`-` is standard input), and writing a generated policy without clobbering one.

// Synchronous calls: a policy is a few kilobytes, and node:fs/promises would cost these
// commands more to load (~1.5 ms) than the reads take.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConflictError, ExitCode, NotFoundError, S3kitError, UsageError } from "../errors.js";
import { parsePolicyText } from "../policy/parse.js";
import { sizeProblem } from "../policy/policy-size.js";
import type { NamedPolicy } from "../policy/types.js";

export interface PolicySource {
  /** The name the user gave (the path as typed, or "stdin"), used in findings and results. */
  name: string;
  text: string;
}

export interface ReadOptions {
  cwd: string;
  /** Reads standard input; called for the file name `-`. */
  readStdin: () => Promise<string>;
  /** Told about a policy larger than AWS accepts (it is still evaluated). */
  warn?: (message: string) => void;
}

function fsCode(err: unknown): string | undefined {
  return err && typeof err === "object" && "code" in err ? String(err.code) : undefined;
}

/** The text of a policy file; a missing file is NotFoundError (exit 3). */
export async function readPolicySource(
  file: string,
  options: ReadOptions,
  what = "Policy file",
): Promise<PolicySource> {
  if (file === "-") return { name: "stdin", text: await options.readStdin() };
  try {
    return { name: file, text: readFileSync(resolve(options.cwd, file), "utf8") };
  } catch (err) {
    switch (fsCode(err)) {
      case "ENOENT":
        throw new NotFoundError(
          `${what} "${file}" does not exist.`,
          "Check the path (it is relative to the current directory); use - to read standard input.",
          "FileNotFound",
        );
      case "EISDIR":
        throw new UsageError(`${what} "${file}" is a directory.`, "Give the path of a JSON file.");
      case "EACCES":
      case "EPERM":
        throw new UsageError(
          `${what} "${file}" cannot be read: permission denied.`,
          "Check the file's permissions.",
        );
      default:
        throw err;
    }
  }
}

/**
 * Reads and parses a policy document. Invalid JSON (with line and column), a document
 * without Statement, an action without service prefix or a malformed ARN are
 * PolicyInputError (exit 2).
 */
export async function readPolicyFile(
  file: string,
  options: ReadOptions,
  what = "Policy file",
): Promise<NamedPolicy> {
  const source = await readPolicySource(file, options, what);
  const { document } = parsePolicyText(source.text, source.name);
  const tooLarge = options.warn
    ? sizeProblem(source.text, what.startsWith("Bucket policy") ? "resource" : "identity")
    : undefined;
  if (tooLarge) options.warn?.(`${source.name}: ${tooLarge}`);
  return { name: source.name, document };
}

/**
 * Writes a policy (mode 0644). An existing file is kept unless `force`: ConflictError
 * (exit 5). Returns the absolute path.
 */
export async function writePolicyFile(
  file: string,
  text: string,
  options: { cwd: string; force: boolean },
): Promise<string> {
  const path = resolve(options.cwd, file);
  try {
    writeFileSync(path, text, { mode: 0o644, flag: options.force ? "w" : "wx" });
    chmodSync(path, 0o644);
  } catch (err) {
    const code = fsCode(err);
    if (code === "EEXIST") {
      throw new ConflictError(
        `"${file}" already exists; s3kit does not overwrite it.`,
        "Pass --force to replace it, or choose another --out path.",
        "FileExists",
      );
    }
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new UsageError(
        `Cannot write "${file}": its directory does not exist.`,
        "Create the directory first or choose another --out path.",
      );
    }
    if (code === "EISDIR") {
      throw new UsageError(`Cannot write "${file}": it is a directory.`, "Give a file path.");
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new S3kitError({
        code: "PermissionDenied",
        message: `Cannot write "${file}": permission denied.`,
        hint: "Choose a path you can write to.",
        exitCode: ExitCode.failure,
      });
    }
    throw err;
  }
  return path;
}
