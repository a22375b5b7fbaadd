import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

// What the scripts complete is tested in a real shell against the built binary
// (test/cli/completion.test.ts).
describe("s3kit completion", () => {
  it("prints a script for each shell", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const { code, stdout } = await runInProcess(["completion", shell]);
      expect(code).toBe(0);
      expect(stdout).toContain("__complete");
    }
  });
});
