import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../../scripts/servers.mjs";
import { cleanEnv } from "../support/cli.js";

// `s3kit … --help | head` is how long help gets read: the reader leaving early is not an
// error. `true` leaves before reading anything, so every write of the help meets EPIPE.
describe("help into a pipe whose reader leaves", () => {
  it.each(["iam add-dev", "sync", ""])("s3kit %s --help | true: a clean stderr", (path) => {
    const bin = join(root, "bin", "s3kit");
    const result = spawnSync(
      "bash",
      ["-c", `"${process.execPath}" "${bin}" ${path} --help | true; exit "\${PIPESTATUS[0]}"`],
      { encoding: "utf8", env: cleanEnv() as NodeJS.ProcessEnv },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
