import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { type InitAnswers, parseDevFlag, planInit } from "../../src/core/init/plan.js";

const context = {
  region: "eu-west-1",
  cwd: "/work/app",
  yes: true,
  plainHttpEndpoint: false,
  randomSuffix: () => "abc123",
};
const base: InitAnswers = {
  bucket: "shop-uploads",
  corsOrigins: [],
  versioning: false,
  developers: [],
  names: { style: "aws", variables: {} },
};

describe("parseDevFlag", () => {
  it.each([
    ["alice:read-write", { name: "alice", access: "read-write", out: ".env.alice" }],
    ["ci:upload:builds/", { name: "ci", access: "upload", prefix: "builds/", out: ".env.ci" }],
    ["bob:read:a:b/", { name: "bob", access: "read", prefix: "a:b/", out: ".env.bob" }],
  ])("%s", (text, expected) => {
    expect(parseDevFlag(text)).toEqual(expected);
  });

  it("puts the file in --out-dir", () => {
    expect(parseDevFlag("alice:read", "secrets/").out).toBe("secrets/.env.alice");
  });

  it.each(["alice", ":read", "alice:", ""])("rejects %j", (text) => {
    expect(() => parseDevFlag(text)).toThrow(/is not NAME:LEVEL\[:PREFIX\]/);
  });
});

describe("planInit", () => {
  it("turns the answers into a bucket spec, grants and equivalent commands", () => {
    const plan = planInit(
      {
        ...base,
        corsOrigins: ["https://shop.example.com"],
        versioning: true,
        expire: { days: "30", prefix: "tmp/" },
        developers: [parseDevFlag("alice:read-write"), parseDevFlag("ci:upload:builds/")],
        names: {
          style: "django",
          variables: { APP_BUCKET: { field: "bucket" }, APP_SSL: { value: "false" } },
        },
      },
      context,
    );
    expect(plan.bucket).toMatchObject({
      bucket: "shop-uploads",
      region: "eu-west-1",
      versioning: true,
      expire: { days: 30, prefix: "tmp/" },
    });
    expect(
      plan.developers.map((d) => [d.name, d.grant.access, d.grant.prefixes, d.outPath]),
    ).toEqual([
      ["alice", "read-write", [], "/work/app/.env.alice"],
      ["ci", "upload", ["builds/"], "/work/app/.env.ci"],
    ]);
    expect(plan.commands).toEqual([
      "s3kit bucket create shop-uploads --region eu-west-1 --versioning --cors-origin https://shop.example.com --expire-days 30 --expire-prefix tmp/",
      "s3kit iam add-dev alice --bucket shop-uploads --access read-write --env-style django --env APP_BUCKET=bucket --env APP_SSL=false --out .env.alice",
      "s3kit iam add-dev ci --bucket shop-uploads --access upload --prefix builds/ --env-style django --env APP_BUCKET=bucket --env APP_SSL=false --out .env.ci",
    ]);
  });

  it("generates a name and writes the concrete name into the commands", () => {
    const plan = planInit(
      {
        bucket: undefined,
        generate: { env: "dev", project: "shop" },
        corsOrigins: [],
        versioning: false,
        developers: [],
        names: { style: "aws", variables: {} },
      },
      context,
    );
    expect(plan.bucket.bucket).toBe("dev-shop-abc123");
    expect(plan.commands[0]).toBe("s3kit bucket create dev-shop-abc123 --region eu-west-1");
  });

  it("quotes what the shell would split", () => {
    const plan = planInit(
      { ...base, developers: [{ name: "alice", access: "read", out: "my files/.env" }] },
      context,
    );
    expect(plan.commands[1]).toContain("--out 'my files/.env'");
  });

  it("public-read carries --yes into the command", () => {
    const plan = planInit({ ...base, publicRead: { prefix: "images/" } }, context);
    expect(plan.commands[0]).toBe(
      "s3kit bucket create shop-uploads --region eu-west-1 --public-read --public-prefix images/ --yes",
    );
  });

  const bad: [string, InitAnswers, RegExp][] = [
    ["no bucket", { ...base, bucket: undefined }, /needs a bucket name/],
    ["an invalid bucket name", { ...base, bucket: "My_Bucket" }, /Invalid bucket name/],
    ["an origin without scheme", { ...base, corsOrigins: ["localhost:3000"] }, /localhost:3000/],
    ["an unknown level", { ...base, developers: [parseDevFlag("alice:write")] }, /write/],
    ["an invalid user name", { ...base, developers: [parseDevFlag("al ice:read")] }, /al ice/],
    [
      "a developer twice",
      { ...base, developers: [parseDevFlag("alice:read"), parseDevFlag("alice:upload")] },
      /listed twice/,
    ],
    [
      "two developers, one file",
      {
        ...base,
        developers: [
          { name: "a", access: "read", out: ".env" },
          { name: "b", access: "read", out: ".env" },
        ],
      },
      /Two developers would write/,
    ],
    ["a prefix with a wildcard", { ...base, developers: [parseDevFlag("alice:read:up*")] }, /./],
    ["non-positive days", { ...base, expire: { days: "0" } }, /./],
  ];
  it.each(bad)("rejects %s as a usage error", (_name, answers, message) => {
    expect(() => planInit(answers, context)).toThrow(message);
    expect(() => planInit(answers, context)).toThrow(UsageError);
  });

  it("needs --yes for public-read from flags", () => {
    try {
      planInit({ ...base, publicRead: { prefix: "" } }, { ...context, yes: false });
      expect.unreachable();
    } catch (err) {
      expect((err as UsageError).message).toMatch(/readable by anyone/);
      expect((err as UsageError).hint).toMatch(/--yes/);
    }
  });
});
