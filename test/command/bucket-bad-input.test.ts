import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

// Bad input must be rejected before any API call: the endpoint here is a closed port,
// so a request would fail with exit 1 ("Could not reach"), never with exit 2.
const offline = {
  env: {
    AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "x",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL: "http://127.0.0.1:1",
  },
};

async function usage(args: string[]) {
  const result = await runInProcess(["bucket", ...args], offline);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).not.toContain("Could not reach");
  return result.stderr;
}

describe("bucket names are checked before any call", () => {
  const cases: [string, string][] = [
    ["My_Bucket", 'contains "M", "_", "B"; only lowercase letters, digits, dots and hyphens'],
    ["ab", "it has 2 characters; at least 3 are needed"],
    ["a".repeat(64), "it has 64 characters; at most 63 are allowed"],
    ["192.168.5.4", "must not look like an IP address"],
    ["xn--abc", "must not start with xn--"],
    ["sthree-x", "must not start with sthree-"],
    ["data-s3alias", "must not end with -s3alias"],
    ["data--ol-s3", "must not end with --ol-s3"],
    ["a..b", "must not contain two adjacent dots"],
    ["-abc", "must start with a lowercase letter or a digit"],
    ["abc-", "must end with a lowercase letter or a digit"],
  ];
  it.each(cases)("bucket create %s", async (name, message) => {
    const stderr = await usage(["create", "--", name]);
    expect(stderr).toContain(`Invalid bucket name "${name}"`);
    expect(stderr).toContain(message);
  });

  it.each([
    [["info", "My_Bucket"]],
    [["audit", "ab"]],
    [["delete", "--yes", "--", "xn--abc"]],
    [["cors", "get", "--", "-abc"]],
    [["cors", "set", "a..b", "--origin", "https://a.example.com"]],
  ])("bucket %j checks the name too", async (args) => {
    expect(await usage(args)).toContain("Invalid bucket name");
  });
});

