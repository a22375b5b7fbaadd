import { describe, expect, it } from "vitest";
import {
  type CreateFlags,
  generateBucketName,
  parseCorsDocument,
  parseCorsFlags,
  parseCreateFlags,
  parseDays,
  parseKmsKey,
  parseOrigin,
  parseTags,
  parseTransitions,
} from "../../src/core/buckets/spec.js";
import { UsageError } from "../../src/core/errors.js";

const parse = (flags: CreateFlags, yes = false) =>
  parseCreateFlags(flags, { region: "eu-west-1", yes, randomSuffix: () => "abc123" });

function usageMessage(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as UsageError).message;
  }
  throw new Error("expected a UsageError");
}

describe("parseCreateFlags", () => {
  it("gives the safe defaults for a bare name", () => {
    expect(parse({ name: "my-app" })).toEqual({
      bucket: "my-app",
      region: "eu-west-1",
      versioning: false,
      tlsPolicy: "apply",
    });
  });

  it("applies the TLS-only policy by default, keeps it on a plain-HTTP endpoint, and obeys the flags", () => {
    const ctx = { region: "eu-west-1", yes: false };
    expect(parseCreateFlags({ name: "b-1" }, ctx).tlsPolicy).toBe("apply");
    expect(parseCreateFlags({ name: "b-1" }, { ...ctx, plainHttpEndpoint: true }).tlsPolicy).toBe(
      "keep",
    );
    expect(
      parseCreateFlags({ name: "b-1", tlsPolicy: true }, { ...ctx, plainHttpEndpoint: true })
        .tlsPolicy,
    ).toBe("apply");
    expect(parseCreateFlags({ name: "b-1", tlsPolicy: false }, ctx).tlsPolicy).toBe("remove");
  });

  it("collects every option", () => {
    const spec = parse(
      {
        name: "my-app",
        kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        versioning: true,
        corsOrigin: ["https://app.example.com,http://localhost:3000"],
        corsMethods: ["get", "put"],
        expireDays: "90",
        expirePrefix: "tmp/",
        transition: ["GLACIER:90", "standard_ia:30"],
        noncurrentExpireDays: "30",
        tag: ["env=prod", "team=a=b"],
        accessLogBucket: "my-logs",
        publicRead: true,
        publicPrefix: "images/",
      },
      true,
    );
    expect(spec).toEqual({
      tlsPolicy: "apply",
      bucket: "my-app",
      region: "eu-west-1",
      versioning: true,
      kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      cors: [
        {
          AllowedOrigins: ["https://app.example.com", "http://localhost:3000"],
          AllowedMethods: ["GET", "PUT"],
          AllowedHeaders: ["*"],
          ExposeHeaders: ["ETag"],
          MaxAgeSeconds: 3600,
        },
      ],
      expire: { days: 90, prefix: "tmp/" },
      transitions: [
        { storageClass: "STANDARD_IA", days: 30 },
        { storageClass: "GLACIER", days: 90 },
      ],
      noncurrentExpireDays: 30,
      tags: { env: "prod", team: "a=b" },
      accessLog: { bucket: "my-logs", prefix: "my-app/" },
      publicRead: { prefix: "images/" },
    });
  });

  it("generates ENV-PROJECT-random names, exclusive with NAME", () => {
    expect(parse({ generateName: true, env: "dev", project: "shop" }).bucket).toBe(
      "dev-shop-abc123",
    );
    expect(
      usageMessage(() => parse({ name: "x-y-z", generateName: true, env: "d", project: "p" })),
    ).toBe("NAME and --generate-name exclude each other.");
    expect(usageMessage(() => parse({ generateName: true }))).toBe(
      "--generate-name needs --env and --project.",
    );
    expect(usageMessage(() => parse({ name: "abc", env: "dev" }))).toBe(
      "--env and --project go with --generate-name.",
    );
    expect(usageMessage(() => parse({}))).toBe(
      "Give a bucket NAME or --generate-name --env E --project P.",
    );
  });

  it("requires --yes for --public-read and says what becomes public", () => {
    expect(usageMessage(() => parse({ name: "my-app", publicRead: true }))).toBe(
      "--public-read makes every object in my-app readable by anyone on the internet, without credentials.",
    );
    expect(
      usageMessage(() => parse({ name: "my-app", publicRead: true, publicPrefix: "img/" })),
    ).toContain("every object under s3://my-app/img/");
    expect(usageMessage(() => parse({ name: "my-app", publicPrefix: "img/" }))).toBe(
      "--public-prefix needs --public-read.",
    );
  });

  it("takes a lifecycle prefix S3 can store as a key: at most 1024 bytes of UTF-8", () => {
    const expire = (expirePrefix: string) => ({ name: "my-app", expireDays: "30", expirePrefix });
    expect(parse(expire(`${"é".repeat(512)}`)).expire?.prefix).toHaveLength(512);
    // 600 characters, but 1,200 bytes: S3 would refuse the rule.
    expect(usageMessage(() => parse(expire("é".repeat(600))))).toBe(
      "--expire-prefix is longer than S3's limit of 1024 bytes.",
    );
    expect(usageMessage(() => parse(expire("tmp\uD800/")))).toMatch(/unpaired UTF-16 surrogate/);
  });

  it("rejects options that need another option", () => {
    expect(usageMessage(() => parse({ name: "my-app", expirePrefix: "tmp/" }))).toBe(
      "--expire-prefix needs --expire-days.",
    );
    expect(usageMessage(() => parse({ name: "my-app", corsMethods: ["GET"] }))).toBe(
      "--cors-methods needs --cors-origin.",
    );
    expect(usageMessage(() => parse({ name: "my-app", accessLogPrefix: "x/" }))).toBe(
      "--access-log-prefix needs --access-log-bucket.",
    );
    expect(
      usageMessage(() =>
        parse({
          name: "my-app",
          corsOrigin: ["https://a.example.com"],
          corsFile: { source: "f", text: "[]" },
        }),
      ),
    ).toBe("--cors-origin and --cors-file exclude each other.");
  });

  it("rejects expiry before the last transition", () => {
    expect(
      usageMessage(() => parse({ name: "my-app", expireDays: "60", transition: ["GLACIER:90"] })),
    ).toContain("Objects would expire after 60 days, before they move to GLACIER after 90.");
    // With a prefix the expiry concerns other objects: allowed.
    expect(
      parse({ name: "my-app", expireDays: "7", expirePrefix: "tmp/", transition: ["GLACIER:90"] })
        .expire,
    ).toEqual({
      days: 7,
      prefix: "tmp/",
    });
  });
});

