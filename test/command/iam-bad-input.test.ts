import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

describe("iam add-dev rejects bad input before any call (exit 2)", () => {
  // A closed port: any API call would fail with exit 1 instead.
  const offline = (args: string[]) =>
    runInProcess(["--endpoint-url", "http://127.0.0.1:1", ...args], {
      env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" },
    });

  it.each([
    [["bad name"], 'Invalid IAM user name "bad name"'],
    [["a".repeat(65)], "has 65 characters; at most 64"],
    [["ok", "--access", "owner"], 'Unknown access level "owner"'],
    [["ok", "--prefix", "/uploads/"], 'Prefix "/uploads/" starts with /'],
    [["ok", "--prefix", "uploads/*"], "contains a wildcard"],
    [["ok", "--format", "yaml"], 'Unknown --format "yaml"'],
    [["ok", "--env-style", "rails"], 'Unknown --env-style "rails"'],
    [["ok", "--attach", "role"], 'Unknown --attach "role"'],
  ])("%j", async (extra, message) => {
    const [name, ...rest] = extra as [string, ...string[]];
    // An option given twice with different values is refused on its own: --access once.
    const access = rest.includes("--access") ? [] : ["--access", "read"];
    const args = ["iam", "add-dev", name, "--bucket", "my-bucket", ...access, ...rest];
    const { code, stderr } = await offline(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("lists the valid access levels", async () => {
    const { stderr } = await offline(["iam", "add-dev", "ok", "--bucket", "b-1", "--access", "x"]);
    expect(stderr).toContain("Use one of: read, upload, read-write, read-write-delete, admin.");
  });
});

describe("iam audit", () => {
  it("rejects unknown --fail-on values and bad day counts (exit 2)", async () => {
    const a = await runInProcess(["iam", "audit", "--fail-on", "critical"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('Unknown --fail-on value "critical"');
    const b = await runInProcess(["iam", "audit", "--max-key-age", "soon"]);
    expect(b.code).toBe(2);
  });
});

describe("iam add-role", () => {
  it.each([
    [["--trust", "ec3"], 'Unknown --trust "ec3"'],
    [["--trust", "account:123"], 'Unknown --trust "account:123"'],
  ])("rejects %j before any call (exit 2)", async (extra, message) => {
    const { code, stderr } = await runInProcess([
      "--endpoint-url",
      "http://127.0.0.1:1",
      "iam",
      "add-role",
      "r",
      "--bucket",
      "b-1",
      "--access",
      "read",
      ...extra,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
