// Small file systems of their own, for what chmod cannot show when tests run as root: a
// folder that is really read-only (EROFS) and a disk that is really full (ENOSPC).
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SmallDisk {
  dir: string;
  /** Fills every free byte (a file `.filler`). */
  fill(): void;
  /** Frees what fill() took. */
  free(): void;
  /** Makes the file system read-only, as a remount would on a failing disk. */
  readOnly(): void;
  unmount(): void;
}

/**
 * A tmpfs of `sizeKiB` at a new temporary folder, or why there cannot be one here
 * (mounting needs root or CAP_SYS_ADMIN): tests then skip with that reason.
 */
export function mountSmallDisk(sizeKiB: number): SmallDisk | { unavailable: string } {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKiB}k,mode=0755`, "tmpfs", dir], {
      stdio: "pipe",
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { unavailable: `cannot mount a tmpfs here (${stderr || (err as Error).message})` };
  }
  const filler = join(dir, ".filler");
  return {
    dir,
    fill() {
      const block = Buffer.alloc(4096, 1);
      for (;;) {
        try {
          appendFileSync(filler, block);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOSPC") return;
          throw err;
        }
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    readOnly() {
      execFileSync("mount", ["-o", "remount,ro", dir], { stdio: "pipe" });
    },
    unmount() {
      try {
        execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