describe("parseDays", () => {
  it.each(["1", "30", " 365 "])("accepts %j", (text) => {
    expect(parseDays("--expire-days", text)).toBe(Number(text));
  });
  it.each(["0", "-1", "1.5", "1e3", "", "ten"])("rejects %j", (text) => {
    expect(usageMessage(() => parseDays("--expire-days", text))).toBe(
      `--expire-days must be a whole number of days greater than 0, not "${text}".`,
    );
  });
});

describe("parseOrigin", () => {
  it.each([
    ["https://app.example.com", "https://app.example.com"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["HTTPS://App.example.com", "https://App.example.com"],
    ["https://*.example.com", "https://*.example.com"],
    ["*", "*"],
  ])("accepts %s", (text, origin) => {
    expect(parseOrigin(text)).toBe(origin);
  });
  it.each([
    ["localhost:3000", "has no scheme (did you mean http://localhost:3000?)"],
    ["app.example.com", "has no scheme (did you mean https://app.example.com?)"],
    ["https://app.example.com/", 'ends with "/"'],
    ["https://app.example.com/app", "has a path"],
    ["https://*.*.example.com", 'more than one "*"'],
  ])("rejects %s", (text, message) => {
    expect(usageMessage(() => parseOrigin(text))).toContain(message);
  });
});

describe("parseTransitions", () => {
  it("sorts by days and upper-cases classes", () => {
    expect(
      parseTransitions(["deep_archive:365", "GLACIER_IR:60", "INTELLIGENT_TIERING:1"]),
    ).toEqual([
      { storageClass: "INTELLIGENT_TIERING", days: 1 },
      { storageClass: "GLACIER_IR", days: 60 },
      { storageClass: "DEEP_ARCHIVE", days: 365 },
    ]);
  });
  it.each([
    [["COLD:30"], 'Unknown storage class "COLD"'],
    [["GLACIER"], "is not CLASS:DAYS"],
    [["GLACIER:0"], "must be a whole number of days greater than 0"],
    [["GLACIER:30", "GLACIER:60"], "names GLACIER twice"],
    [["STANDARD_IA:29"], "after 30 days at the earliest"],
    [["GLACIER:30", "STANDARD_IA:60"], "back up to STANDARD_IA"],
    [["STANDARD_IA:30", "GLACIER:45"], "stay in STANDARD_IA for 30 days"],
    [["GLACIER:30", "DEEP_ARCHIVE:30"], "on the same day"],
  ])("rejects %j", (values, message) => {
    expect(usageMessage(() => parseTransitions(values))).toContain(message);
  });
});

describe("parseTags", () => {
  it("splits at the first =, allows empty values", () => {
    expect(parseTags(["a=1", "b=", "c=x=y"])).toEqual({ a: "1", b: "", c: "x=y" });
  });
  it.each([
    [["novalue"], "is not KEY=VALUE"],
    [["=v"], "is not KEY=VALUE"],
    [["aws:x=1"], "reserves"],
    [["a=1", "a=2"], 'gives "a" twice'],
    [["a=<script>"], "characters S3 tags do not allow"],
  ])("rejects %j", (values, message) => {
    expect(usageMessage(() => parseTags(values))).toContain(message);
  });
});

describe("parseKmsKey", () => {
  it.each([
    "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:eu-west-1:123456789012:alias/app",
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "alias/app",
  ])("accepts %s", (key) => {
    expect(parseKmsKey(key, "eu-west-1")).toBe(key);
  });
  it("rejects a key in another region and junk", () => {
    expect(
      usageMessage(() => parseKmsKey("arn:aws:kms:us-east-1:123456789012:key/abc", "eu-west-1")),
    ).toContain("is in us-east-1, but the bucket is in eu-west-1");
    expect(usageMessage(() => parseKmsKey("my-key", "eu-west-1"))).toContain(
      "is not a KMS key ARN",
    );
  });
});

describe("generateBucketName", () => {
  it("uses six random lowercase letters and digits", () => {
    for (let i = 0; i < 20; i++)
      expect(generateBucketName("dev", "shop")).toMatch(/^dev-shop-[a-z0-9]{6}$/);
  });
  it("rejects parts that cannot be in a bucket name, and names that get too long", () => {
    expect(usageMessage(() => generateBucketName("Dev", "shop"))).toContain(
      '--env "Dev" cannot be part of a bucket name',
    );
    expect(() => generateBucketName("dev", "my_shop")).toThrow(
      expect.objectContaining({ hint: "Example: --project my-shop" }),
    );
    expect(usageMessage(() => generateBucketName("dev", "x".repeat(60)))).toContain("too long");
  });
});

describe("CORS documents", () => {
  it("accepts the AWS shape and a bare list", () => {
    const rule = {
      AllowedOrigins: ["https://a.example.com"],
      AllowedMethods: ["get"],
      MaxAgeSeconds: 10,
    };
    expect(parseCorsDocument(JSON.stringify({ CORSRules: [rule] }), "f.json")).toEqual([
      { AllowedOrigins: ["https://a.example.com"], AllowedMethods: ["GET"], MaxAgeSeconds: 10 },
    ]);
    expect(parseCorsDocument(JSON.stringify([rule]), "f.json")).toHaveLength(1);
  });
  it.each([
    ['{"CORSRules": {}}', 'expected {"CORSRules": [...]} or a list of CORS rules'],
    ['{"CORSRules": []}', "a CORS configuration has 1 to 100 rules, not 0"],
    ['{"Rules": []}', 'expected {"CORSRules": [...]}'],
    ['[{"AllowedMethods": ["GET"]}]', 'rule 1: "AllowedOrigins" is missing'],
    [
      '[{"AllowedOrigins": ["x.com"], "AllowedMethods": ["GET"]}]',
      'rule 1: CORS origin "x.com" has no scheme',
    ],
    [
      '[{"AllowedOrigins": ["https://x.com"], "AllowedMethods": ["GET"], "MaxAge": 1}]',
      'unknown field "MaxAge"',
    ],
    [
      '[{"AllowedOrigins": ["https://x.com"], "AllowedMethods": ["GET"], "MaxAgeSeconds": -1}]',
      "MaxAgeSeconds",
    ],
  ])("rejects %s", (text, message) => {
    expect(usageMessage(() => parseCorsDocument(text, "f.json"))).toContain(message);
  });

  it("parses bucket cors set flags", () => {
    expect(parseCorsFlags({ origin: ["https://a.example.com"], methods: ["GET"] })).toEqual([
      {
        AllowedOrigins: ["https://a.example.com"],
        AllowedMethods: ["GET"],
        AllowedHeaders: ["*"],
        ExposeHeaders: ["ETag"],
        MaxAgeSeconds: 3600,
      },
    ]);
    expect(usageMessage(() => parseCorsFlags({}))).toBe("Give --origin URL… or --file F.");
    expect(
      usageMessage(() => parseCorsFlags({ methods: ["GET"], file: { source: "f", text: "[]" } })),
    ).toContain("--methods goes with --origin");
  });
});
