// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCESS_LEVELS, s3ActionsOf } from "../../src/core/policy/access-levels.js";
import { ACCESS_LEVEL_NAMES } from "../../src/core/policy/templates.js";
import { runInProcess } from "../support/run-program.js";

const dir = mkdtempSync(join(tmpdir(), "s3kit-policy-lint-"));
const KMS = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}

function actionsOf(doc: { Statement: Statement[] }): string[] {
  return doc.Statement.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("s3:"));
}

describe("policy generate", () => {
  it.each(ACCESS_LEVEL_NAMES)(
    "prints the %s policy with exactly the level's actions",
    async (level) => {
      const { code, stdout, stderr } = await runInProcess([
        "policy",
        "generate",
        "--bucket",
        "app-uploads",
        "--access",
        level,
      ]);
      expect(code, stderr).toBe(0);
      const doc = JSON.parse(stdout);
      expect(doc.Version).toBe("2012-10-17");
      expect(actionsOf(doc).sort()).toEqual(s3ActionsOf(level).sort());
      const resources = doc.Statement.flatMap((s: Statement) => [s.Resource].flat());
      expect(resources.every((r: string) => r.startsWith("arn:aws:s3:::app-uploads"))).toBe(true);
    },
  );

  it("limits objects and listing to the prefixes", async () => {
    const { code, stdout, stderr } = await runInProcess([
      "policy",
      "generate",
      "--bucket",
      "app-uploads",
      "--access",
      "read",
      "--prefix",
      "uploads/",
      "reports/",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const list = doc.Statement.find((s: Statement) => [s.Action].flat().includes("s3:ListBucket"));
    expect(list.Condition).toEqual({ StringLike: { "s3:prefix": ["uploads/*", "reports/*"] } });
    const objects = doc.Statement.find((s: Statement) =>
      [s.Action].flat().includes("s3:GetObject"),
    );
    expect(objects.Resource).toEqual([
      "arn:aws:s3:::app-uploads/uploads/*",
      "arn:aws:s3:::app-uploads/reports/*",
    ]);
    expect(stderr).toContain("clients must send it");
  });

  it("gives each user a folder with --per-user-prefix and adds KMS with --kms-key", async () => {
    const { code, stdout } = await runInProcess([
      "policy",
      "generate",
      "--bucket",
      "app-uploads",
      "--access",
      "upload",
      "--per-user-prefix",
      "--kms-key",
      KMS,
      "--sid-prefix",
      "App",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.Statement).toEqual([
      {
        Sid: "AppUploadObjects",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: ["arn:aws:s3:::app-uploads/${aws:username}/*"],
      },
      {
        Sid: "AppKmsForSseKms",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: KMS,
      },
    ]);
  });

  it("prints the same document with --json", async () => {
    const args = ["policy", "generate", "--bucket", "app-uploads", "--access", "read-write"];
    const plain = await runInProcess(args);
    const json = await runInProcess([...args, "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(plain.stdout));
  });

  it("documents every level's actions in --help, from the same data", async () => {
    const { code, stdout } = await runInProcess(["policy", "generate", "--help"]);
    expect(code).toBe(0);
    const flat = stdout.replace(/\s+/g, " ");
    for (const level of ACCESS_LEVEL_NAMES) {
      const info = ACCESS_LEVELS[level];
      const section = flat
        .split(` ${level}: `)[1]
        ?.split(/ (read|upload|read-write|read-write-delete|admin): |Examples:/)[0];
      expect(section, level).toBeDefined();
      for (const action of [...s3ActionsOf(level), ...info.kmsActions]) {
        expect(section, `${level} lists ${action}`).toContain(action);
      }
    }
  });

  it("writes --out with mode 0644 and does not overwrite without --force", async () => {
    const out = join(dir, "generated.json");
    const args = [
      "policy",
      "generate",
      "--bucket",
      "app-uploads",
      "--access",
      "read",
      "--out",
      out,
    ];
    const first = await runInProcess(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toContain("Wrote the read policy");
    expect(statSync(out).mode & 0o777).toBe(0o644);
    expect(JSON.parse(readFileSync(out, "utf8")).Version).toBe("2012-10-17");

    writeFileSync(out, "keep me");
    const second = await runInProcess([...args.slice(0, 5), "upload", ...args.slice(6)]);
    expect(second.code).toBe(5);
    expect(second.stderr).toContain("already exists");
    expect(second.stderr).toContain("--force");
    expect(readFileSync(out, "utf8")).toBe("keep me");

    const forced = await runInProcess([...args, "--force", "--json"]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ out, policy: { Version: "2012-10-17" } });
    expect(JSON.parse(readFileSync(out, "utf8")).Statement.length).toBeGreaterThan(0);
    expect(statSync(out).mode & 0o777).toBe(0o644);
  });

  const bad: [string, string[], string][] = [
    [
      "an unknown level, listing the valid ones",
      ["--access", "write"],
      "read, upload, read-write, read-write-delete, admin",
    ],
    ["an invalid bucket name", ["--bucket", "App_Uploads"], 'Invalid bucket name "App_Uploads"'],
    ["a prefix with a leading /", ["--prefix", "/uploads/"], 'Prefix "/uploads/" starts with /'],
    ["a prefix with a wildcard", ["--prefix", "uploads/*"], "contains a wildcard"],
    [
      "--prefix with --per-user-prefix",
      ["--prefix", "a/", "--per-user-prefix"],
      "cannot be combined",
    ],
    ["a KMS alias instead of a key ARN", ["--kms-key", "alias/app"], "is not a KMS key ARN"],
  ];
  it.each(bad)("exits 2 for %s", async (_name, extra, message) => {
    const base = { "--bucket": "app-uploads", "--access": "read" } as Record<string, string>;
    const args = ["policy", "generate"];
    for (const [flag, value] of Object.entries(base)) {
      if (!extra.includes(flag)) args.push(flag, value);
    }
    const { code, stdout, stderr } = await runInProcess([...args, ...extra]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });

  it("exits 2 without --access", async () => {
    const { code, stderr } = await runInProcess(["policy", "generate", "--bucket", "app-uploads"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--access");
  });
});

describe("generated policies pass policy lint with no findings (generate, then lint from standard input)", () => {
  const variants: [string, string[]][] = [
    ["whole bucket", []],
    ["prefixes", ["--prefix", "uploads/", "reports/"]],
    ["per-user folders", ["--per-user-prefix"]],
    ["SSE-KMS", ["--kms-key", KMS]],
  ];
  const cases = ACCESS_LEVEL_NAMES.flatMap((level) =>
    variants.map(([name, extra]) => [level, name, extra] as const),
  );
  it.each(cases)("%s, %s", async (level, _name, extra) => {
    const generated = await runInProcess([
      "policy",
      "generate",
      "--bucket",
      "app-uploads",
      "--access",
      level,
      ...extra,
    ]);
    expect(generated.code).toBe(0);
    const lint = await runInProcess(
      ["policy", "lint", "--bucket", "app-uploads", "--strict", "--json", "-"],
      { input: generated.stdout },
    );
    expect(lint.code, lint.stdout).toBe(0);
    const report = JSON.parse(lint.stdout);
    expect(report.errors).toBe(0);
    expect(report.warnings).toBe(0);
    expect(report.files).toEqual([
      { file: "stdin", kind: "identity", kindGiven: false, findings: [] },
    ]);
  });
});

describe("policy lint", () => {
  const putOnBucketOnly = file(
    "put-on-bucket.json",
    `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Uploads",
      "Effect": "Allow",
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::app-uploads"
    }
  ]
}
`,
  );

  it("catches s3:PutObject on the bucket ARN only, with location, rule and fix (exit 6)", async () => {
    const { code, stdout, stderr } = await runInProcess(["policy", "lint", putOnBucketOnly]);
    expect(code).toBe(6);
    expect(stdout).toContain(`${putOnBucketOnly}:8:19: error: Statement[0].Resource:`);
    expect(stdout).toContain("s3:PutObject acts on objects");
    expect(stdout).toContain("[action-resource-mismatch]");
    expect(stdout).toContain('fix: Add "arn:aws:s3:::app-uploads/*" to Resource.');
    expect(stderr).toContain("1 error, 0 warnings in 1 file.");
  });

  it("gives the findings as data with --json", async () => {
    const { code, stdout } = await runInProcess(["policy", "lint", "--json", putOnBucketOnly]);
    expect(code).toBe(6);
    expect(JSON.parse(stdout)).toEqual({
      files: [
        {
          file: putOnBucketOnly,
          kind: "identity",
          kindGiven: false,
          findings: [
            {
              rule: "action-resource-mismatch",
              severity: "error",
              path: "Statement[0].Resource",
              line: 8,
              column: 19,
              message: expect.stringContaining("s3:PutObject acts on objects"),
              fix: 'Add "arn:aws:s3:::app-uploads/*" to Resource.',
            },
          ],
        },
      ],
      errors: 1,
      warnings: 0,
    });
  });

  const broad = file("broad.json", {
    Version: "2012-10-17",
    Statement: [{ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "*" }],
  });

  it("warns about s3:* and Resource * where a bucket is known; --strict makes warnings fail", async () => {
    const plain = await runInProcess([
      "policy",
      "lint",
      "--json",
      "--bucket",
      "app-uploads",
      broad,
    ]);
    expect(plain.code).toBe(0);
    const report = JSON.parse(plain.stdout);
    expect(report.warnings).toBe(2);
    expect(report.files[0].findings.map((f: { rule: string }) => f.rule).sort()).toEqual([
      "broad-action",
      "broad-resource",
    ]);
    const resource = report.files[0].findings.find(
      (f: { rule: string }) => f.rule === "broad-resource",
    );
    expect(resource.fix).toContain("arn:aws:s3:::app-uploads/*");
    const strict = await runInProcess([
      "policy",
      "lint",
      "--strict",
      "--bucket",
      "app-uploads",
      broad,
    ]);
    expect(strict.code).toBe(6);
    expect(strict.stdout).toContain("warning:");
  });

  it("flags a policy for another bucket with --bucket", async () => {
    const other = file("other-bucket.json", {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::prod-app-uploads/*" },
      ],
    });
    const { code, stdout } = await runInProcess([
      "policy",
      "lint",
      "--bucket",
      "dev-app-uploads",
      other,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('names bucket "prod-app-uploads", not "dev-app-uploads"');
    expect(stdout).toContain("[bucket-mismatch]");
  });

  it("detects a bucket policy by its Principal and flags an unconditional public Allow", async () => {
    const bucketPolicy = file("public.json", {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b1/*" },
      ],
    });
    const auto = await runInProcess(["policy", "lint", "--json", bucketPolicy]);
    expect(auto.code).toBe(6);
    const report = JSON.parse(auto.stdout);
    expect(report.files[0].kind).toBe("resource");
    expect(report.files[0].findings.map((f: { rule: string }) => f.rule)).toEqual([
      "public-principal",
    ]);
    const asIdentity = await runInProcess([
      "policy",
      "lint",
      "--json",
      "--kind",
      "identity",
      bucketPolicy,
    ]);
    expect(asIdentity.code).toBe(6);
    const r2 = JSON.parse(asIdentity.stdout);
    expect(r2.files[0]).toMatchObject({ kind: "identity", kindGiven: true });
    expect(r2.files[0].findings.map((f: { rule: string }) => f.rule)).toEqual([
      "principal-in-identity-policy",
    ]);
  });

  it("reports old Version, duplicate Sids, NotAction with Allow and unknown actions", async () => {
    const messy = file("messy.json", {
      Version: "2008-10-17",
      Statement: [
        { Sid: "A", Effect: "Allow", Action: "s3:GetObjekt", Resource: "arn:aws:s3:::b1/*" },
        { Sid: "A", Effect: "Allow", NotAction: "s3:DeleteObject", Resource: "arn:aws:s3:::b1/*" },
      ],
    });
    const { code, stdout } = await runInProcess(["policy", "lint", "--json", messy]);
    expect(code).toBe(6);
    const findings = JSON.parse(stdout).files[0].findings as { rule: string; fix: string }[];
    expect(findings.map((f) => f.rule).sort()).toEqual([
      "duplicate-sid",
      "not-action-with-allow",
      "old-version",
      "unknown-action",
    ]);
    expect(findings.find((f) => f.rule === "unknown-action")?.fix).toContain("s3:GetObject");
  });

  it("reports invalid JSON as a finding with line and column", async () => {
    const broken = file(
      "broken.json",
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",, }\n  ]\n}\n',
    );
    const { code, stdout } = await runInProcess(["policy", "lint", broken]);
    expect(code).toBe(6);
    expect(stdout).toContain(`${broken}:4:24: error:`);
    expect(stdout).toContain("[invalid-json]");
  });

  it("reads standard input for -", async () => {
    const { code, stdout, stderr } = await runInProcess(["policy", "lint", "-"], {
      input: readFileSync(putOnBucketOnly, "utf8"),
    });
    expect(code).toBe(6);
    expect(stdout).toContain("stdin:8:19: error:");
    expect(stderr).toContain("1 error");
  });

  it("lints several files and says when they are clean", async () => {
    const clean = file("clean.json", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b1/*" }],
    });
    const one = await runInProcess(["policy", "lint", clean]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe("");
    expect(one.stderr).toContain(`No findings in ${clean}.`);
    const two = await runInProcess(["policy", "lint", "--json", clean, putOnBucketOnly]);
    expect(two.code).toBe(6);
    expect(JSON.parse(two.stdout).files.map((f: { file: string }) => f.file)).toEqual([
      clean,
      putOnBucketOnly,
    ]);
  });

  it("exits 3 for a file that does not exist, 2 for a bad --kind", async () => {
    const missing = await runInProcess(["policy", "lint", join(dir, "nope.json")]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("does not exist");
    const kind = await runInProcess(["policy", "lint", "--kind", "bucket", putOnBucketOnly]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("identity, resource");
  });
});
