// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
import { beforeAll, describe, expect, it } from "vitest";
import { ACCESS_LEVELS, s3ActionsOf } from "../../../src/core/policy/access-levels.js";
import { PolicyInputError } from "../../../src/core/policy/errors.js";
import { createEvaluator } from "../../../src/core/policy/evaluate.js";
import { type GeneratePolicyOptions, generatePolicy } from "../../../src/core/policy/generate.js";
import { lintPolicy } from "../../../src/core/policy/lint.js";
import type { PolicyMetadata } from "../../../src/core/policy/metadata.js";
import { loadPolicyMetadata } from "../../../src/core/policy/metadata-load.js";
import { ACCESS_LEVEL_NAMES, type AccessLevel } from "../../../src/core/policy/templates.js";

const BUCKET = "app-uploads";
const KMS = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const USER = "arn:aws:iam::123456789012:user/alice";

let meta: PolicyMetadata;
beforeAll(async () => {
  meta = await loadPolicyMetadata();
});

const PREFIX_VARIANTS: (string[] | undefined)[] = [undefined, ["uploads/"], ["images/", "docs/"]];
const combos: GeneratePolicyOptions[] = [];
for (const access of ACCESS_LEVEL_NAMES) {
  for (const prefixes of PREFIX_VARIANTS) {
    for (const perUserPrefix of [false, true]) {
      for (const kmsKeyArn of [undefined, KMS]) {
        combos.push({
          bucket: BUCKET,
          access,
          ...(prefixes ? { prefixes } : {}),
          perUserPrefix,
          ...(kmsKeyArn ? { kmsKeyArn } : {}),
        });
      }
    }
  }
}
const label = (o: GeneratePolicyOptions) =>
  `${o.access} prefixes=${o.prefixes?.join(",") ?? "-"} perUser=${o.perUserPrefix} kms=${o.kmsKeyArn ? "yes" : "no"}`;

describe("access levels", () => {
  it("publishes each level's action lists", () => {
    expect(ACCESS_LEVELS.read).toMatchObject({
      listActions: ["s3:ListBucket"],
      bucketActions: ["s3:GetBucketLocation"],
      objectActions: ["s3:GetObject", "s3:GetObjectVersion"],
      kmsActions: ["kms:Decrypt"],
    });
    expect(ACCESS_LEVELS.upload).toMatchObject({
      listActions: [],
      bucketActions: [],
      objectActions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      kmsActions: ["kms:GenerateDataKey", "kms:Decrypt"],
    });
    expect(s3ActionsOf("read-write")).toEqual([
      "s3:ListBucket",
      "s3:GetBucketLocation",
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]);
    expect(ACCESS_LEVELS["read-write-delete"].objectActions).toContain("s3:DeleteObjectVersion");
    expect(ACCESS_LEVELS.admin.listActions).toEqual(["s3:ListBucket", "s3:ListBucketVersions"]);
    expect(ACCESS_LEVELS.admin.bucketActions).toContain("s3:PutBucketPolicy");
    expect(ACCESS_LEVELS.admin.bucketActions).not.toContain("s3:DeleteBucket");
  });

  it("every action of every level exists in the metadata", () => {
    for (const level of ACCESS_LEVEL_NAMES) {
      const i = ACCESS_LEVELS[level];
      for (const a of [...s3ActionsOf(level), ...i.kmsActions])
        expect(meta.action(a), a).toBeDefined();
    }
  });
});

describe("generated policies lint clean", () => {
  it.each(combos.map((c) => [label(c), c] as const))("%s", (_l, o) => {
    const text = JSON.stringify(generatePolicy(o), null, 2);
    expect(lintPolicy(text, { kind: "identity", bucket: BUCKET, metadata: meta })).toEqual([]);
  });
});

function scopeOf(action: string): "bucket" | "object" | "other" {
  const a = meta.action(action);
  const s = a ? meta.s3Scope(a) : "other";
  return s === "bucket" || s === "object" ? s : "other";
}