describe("bucket create options are checked before any call", () => {
  it("an origin without a scheme", async () => {
    const stderr = await usage(["create", "my-app", "--cors-origin", "localhost:3000"]);
    expect(stderr).toContain(
      'CORS origin "localhost:3000" has no scheme (did you mean http://localhost:3000?)',
    );
  });

  it("an origin with a path", async () => {
    const stderr = await usage([
      "create",
      "my-app",
      "--cors-origin",
      "https://app.example.com/home",
    ]);
    expect(stderr).toContain("has a path");
  });

  it("an unknown storage class", async () => {
    const stderr = await usage(["create", "my-app", "--transition", "COLD:30"]);
    expect(stderr).toContain('Unknown storage class "COLD"');
    expect(stderr).toContain("STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE");
  });

  it.each([
    ["--expire-days", "0"],
    ["--expire-days", "-5"],
    ["--expire-days", "1.5"],
    ["--expire-days", "soon"],
  ])("non-positive or non-numeric days: %s %s", async (flag, value) => {
    const stderr = await usage(["create", "my-app", `${flag}=${value}`]);
    expect(stderr).toContain(
      `${flag} must be a whole number of days greater than 0, not "${value}"`,
    );
  });

  it("non-positive transition days and noncurrent days", async () => {
    expect(await usage(["create", "my-app", "--transition", "GLACIER:0"])).toContain(
      "--transition GLACIER must be a whole number of days greater than 0",
    );
    expect(
      await usage(["create", "my-app", "--versioning", "--noncurrent-expire-days", "0"]),
    ).toContain("--noncurrent-expire-days must be a whole number of days greater than 0");
  });

  it("--noncurrent-expire-days without --versioning", async () => {
    expect(await usage(["create", "my-app", "--noncurrent-expire-days", "30"])).toContain(
      "--noncurrent-expire-days needs --versioning",
    );
  });

  it("a CORS file that is not valid JSON, with line and column", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "s3kit-bad-cors-")), "cors.json");
    writeFileSync(
      file,
      '{\n  "CORSRules": [\n    {"AllowedOrigins": ["https://a.example.com"],}\n  ]\n}\n',
    );
    const stderr = await usage(["create", "my-app", "--cors-file", file]);
    expect(stderr).toContain(
      `${file}:3:50: invalid JSON: trailing comma before '}' (line 3, column 50)`,
    );
  });

  it("a CORS file with an unknown method", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "s3kit-bad-cors-")), "cors.json");
    writeFileSync(
      file,
      JSON.stringify([{ AllowedOrigins: ["https://a.example.com"], AllowedMethods: ["PATCH"] }]),
    );
    const stderr = await usage(["create", "my-app", "--cors-file", file]);
    expect(stderr).toContain(`${file}: rule 1: "PATCH" is not a CORS method S3 supports.`);
  });

  // s3kit resolves a relative path against the directory it was started in, not the one
  // the process happens to be in.
  it("a CORS file named relative to the working directory, for create and cors set", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "s3kit-cwd-"));
    writeFileSync(join(cwd, "cors.json"), '{"CORSRules": [}');
    for (const args of [
      ["bucket", "create", "my-app", "--cors-file", "cors.json"],
      ["bucket", "cors", "set", "my-app", "--file", "cors.json"],
    ]) {
      const { code, stderr } = await runInProcess(args, { ...offline, cwd });
      expect(code).toBe(2);
      expect(stderr).toContain("cors.json:1:16: invalid JSON");
    }
  });

  it("a CORS file that does not exist", async () => {
    expect(await usage(["create", "my-app", "--cors-file", "/nonexistent/cors.json"])).toContain(
      "Cannot read --cors-file /nonexistent/cors.json: no such file.",
    );
  });

  it("--public-read without --yes, saying objects become public", async () => {
    const stderr = await usage(["create", "my-app", "--public-read"]);
    expect(stderr).toContain(
      "--public-read makes every object in my-app readable by anyone on the internet, without credentials.",
    );
    expect(stderr).toContain("pass --yes");
  });

  it("a public prefix without a trailing slash", async () => {
    expect(
      await usage(["create", "my-app", "--public-read", "--public-prefix", "images", "--yes"]),
    ).toContain("End the prefix with a slash: --public-prefix images/");
  });

  it("a KMS key that is not a key, or is in another region", async () => {
    expect(await usage(["create", "my-app", "--kms-key", "my-key"])).toContain(
      '"my-key" is not a KMS key ARN, key id or alias.',
    );
    expect(
      await usage([
        "create",
        "my-app",
        "--kms-key",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      ]),
    ).toContain("is in eu-west-1, but the bucket is in us-east-1");
  });

  it("malformed tags, transitions and the access-log bucket", async () => {
    expect(await usage(["create", "my-app", "--tag", "novalue"])).toContain(
      '--tag "novalue" is not KEY=VALUE.',
    );
    expect(await usage(["create", "my-app", "--transition", "STANDARD_IA:10"])).toContain(
      "after 30 days at the earliest",
    );
    expect(await usage(["create", "my-app", "--access-log-bucket", "Logs_Bucket"])).toContain(
      '--access-log-bucket: Invalid bucket name "Logs_Bucket"',
    );
    expect(await usage(["create", "my-app", "--access-log-bucket", "my-app"])).toContain(
      "cannot write its access logs into itself",
    );
  });

  it("neither NAME nor --generate-name", async () => {
    expect(await usage(["create"])).toContain(
      "Give a bucket NAME or --generate-name --env E --project P.",
    );
  });

  it("--fail-on with an unknown level", async () => {
    expect(await usage(["audit", "my-app", "--fail-on", "critical"])).toContain(
      '--fail-on must be high, medium or low, not "critical".',
    );
  });

  it("cors set without origins or file, and with a bad origin", async () => {
    expect(await usage(["cors", "set", "my-app"])).toContain("Give --origin URL… or --file F.");
    expect(await usage(["cors", "set", "my-app", "--origin", "app.example.com"])).toContain(
      'CORS origin "app.example.com" has no scheme (did you mean https://app.example.com?)',
    );
  });
});

describe("bucket create --generate-name", () => {
  it("rejects NAME together with --generate-name, and a missing --env", async () => {
    const both = await runInProcess(
      [
        "bucket",
        "create",
        "--tls-policy",
        "my-name",
        "--generate-name",
        "--env",
        "dev",
        "--project",
        "x",
      ],
      offline,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("NAME and --generate-name exclude each other.");
    const missing = await runInProcess(
      ["bucket", "create", "--tls-policy", "--generate-name", "--project", "x"],
      offline,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--generate-name needs --env.");
  });
});
