// The offline use-cases of `policy debug`, `policy fix` and `policy lint`: policies from
// files, what is checked first, and the bucket taken from the policies.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runOfflineDebug } from "../../../src/core/access/debug-offline.js";
import { runOfflineFix } from "../../../src/core/access/fix-offline.js";
import { lintFailed, lintPolicyFiles } from "../../../src/core/access/lint.js";
import { resolveDebugMode, resolveFixMode } from "../../../src/core/access/mode.js";
import { ExitCode } from "../../../src/core/errors.js";

const cwd = mkdtempSync(join(tmpdir(), "s3kit-access-offline-"));
const write = (name: string, document: unknown) =>
  writeFileSync(join(cwd, name), JSON.stringify(document));
const noStdin = () => Promise.reject(new Error("standard input is not read here"));
const io = { cwd, readStdin: noStdin };

write("read.json", {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::app-uploads" },
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::app-uploads/*" },
  ],
});
write("two-buckets.json", {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::app-uploads/*" },
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::app-reports/*" },
  ],
});

function offlineDebug(flags: Parameters<typeof resolveDebugMode>[0]) {
  const plan = resolveDebugMode(flags, {});
  if (plan.mode !== "offline") throw new Error("expected offline");
  return plan;
}

function offlineFix(flags: Parameters<typeof resolveFixMode>[0]) {
  const plan = resolveFixMode(flags);
  if (plan.mode !== "offline") throw new Error("expected offline");
  return plan;
}

describe("runOfflineDebug", () => {
  it("checks the one bucket the policies name, and says so first", async () => {
    const told: string[] = [];
    const report = await runOfflineDebug(offlineDebug({ policyFile: ["read.json"] }), {
      ...io,
      explainStatements: false,
      bucketFromPolicies: (bucket) => told.push(bucket),
    });
    expect(told).toEqual(["app-uploads"]);
    expect(report.mode).toBe("offline");
    expect(report.results.map((r) => [r.action, r.decision])).toEqual([
      ["s3:ListBucket", "allowed"],
      ["s3:GetObject", "allowed"],
      ["s3:PutObject", "implicit-deny"],
      ["s3:DeleteObject", "implicit-deny"],
    ]);
    expect(report.results.every((r) => r.statements.length === 0)).toBe(true);
  });

  it("asks which bucket when the policies name several", async () => {
    await expect(
      runOfflineDebug(offlineDebug({ policyFile: ["two-buckets.json"] }), {
        ...io,
        explainStatements: true,
      }),
    ).rejects.toMatchObject({
      exitCode: ExitCode.usage,
      message:
        "The policies name 2 buckets (app-reports, app-uploads): say which one with --bucket.",
    });
  });

  it("reports a bad action before reading a file when the target is given", async () => {
    await expect(
      runOfflineDebug(
        offlineDebug({
          policyFile: ["missing.json"],
          bucket: "app-uploads",
          action: ["s3:GetBucketWebsit"],
        }),
        { ...io, explainStatements: true },
      ),
    ).rejects.toMatchObject({ exitCode: ExitCode.usage });
    await expect(
      runOfflineDebug(offlineDebug({ policyFile: ["missing.json"], bucket: "app-uploads" }), {
        ...io,
        explainStatements: true,
      }),
    ).rejects.toMatchObject({ exitCode: ExitCode.notFound });
  });

  it("explains every statement when asked, and checks --expect", async () => {
    const report = await runOfflineDebug(
      offlineDebug({
        policyFile: ["read.json"],
        bucket: "app-uploads",
        action: ["s3:GetObject"],
        expect: "allow",
      }),
      { ...io, explainStatements: true },
    );
    expect(report.expectationMet).toBe(true);
    expect(report.results[0]?.statements).toHaveLength(2);
  });
});

describe("runOfflineFix", () => {
  it("fixes the policy the files hold, for the bucket they name", async () => {
    const report = await runOfflineFix(
      offlineFix({ policyFile: ["read.json"], action: ["s3:PutObject"], key: "a/b.txt" }),
      io,
    );
    expect(report.mode).toBe("offline");
    expect(report.policy).toBe("read.json");
    expect(report.complete).toBe(true);
    expect(report.results).toEqual([
      {
        action: "s3:PutObject",
        resource: expect.stringMatching(/^arn:aws:s3:::app-uploads\//),
        before: "implicit-deny",
        after: "allowed",
      },
    ]);
    expect(JSON.stringify(report.after)).toContain("s3:PutObject");
  });

  it("asks for a bucket when the policies name none", async () => {
    write("no-bucket.json", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }],
    });
    await expect(
      runOfflineFix(offlineFix({ policyFile: ["no-bucket.json"] }), io),
    ).rejects.toMatchObject({
      exitCode: ExitCode.usage,
      message: "No bucket to fix access to: give --bucket B or --resource ARN.",
    });
  });
});

describe("lintPolicyFiles", () => {
  it("lints each file and counts the findings", async () => {
    const report = await lintPolicyFiles(["read.json"], { bucket: "app-uploads" }, io);
    expect(report.files.map((f) => [f.file, f.kind])).toEqual([["read.json", "identity"]]);
    expect(lintFailed(report, true)).toBe(report.errors + report.warnings > 0);
  });

  it("refuses a bad --bucket and standard input twice before reading any file", async () => {
    await expect(
      lintPolicyFiles(["missing.json"], { bucket: "Bad_Bucket" }, io),
    ).rejects.toMatchObject({ exitCode: ExitCode.usage });
    await expect(lintPolicyFiles(["missing.json", "-", "-"], {}, io)).rejects.toMatchObject({
      exitCode: ExitCode.usage,
      message: "Standard input (-) can be given only once.",
    });
    await expect(lintPolicyFiles(["missing.json"], {}, io)).rejects.toMatchObject({
      exitCode: ExitCode.notFound,
    });
  });
});

describe("lintFailed", () => {
  const report = (errors: number, warnings: number) => ({ files: [], errors, warnings });
  it("fails on errors, and on warnings with --strict", () => {
    expect(lintFailed(report(0, 0), true)).toBe(false);
    expect(lintFailed(report(0, 2), false)).toBe(false);
    expect(lintFailed(report(0, 2), true)).toBe(true);
    expect(lintFailed(report(1, 0), false)).toBe(true);
  });
});