describe("generated policies allow exactly their level's actions", () => {
  it.each(combos.map((c) => [label(c), c] as const))("%s", (_l, o) => {
    const level = o.access as AccessLevel;
    const info = ACCESS_LEVELS[level];
    const ev = createEvaluator({
      identityPolicies: [{ name: "generated", document: generatePolicy(o) }],
    });
    const folder = o.perUserPrefix ? "alice/" : "";
    const inside = (o.prefixes ?? [""]).map((p) => `${p}${folder}`);
    const outside =
      o.prefixes || o.perUserPrefix
        ? ["outside/x", ...(o.perUserPrefix ? [`${o.prefixes?.[0] ?? ""}bob/x`] : [])]
        : [];
    const check = (
      action: string,
      resource: string,
      context: Record<string, string>,
      expected: boolean,
    ) => {
      const d = ev.decide({ action, resource, principal: USER, context }).decision;
      expect(d, `${action} on ${resource} ${JSON.stringify(context)}`).toBe(
        expected ? "allowed" : "implicit-deny",
      );
    };
    const s3Actions = meta.actionNames("s3");
    expect(s3Actions.length).toBeGreaterThan(150);
    for (const action of s3Actions) {
      const scope = scopeOf(action);
      if (scope === "object") {
        const granted = info.objectActions.includes(action);
        for (const p of inside) check(action, `arn:aws:s3:::${BUCKET}/${p}file.txt`, {}, granted);
        for (const k of outside) check(action, `arn:aws:s3:::${BUCKET}/${k}`, {}, false);
        check(action, `arn:aws:s3:::other-bucket/${inside[0]}file.txt`, {}, false);
        check(action, `arn:aws:s3:::${BUCKET}`, {}, false);
      } else if (scope === "bucket") {
        const listed = info.listActions.includes(action);
        const plain = info.bucketActions.includes(action);
        for (const p of inside)
          check(action, `arn:aws:s3:::${BUCKET}`, { "s3:prefix": p }, listed || plain);
        for (const k of outside) check(action, `arn:aws:s3:::${BUCKET}`, { "s3:prefix": k }, plain);
        check(action, `arn:aws:s3:::${BUCKET}`, {}, plain || (listed && outside.length === 0));
        check(action, "arn:aws:s3:::other-bucket", { "s3:prefix": inside[0] ?? "" }, false);
        check(action, `arn:aws:s3:::${BUCKET}/${inside[0]}x`, {}, false);
      } else {
        check(action, "*", {}, false);
      }
    }
    for (const action of meta.actionNames("kms")) {
      check(action, KMS, {}, o.kmsKeyArn !== undefined && info.kmsActions.includes(action));
    }
  });
});

describe("generatePolicy shapes", () => {
  it("uses ${aws:username}/ under each prefix with --per-user-prefix", () => {
    const doc = generatePolicy({
      bucket: BUCKET,
      access: "read",
      prefixes: ["home/"],
      perUserPrefix: true,
    });
    expect(JSON.stringify(doc)).toContain(`arn:aws:s3:::${BUCKET}/home/\${aws:username}/*`);
    expect(JSON.stringify(doc)).toContain('"s3:prefix":["home/${aws:username}/*"]');
  });
  it("leaves the list condition out without prefixes", () => {
    expect(JSON.stringify(generatePolicy({ bucket: BUCKET, access: "read" }))).not.toContain(
      "Condition",
    );
  });
  it("leaves the KMS statement out without a key", () => {
    expect(JSON.stringify(generatePolicy({ bucket: BUCKET, access: "read" }))).not.toContain(
      "kms:",
    );
  });
  it("uses the Sid prefix", () => {
    const doc = generatePolicy({ bucket: BUCKET, access: "upload", sidPrefix: "App" });
    expect(JSON.stringify(doc)).toContain('"Sid":"AppUploadObjects"');
  });
});

describe("generatePolicy input validation", () => {
  const cases: [string, GeneratePolicyOptions, string][] = [
    ["bucket name with capitals", { bucket: "App-Uploads", access: "read" }, "invalid-bucket-name"],
    ["bucket name too short", { bucket: "ab", access: "read" }, "invalid-bucket-name"],
    ["bucket given as s3 URL", { bucket: "s3://app", access: "read" }, "invalid-bucket-name"],
    ["bucket given as ARN", { bucket: "arn:aws:s3:::app", access: "read" }, "invalid-bucket-name"],
    ["bucket name like an IP", { bucket: "192.168.1.1", access: "read" }, "invalid-bucket-name"],
    ["bucket name with ..", { bucket: "a..b", access: "read" }, "invalid-bucket-name"],
    ["bucket name with xn-- prefix", { bucket: "xn--app", access: "read" }, "invalid-bucket-name"],
    [
      "bucket name with -s3alias suffix",
      { bucket: "app-s3alias", access: "read" },
      "invalid-bucket-name",
    ],
    ["unknown level", { bucket: BUCKET, access: "write" }, "unknown-access-level"],
    [
      "prefix with leading slash",
      { bucket: BUCKET, access: "read", prefixes: ["/uploads/"] },
      "invalid-prefix",
    ],
    [
      "prefix with wildcard",
      { bucket: BUCKET, access: "read", prefixes: ["uploads/*"] },
      "invalid-prefix",
    ],
    ["prefix with ?", { bucket: BUCKET, access: "read", prefixes: ["up?"] }, "invalid-prefix"],
    ["empty prefix", { bucket: BUCKET, access: "read", prefixes: [""] }, "invalid-prefix"],
    [
      "prefix with a variable",
      { bucket: BUCKET, access: "read", prefixes: ["${aws:username}/"] },
      "invalid-prefix",
    ],
    [
      "KMS alias instead of key",
      { bucket: BUCKET, access: "read", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/app" },
      "invalid-kms-key",
    ],
    [
      "KMS key id only",
      { bucket: BUCKET, access: "read", kmsKeyArn: "1234abcd-12ab" },
      "invalid-kms-key",
    ],
    [
      "Sid prefix with a dash",
      { bucket: BUCKET, access: "read", sidPrefix: "my-app" },
      "invalid-sid-prefix",
    ],
  ];
  it.each(cases)("%s", (_n, o, code) => {
    let err: unknown;
    try {
      generatePolicy(o);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyInputError);
    expect((err as PolicyInputError).code).toBe(code);
    expect((err as PolicyInputError).hint.length).toBeGreaterThan(10);
  });
});
