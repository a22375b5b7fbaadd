import { describe, expect, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { runInProcess } from "../support/run-program.js";

// Nothing listens on the endpoint: a call would fail with exit 1, never exit 2.
const offline = { env: localEnv("http://127.0.0.1:1") };

describe("init from flags", () => {
  it("--emit prints a template with the bucket and every developer", async () => {
    const { code, stdout } = await runInProcess(
      [
        "init",
        "--bucket",
        "emit-init-bucket",
        "--dev",
        "alice:read-write",
        "--dev",
        "bob:read",
        "--emit",
        "cloudformation",
      ],
      offline,
    );
    expect(code).toBe(0);
    const types = Object.values(
      JSON.parse(stdout).Resources as Record<string, { Type: string }>,
    ).map((r) => r.Type);
    expect(types.filter((t) => t === "AWS::IAM::User")).toHaveLength(2);
    expect(types).toContain("AWS::S3::Bucket");
  });

  it.each([
    [["--dev", "alice"], "is not NAME:LEVEL[:PREFIX]"],
    [["--dev", "alice:write"], "write"],
    [["--bucket", "Bad_Name"], "Invalid bucket name"],
    [["--bucket", "ok-name-1", "--cors-origin", "localhost:3000"], "localhost:3000"],
  ])("rejects %j with exit 2 before any call", async (extra, message) => {
    // An option given twice with different values is refused on its own: --bucket once.
    const base = extra.includes("--bucket") ? [] : ["--bucket", "ok-name-0"];
    const { code, stderr } = await runInProcess(["init", "--yes", ...base, ...extra], offline);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
