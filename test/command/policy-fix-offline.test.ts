// `policy fix` with policy files: no AWS call, so it runs in-process.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("policy fix offline", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-fix-"));
  const file = join(dir, "policy.json");
  writeFileSync(
    file,
    doc({
      Sid: "Uploads",
      Effect: "Allow",
      Action: ["s3:PutObject"],
      Resource: "arn:aws:s3:::app-uploads",
    }),
  );

  it("prints the diff and the fixed policy as data, without any AWS call", async () => {
    const { code, stdout } = await runInProcess([
      "policy",
      "fix",
      "--policy-file",
      file,
      "--action",
      "s3:PutObject",
      "--json",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ mode: "offline", complete: true });
    expect(report.after.Statement[0].Resource).toEqual([
      "arn:aws:s3:::app-uploads",
      "arn:aws:s3:::app-uploads/*",
    ]);
    expect(report.results).toEqual([
      expect.objectContaining({
        action: "s3:PutObject",
        before: "implicit-deny",
        after: "allowed",
      }),
    ]);
  });

  it("scopes the fix: --scope, --prefix and their bad uses", async () => {
    const grant = join(dir, "grant.json");
    writeFileSync(
      grant,
      doc(
        {
          Sid: "List",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::app-uploads",
          Condition: { StringLike: { "s3:prefix": ["uploads/*"] } },
        },
        {
          Sid: "Objects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: "arn:aws:s3:::app-uploads/uploads/*",
        },
      ),
    );
    const fine = await runInProcess([
      "policy",
      "fix",
      "--policy-file",
      grant,
      "--action",
      "s3:GetObject",
    ]);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain("Every action is allowed already: nothing to change.");

    const all = await runInProcess(["policy", "fix", "--policy-file", grant, "--json"]);
    const report = JSON.parse(all.stdout);
    expect(report.results.map((r: { resource: string }) => r.resource)).toContain(
      "arn:aws:s3:::app-uploads/uploads/example-key",
    );
    expect(report.grants).toEqual([
      { action: "s3:DeleteObject", resource: "arn:aws:s3:::app-uploads/uploads/*" },
    ]);
    expect(report.scope[0]).toContain('Scope: prefix "uploads/" of app-uploads (no --key given;');

    for (const [args, message] of [
      [["--prefix", "uploads/*"], "contains a wildcard"],
      [["--prefix", "/uploads/"], "starts with /"],
      [["--prefix", "uploads/", "--scope", "key"], "--prefix goes with --scope prefix"],
      [["--scope", "key"], "--scope key needs the key"],
      [["--scope", "everything"], "everything"],
    ] as const) {
      const bad = await runInProcess(["policy", "fix", "--policy-file", file, ...args]);
      expect(bad.code, `${args.join(" ")}: ${bad.stderr}`).toBe(2);
      expect(bad.stderr).toContain(message);
    }
    const outside = await runInProcess([
      "policy",
      "fix",
      "--policy-file",
      grant,
      "--action",
      "s3:DeleteObject",
      "--key",
      "private/a.txt",
      "--prefix",
      "uploads/",
      "--json",
    ]);
    expect(outside.code).toBe(5);
    expect(outside.stdout).toBe("");
    expect(JSON.parse(outside.stderr).error).toMatchObject({ code: "FixOutsideScope" });
    // Online, the flags alone decide it: no credentials, no endpoint, no call.
    const online = await runInProcess(
      [
        "policy",
        "fix",
        "--user",
        "alice",
        "--bucket",
        "app-uploads",
        "--key",
        "private/a.txt",
        "--prefix",
        "uploads/",
        "--apply",
      ],
      { env: { AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_REGION: "us-east-1" } },
    );
    expect(online.code).toBe(5);
    expect(online.stderr).toContain('"private/a.txt" lies outside --prefix "uploads/"');
  });

  it("refuses --apply and --user offline (exit 2)", async () => {
    const apply = await runInProcess(["policy", "fix", "--policy-file", file, "--apply"]);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain("--apply is for online fixes");
    const badName = await runInProcess([
      "policy",
      "fix",
      "--policy-file",
      file,
      "--new-policy",
      "has space",
    ]);
    expect(badName.code).toBe(2);
  });
});
