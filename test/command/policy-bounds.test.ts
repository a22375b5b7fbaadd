// Every policy input is bounded: a policy of thousands of statements is read in linear
// time, JSON nested thousands deep is a clear usage error (exit 2) for every command
// that reads a policy, and a policy over AWS's size limits is flagged before AWS
// rejects it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

const dir = mkdtempSync(join(tmpdir(), "s3kit-policy-bounds-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function statements(n: number): object[] {
  return Array.from({ length: n }, (_, i) => ({
    Sid: `S${i}`,
    Effect: "Allow",
    Action: ["s3:GetObject", "s3:PutObject"],
    Resource: [`arn:aws:s3:::app-uploads/p${i}/*`],
  }));
}

const huge = file(
  "huge.json",
  JSON.stringify({ Version: "2012-10-17", Statement: statements(16_000) }, null, 2),
);
// 5,000 arrays inside the first statement's Resource: valid JSON, never a policy.
const deep = file(
  "deep.json",
  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":${"[".repeat(5000)}"x"${"]".repeat(5000)}}]}`,
);

describe("a policy of 16,000 statements", () => {
  // Before: 188 s for lint, as long for debug (every value's line was counted from the start).
  it("is linted and debugged in linear time", async () => {
    let started = performance.now();
    const lint = await runInProcess(["policy", "lint", huge, "--bucket", "app-uploads", "--json"]);
    const lintMs = performance.now() - started;
    expect(lint.code, lint.stderr).toBe(0);
    const report = JSON.parse(lint.stdout);
    expect(report.files[0].findings.map((f: { rule: string }) => f.rule)).toEqual([
      "policy-too-large",
    ]);
    started = performance.now();
    const debug = await runInProcess([
      "policy",
      "debug",
      "--policy-file",
      huge,
      "--bucket",
      "app-uploads",
      "--key",
      "p15999/a.txt",
      "--action",
      "s3:GetObject",
      "--json",
    ]);
    const debugMs = performance.now() - started;
    expect(debug.code, debug.stderr).toBe(0);
    expect(JSON.parse(debug.stdout).results[0]).toMatchObject({ decision: "allowed" });
    // The target is 2 s on a quiet machine (bench/policy-large.mjs); the bound here leaves
    // room for a busy test machine and still fails a quadratic parser by far.
    expect(lintMs).toBeLessThan(10_000);
    expect(debugMs).toBeLessThan(10_000);
  });
});

describe("JSON nested 5,000 deep", () => {
  const cases: [string, string[], string | undefined][] = [
    ["policy lint FILE", ["policy", "lint", deep], undefined],
    ["policy lint - (stdin)", ["policy", "lint", "-"], "stdin"],
    [
      "policy debug --policy-file",
      ["policy", "debug", "--policy-file", deep, "--bucket", "app-uploads"],
      undefined,
    ],
    [
      "policy debug --bucket-policy-file",
      [
        "policy",
        "debug",
        "--policy-file",
        "-",
        "--bucket-policy-file",
        deep,
        "--bucket",
        "app-uploads",
      ],
      "valid",
    ],
    [
      "policy fix --policy-file -",
      ["policy", "fix", "--policy-file", "-", "--bucket", "app-uploads"],
      "stdin",
    ],
  ];
  const valid = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::app-uploads/*" },
    ],
  });

  it.each(cases)("%s: exit 2, nested too deeply", async (_name, args, input) => {
    const stdin =
      input === "stdin"
        ? `{"Version":"2012-10-17","Statement":${"[".repeat(5000)}${"]".repeat(5000)}}`
        : input === "valid"
          ? valid
          : undefined;
    const plain = await runInProcess(args, stdin !== undefined ? { input: stdin } : {});
    expect(plain.code, plain.stderr).toBe(2);
    expect(plain.stderr).toContain("nested too deeply");
    expect(plain.stderr).not.toMatch(/call stack|bug in s3kit/i);
    expect(plain.stdout).toBe("");
    const json = await runInProcess(
      [...args, "--json"],
      stdin !== undefined ? { input: stdin } : {},
    );
    expect(json.code).toBe(2);
    expect(json.stdout).toBe("");
    const error = JSON.parse(json.stderr).error;
    expect(error.message).toContain("nested too deeply");
  });
});

describe("AWS's policy size limits", () => {
  const sized = (n: number) =>
    JSON.stringify({ Version: "2012-10-17", Statement: statements(n) }, null, 2);

  it("warns when an identity policy is over the inline (2,048) or managed (6,144) limit, not counting whitespace", async () => {
    // 20 statements: 2,378 characters without whitespace, 4,050 with the indentation.
    const medium = file("medium.json", sized(20));
    const { code, stdout } = await runInProcess(["policy", "lint", medium, "--json"]);
    expect(code).toBe(0);
    const findings = JSON.parse(stdout).files[0].findings;
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "policy-too-large",
        severity: "warning",
        message: expect.stringMatching(
          /characters without whitespace.*inline policies of a user \(2,048\)/,
        ),
      }),
    ]);
    const big = file("big.json", sized(60));
    const over = await runInProcess(["policy", "lint", big, "--strict"]);
    expect(over.code).toBe(6);
    expect(over.stdout).toMatch(/a managed policy \(6,144\)/);
    // Whitespace does not count: 17 statements are 2,024 characters without it, 3,447 with.
    const small = file("small.json", sized(17));
    const clean = await runInProcess(["policy", "lint", small, "--strict"]);
    expect(clean.code, clean.stdout).toBe(0);
    // policy debug evaluates it, and says on stderr that IAM would not take it.
    const debug = await runInProcess([
      "policy",
      "debug",
      "--policy-file",
      big,
      "--bucket",
      "app-uploads",
      "--key",
      "p1/a.txt",
      "--action",
      "s3:GetObject",
    ]);
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain("s3:GetObject allowed");
    expect(debug.stderr).toMatch(/big\.json: The policy has 7,098 characters without whitespace/);
  });

  it("warns when a bucket policy is over 20 KB", async () => {
    const statementsWithPrincipal = Array.from({ length: 150 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::123456789012:user/user-${i}` },
      Action: ["s3:GetObject"],
      Resource: [`arn:aws:s3:::app-uploads/p${i}/*`],
    }));
    const bucketPolicy = file(
      "bucket-policy.json",
      JSON.stringify({ Version: "2012-10-17", Statement: statementsWithPrincipal }),
    );
    const { code, stdout } = await runInProcess(["policy", "lint", bucketPolicy]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/bucket policy.*20 KB/);
  });
});
