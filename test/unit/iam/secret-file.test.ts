import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode, UsageError } from "../../../src/core/errors.js";
import {
  checkSecretFileTarget,
  FileWriteError,
  writeSecretFile,
} from "../../../src/core/iam/secret-file.js";

const errno = (code: string, message = `${code}: something, open '/x/y'`) =>
  Object.assign(new Error(message), { code });

describe("file errors in words", () => {
  it.each([
    ["EROFS", "the file system is read-only", ExitCode.failure],
    ["ENOSPC", "no space left on the disk", ExitCode.failure],
    ["EDQUOT", "the disk quota is used up", ExitCode.failure],
    ["EACCES", "permission denied", ExitCode.failure],
    ["EPERM", "the operation is not permitted", ExitCode.failure],
    ["EIO", "the disk reported an input/output error", ExitCode.failure],
    ["EISDIR", "it is a directory", ExitCode.usage],
    ["ENOTDIR", "a part of the path is not a directory", ExitCode.usage],
    ["ENAMETOOLONG", "the name is too long", ExitCode.usage],
  ])("%s: %s (exit %i)", (code, reason, exitCode) => {
    const err = new FileWriteError("/app/.env", errno(code));
    expect(err.message).toBe(`Cannot write /app/.env: ${reason}.`);
    expect(err.reason).toBe(reason);
    expect(err.exitCode).toBe(exitCode);
    expect(err.message).not.toContain(code);
    expect(err.hint).toBeTruthy();
  });

  it("an unknown error keeps the system's words, without the errno and the call", () => {
    const err = new FileWriteError(
      "/app/.env",
      errno("EXDEV", "EXDEV: cross-device link not permitted, rename '/a' -> '/b'"),
    );
    expect(err.message).toBe("Cannot write /app/.env: cross-device link not permitted.");
    expect(err.exitCode).toBe(ExitCode.failure);
  });
});

describe("writeSecretFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-secret-"));

  it("replaces the file in one step, mode 0600, leaving no temporary file", () => {
    const path = join(dir, "a.env");
    writeFileSync(path, "OLD=1\n", { mode: 0o644 });
    writeSecretFile(path, "NEW=2\n");
    expect(readFileSync(path, "utf8")).toBe("NEW=2\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["a.env"]);
  });

  it("writes through a symbolic link: the link stays, its target gets the secret", () => {
    const real = join(dir, "real.env");
    const link = join(dir, "link.env");
    writeFileSync(real, "A=1\n");
    symlinkSync(real, link);
    writeSecretFile(link, "B=2\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe("B=2\n");
  });

  it("a failure leaves the old file as it was and says why in words", () => {
    const path = join(dir, "missing-folder", "x.env");
    const err = (() => {
      try {
        writeSecretFile(path, "X=1\n");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FileWriteError);
    expect((err as FileWriteError).message).toBe(
      `Cannot write ${path}: its folder does not exist.`,
    );
  });
});

describe("checkSecretFileTarget", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-target-"));

  it("accepts a new file in an existing folder, and an existing file, leaving nothing behind", () => {
    writeFileSync(join(dir, "there.env"), "A=1\n");
    expect(() => checkSecretFileTarget(join(dir, "new.env"))).not.toThrow();
    expect(() => checkSecretFileTarget(join(dir, "there.env"))).not.toThrow();
    expect(readdirSync(dir)).toEqual(["there.env"]);
  });

  it("a directory, a device, a path under a file and a missing folder are usage errors", () => {
    const folder = join(dir, "folder");
    mkdirSync(folder);
    const file = join(dir, "file");
    writeFileSync(file, "");
    const cases: [string, string][] = [
      [folder, `--out ${folder} is a directory.`],
      ["/dev/null", "--out /dev/null is not a regular file."],
      [join(file, "x.env"), `Cannot write ${join(file, "x.env")}: ${file} is not a directory.`],
      [join(dir, "nope", "x.env"), `the folder ${join(dir, "nope")} does not exist.`],
    ];
    for (const [path, message] of cases) {
      let thrown: unknown;
      try {
        checkSecretFileTarget(path);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, path).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toContain(message);
    }
  });
});
