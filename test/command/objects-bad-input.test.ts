import { describe, expect, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { runInProcess } from "../support/run-program.js";

// An endpoint nobody listens on: a request would fail with exit 1 after retries, so exit 2
// (at once) proves nothing was sent.
describe("keys over S3's 1,024 bytes are refused before any request", () => {
  const offline = localEnv("http://127.0.0.1:9");
  const long = "k".repeat(1025);
  const wide = "é".repeat(513); // 1,026 bytes in 513 characters
  it.each([
    [["stat", `s3://my-bucket/${long}`]],
    [["exists", `s3://my-bucket/${wide}`]],
    [["rm", `s3://my-bucket/${long}`]],
    [["rm", `s3://my-bucket/${long}/`, "--recursive", "--yes"]],
    [["ls", `s3://my-bucket/${wide}`]],
    [["cp", `s3://my-bucket/${long}`, "out.bin"]],
    [["cp", "package.json", `s3://my-bucket/${wide}`]],
    [["cp", "package.json", `s3://my-bucket/${"d/".repeat(512)}`]],
    [["cp", `s3://my-bucket/a`, `s3://my-bucket/${long}`]],
  ])("%j", async (args) => {
    const started = Date.now();
    const { code, stdout, stderr } = await runInProcess([...args, "--json"], { env: offline });
    expect(JSON.parse(stderr).error).toMatchObject({
      code: "InvalidKey",
      message: expect.stringMatching(/longer than S3's limit of 1024 bytes/),
    });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("stat and exists", () => {
  const offline = localEnv("http://127.0.0.1:9");
  it("exists needs a key, and a valid location (exit 2)", async () => {
    const bare = await runInProcess(["exists", "s3://my-bucket"], { env: offline });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("names a bucket but no object key");
    const bad = await runInProcess(["exists", "not-a-location"], { env: offline });
    expect(bad.code).toBe(2);
  });
});

// Buckets created in us-east-1 before March 2018 may have capitals and underscores; the
// object commands take such names (test/cli/objects.test.ts), bucket create does not.
describe("a legacy bucket name (us-east-1)", () => {
  it("is still refused by bucket create, which applies today's rules", async () => {
    const { code, stderr } = await runInProcess(["bucket", "create", "New_Legacy_Name"], {
      env: localEnv("http://127.0.0.1:9"),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid bucket name "New_Legacy_Name"');
  });
});
