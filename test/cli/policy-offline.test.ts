// The policy commands that need no AWS, through the built binary: a pipe from generate to
// lint, lint's exit code, and debug loading no SDK code. Their behaviour in detail is tested
// in-process (test/command/policy-*.test.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { runTracingLoads } from "../support/loaded-sources.js";

const dir = mkdtempSync(join(tmpdir(), "s3kit-policy-offline-"));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
}

const readWrite = file("read-write.json", {
  Version: "2012-10-17",
  Statement: [
    { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::app-uploads" },
    {
      Sid: "Objects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: "arn:aws:s3:::app-uploads/*",
    },
  ],
});

const putOnBucketOnly = file("put-on-bucket.json", {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::app-uploads" }],
});

describe("policy generate | policy lint", () => {
  it("a generated policy piped into lint on standard input has no findings (exit 0)", async () => {
    const generated = await runCli([
      "policy",
      "generate",
      "--bucket",
      "app-uploads",
      "--access",
      "read-write",
    ]);
    expect(generated.code).toBe(0);
    expect(generated.stderr).toBe("");
    const lint = await runCli(["policy", "lint", "--bucket", "app-uploads", "--strict", "-"], {
      input: generated.stdout,
    });
    expect(lint.stderr).toBe("✓ No findings in stdin.\n");
    expect(lint.code).toBe(0);
  });

  it("lint exits 6 on a finding, with the finding on stdout", async () => {
    const { code, stdout } = await runCli(["policy", "lint", putOnBucketOnly]);
    expect(code).toBe(6);
    expect(stdout).toContain("arn:aws:s3:::app-uploads/*");
  });
});

describe("policy debug needs no AWS", () => {
  it("works with no credentials and no network, and loads no SDK code", async () => {
    const { code, stdout, stderr, sources } = await runTracingLoads(
      [
        "policy",
        "debug",
        "--policy-file",
        readWrite,
        "--bucket",
        "app-uploads",
        "--expect",
        "allow",
      ],
      {
        env: {
          // Every way to reach AWS points nowhere: a call would fail, not hang.
          AWS_ENDPOINT_URL: "http://127.0.0.1:9",
          AWS_REGION: "eu-west-1",
          HTTPS_PROXY: "http://127.0.0.1:9",
          HTTP_PROXY: "http://127.0.0.1:9",
          AWS_CONFIG_FILE: join(dir, "no-config"),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
        },
      },
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("✓ s3:PutObject allowed");
    expect(sources).toContain("src/commands/policy/debug.ts");
    expect(
      sources.filter(
        (s) => s.includes("@aws-sdk/") || s.includes("@smithy/") || s.includes("src/aws/clients"),
      ),
    ).toEqual([]);
    // The common actions need no service metadata: the metadata package is not loaded.
    expect(sources.filter((s) => s.includes("iam-data"))).toEqual([]);
  });
});

// The host's time zone reaches only a real process (TZ is read by the process, not per run).
describe("dates without a zone mean UTC, whatever the process's TZ", () => {
  const until = file("until.json", {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "UntilNoon",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::team-reports/*",
        Condition: { DateLessThan: { "aws:CurrentTime": "2024-06-01T12:00:00" } },
      },
    ],
  });
  it.each(["UTC", "America/Los_Angeles", "Asia/Tokyo"])("mean UTC with TZ=%s", async (tz) => {
    const at = async (time: string) => {
      const { stdout } = await runCli(
        [
          "policy",
          "debug",
          "--policy-file",
          until,
          "--bucket",
          "team-reports",
          "--key",
          "q1.csv",
          "--action",
          "s3:GetObject",
          "--context",
          `aws:CurrentTime=${time}`,
          "--json",
        ],
        { env: { TZ: tz } },
      );
      return JSON.parse(stdout).results[0].decision;
    };
    expect(await at("2024-06-01T11:30:00Z")).toBe("allowed");
    expect(await at("2024-06-01T12:30:00Z")).toBe("implicit-deny");
  });
});
