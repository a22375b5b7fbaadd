import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import {
  assertExistingBucketName,
  assertValidBucketName,
  bucketNameProblem,
  bucketNameProblems,
} from "../../../src/core/s3/bucket-names.js";

describe("valid bucket names", () => {
  it.each([
    "abc",
    "my-app-uploads",
    "a".repeat(63),
    "logs.example.com",
    "123",
    "1-2-3",
    "dev-shop-x7k2p9",
    "xn-abc",
    "s3alias",
    "amzn-s3-demo",
    "a.b.c",
  ])("%s", (name) => {
    expect(bucketNameProblems(name)).toEqual([]);
    expect(() => assertValidBucketName(name)).not.toThrow();
  });
});

describe("invalid bucket names", () => {
  const cases: [string, string, RegExp][] = [
    [
      "My_Bucket",
      "characters",
      /"M", "_", "B"; only lowercase letters, digits, dots and hyphens are allowed \(no capitals\)/,
    ],
    ["ab", "length", /it has 2 characters; at least 3 are needed/],
    ["a".repeat(64), "length", /it has 64 characters; at most 63 are allowed/],
    ["192.168.5.4", "ip-address", /must not look like an IP address/],
    ["xn--abc", "reserved-prefix", /must not start with xn--/],
    ["sthree-x", "reserved-prefix", /must not start with sthree-/],
    ["sthree-configurator", "reserved-prefix", /sthree-/],
    ["amzn-s3-demo-bucket", "reserved-prefix", /amzn-s3-demo-/],
    ["data-s3alias", "reserved-suffix", /must not end with -s3alias/],
    ["data--ol-s3", "reserved-suffix", /must not end with --ol-s3/],
    ["data.mrap", "reserved-suffix", /\.mrap/],
    ["data--x-s3", "reserved-suffix", /--x-s3/],
    ["data--table-s3", "reserved-suffix", /--table-s3/],
    ["a..b", "adjacent-dots", /two adjacent dots/],
    ["-abc", "start", /must start with a lowercase letter or a digit/],
    ["abc-", "end", /must end with a lowercase letter or a digit/],
    [".abc", "start", /start/],
    ["abc.", "end", /end/],
    ["", "length", /0 characters/],
    ["my bucket", "characters", /" "/],
    ["bücket", "characters", /"ü"/],
  ];
  it.each(cases)("%s breaks %s", (name, rule, message) => {
    const problems = bucketNameProblems(name);
    expect(problems.map((p) => p.rule)).toContain(rule);
    expect(() => assertValidBucketName(name)).toThrow(message);
  });

  it("is a usage error (exit 2) with a hint", () => {
    try {
      assertValidBucketName("My_Bucket");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(2);
      expect((err as UsageError).code).toBe("InvalidBucketName");
      expect((err as UsageError).hint).toMatch(/3-63 characters/);
    }
  });
});

// Buckets created in us-east-1 before March 2018 may have names today's rules refuse; S3
// still serves them, so commands that use a bucket (rather than create one) accept them.
describe("names of existing buckets", () => {
  it.each([
    "Legacy_Bucket",
    "MyBucket",
    "my_bucket",
    "UPPER",
    "a..b",
    "-starts-with-hyphen",
    "ends.with.dot.",
    "L".repeat(255),
    "my-app-uploads",
    "192.168.5.4",
  ])("%s is accepted", (name) => {
    expect(() => assertExistingBucketName(name)).not.toThrow();
  });

  it.each([
    ["", /0 characters/],
    ["ab", /at least 3/],
    ["L".repeat(256), /at most 255/],
    ["my bucket", /" "/],
    ["bücket", /"ü"/],
    ["a\u001bb", /"\\u001b"/],
    ["a+b", /"\+"/],
  ])("%j is refused", (name, message) => {
    try {
      assertExistingBucketName(name);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe("InvalidBucketName");
      expect((err as UsageError).message).toMatch(message);
      expect((err as UsageError).hint).toMatch(/letters, digits, dots, hyphens and underscores/);
    }
  });
});

// Policies (generate, debug) name buckets by the same rules as bucket create.
describe("names in policies", () => {
  it.each([
    ["ab", /^is not a valid bucket name: it has 2 characters; at least 3 are needed$/],
    [
      "B_1",
      /"B", "_"; only lowercase letters.*\(no capitals\); it must start with a lowercase letter/,
    ],
    ["s3://app", /":", "\/"/],
    ["arn:aws:s3:::app", /":"/],
    ["192.168.1.1", /IP address/],
    ["a..b", /two adjacent dots/],
    ["xn--app", /xn--/],
    ["amzn-s3-demo-bucket", /amzn-s3-demo-/],
    ["data-s3alias", /-s3alias/],
  ])("%j %s", (name, phrase) => {
    expect(bucketNameProblem(name)).toMatch(phrase);
  });

  it("agrees with the strict check on every name", () => {
    for (const name of ["my-app-uploads", "logs.example.com", "123", "a".repeat(63), "ab", "B_1"]) {
      expect(bucketNameProblem(name) === undefined).toBe(bucketNameProblems(name).length === 0);
    }
  });
});
