// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// policy fix grants exactly what was denied, no more: the narrowest scope that makes the
// request succeed and fits the policy's evident prefix, and every change checked
// against it. Each fixed document is evaluated again, inside and outside the scope.
import { describe, expect, it } from "vitest";
import { planFix } from "../../../src/core/access/fix-plan.js";
import { ConflictError, UsageError } from "../../../src/core/errors.js";
import { createEvaluator } from "../../../src/core/policy/evaluate.js";
import { fixPolicy } from "../../../src/core/policy/fix.js";
import { prefixesFromTags, prefixFromGrantName } from "../../../src/core/policy/fix-scope.js";
import { generatePolicy } from "../../../src/core/policy/generate.js";
import type {
  EvaluationRequest,
  PolicyDocument,
  PolicyStatement,
} from "../../../src/core/policy/types.js";
import { ALICE, allow, BOB, doc } from "./helpers.js";

const B = "arn:aws:s3:::app-data";
const req = (action: string, resource: string, extra: Partial<EvaluationRequest> = {}) => ({
  action,
  resource,
  principal: ALICE,
  ...extra,
});
const put = (key: string) => req("s3:PutObject", `${B}/${key}`);
const get = (key: string) => req("s3:GetObject", `${B}/${key}`);
const del = (key: string) => req("s3:DeleteObject", `${B}/${key}`);
const list = (prefix?: string) =>
  req("s3:ListBucket", B, prefix === undefined ? {} : { context: { "s3:prefix": prefix } });

function decide(d: PolicyDocument, requests: EvaluationRequest[]): string[] {
  const ev = createEvaluator({ identityPolicies: [{ name: "fixed", document: d }] });
  return requests.map((r) => ev.decide(r).decision);
}

/** `iam add-dev --access LEVEL --prefix uploads/`, then the object statement's Resource set to the bucket ARN. */
function brokenGrant(access: string): PolicyDocument {
  const d = generatePolicy({ bucket: "app-data", access, prefixes: ["uploads/"] });
  for (const st of d.Statement as PolicyStatement[]) {
    if (String(st.Sid).endsWith("Objects")) st.Resource = B;
  }
  return d;
}

describe("the default scope: the prefix the policy evidently uses", () => {
  it("read-write --prefix uploads/ with the object resource broken: fixes uploads/*, not the bucket", () => {
    const r = fixPolicy(brokenGrant("read-write"), [put("uploads/a.png")]);
    expect(r.complete).toBe(true);
    expect(JSON.stringify(r.document)).toContain(`"${B}/uploads/*"`);
    expect(JSON.stringify(r.document)).not.toContain(`"${B}/*"`);
    expect(
      decide(r.document, [put("uploads/b.png"), get("uploads/b.png"), get("private/secret.txt")]),
    ).toEqual(["allowed", "allowed", "implicit-deny"]);
    expect(r.scoped[0]?.scope).toMatchObject({
      kind: "prefix",
      values: ["uploads/"],
      reason: "the prefix of the s3:prefix condition in policy",
    });
  });

  it("upload level (no listing): the prefix comes from the s3kit policy name", () => {
    const broken = brokenGrant("upload");
    const named = planFix({
      candidates: [{ name: "s3kit-app-data-upload-uploads", document: broken }],
      policies: { identityPolicies: [{ name: "s3kit-app-data-upload-uploads", document: broken }] },
      requests: [put("uploads/2024/a.png")],
    });
    expect(JSON.stringify(named.after)).toContain(`"${B}/uploads/*"`);
    expect(named.scopeLines[0]).toContain(
      "the prefix in the name of s3kit-app-data-upload-uploads",
    );
    // Without the name there is no evidence: the key's own folder.
    const anonymous = fixPolicy(broken, [put("uploads/2024/a.png")]);
    expect(JSON.stringify(anonymous.document)).toContain(`"${B}/uploads/2024/*"`);
  });

  it("a key outside the evident prefix gets its folder, never the bucket", () => {
    const r = fixPolicy(brokenGrant("read-write"), [get("reports/q1/a.csv")]);
    expect(JSON.stringify(r.document)).toContain(`"${B}/reports/q1/*"`);
    expect(decide(r.document, [get("reports/q1/b.csv"), get("private/x")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });

  it("a key at the top of the bucket: that key only (--scope bucket for all)", () => {
    const r = fixPolicy(brokenGrant("read-write"), [get("top.txt")]);
    expect(decide(r.document, [get("top.txt"), get("other.txt")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });

  it("a policy that already grants on the whole bucket keeps that scope", () => {
    const d = doc(
      allow("s3:GetObject", `${B}/*`),
      allow("s3:PutObject", B), // broken: bucket ARN only
    );
    const r = fixPolicy(d, [put("a/b/c.txt")]);
    expect(r.scoped[0]?.scope?.kind).toBe("bucket");
    expect(JSON.stringify(r.document)).toContain(`"${B}/*"`);
  });

  it("a per-user prefix keeps its variable: alice's fix does not open bob's folder", () => {
    const d = doc(allow("s3:GetObject", `${B}/home/\${aws:username}/*`), allow("s3:PutObject", B));
    const r = fixPolicy(d, [put("home/alice/notes.txt")]);
    expect(JSON.stringify(r.document)).toContain(`"${B}/home/\${aws:username}/*"`);
    expect(
      decide(r.document, [
        put("home/alice/other.txt"),
        put("home/bob/x.txt"),
        { ...put("home/bob/x.txt"), principal: BOB },
      ]),
    ).toEqual(["allowed", "implicit-deny", "allowed"]);
  });

  it("without --key: every evident prefix, checked with a key under it", () => {
    const r = fixPolicy(brokenGrant("read-write"), [{ ...put("example-key"), exampleKey: true }]);
    expect(r.outcomes[0]?.request.resource).toBe(`${B}/uploads/example-key`);
    expect(r.complete).toBe(true);
    expect(decide(r.document, [put("private/x")])).toEqual(["implicit-deny"]);
    // No prefix anywhere: the whole bucket, as the only intent there is.
    const bare = fixPolicy(doc(allow("s3:PutObject", B)), [
      { ...put("example-key"), exampleKey: true },
    ]);
    expect(JSON.stringify(bare.document)).toContain(`"${B}/*"`);
    expect(bare.scoped[0]?.scope?.reason).toBe(
      "no --key given and the policies use no prefix for this bucket",
    );
  });
});

describe("what else becomes allowed is said, and never reaches outside the scope", () => {
  it("DeleteObject on uploads/a.txt: all of uploads/ by default, and the line says so", () => {
    const plan = planFix({
      candidates: [{ name: "grant", document: brokenGrant("read-write") }],
      policies: { identityPolicies: [{ name: "grant", document: brokenGrant("read-write") }] },
      requests: [del("uploads/a.txt")],
    });
    expect(decide(plan.after, [del("uploads/b.txt"), del("private/x")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
    expect(plan.scopeLines).toEqual([
      'Scope: prefix "uploads/" of app-data (the prefix of the s3:prefix condition in grant). Grants s3:DeleteObject on every key under "uploads/", nothing outside it.',
    ]);
  });

  it("--scope key: only that object", () => {
    const r = fixPolicy(brokenGrant("read-write"), [del("uploads/a.txt")], {
      scope: { scope: "key" },
    });
    expect(decide(r.document, [del("uploads/a.txt"), del("uploads/b.txt")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });

  it("adding the resource to a statement names the other actions it brings", () => {
    const plan = planFix({
      candidates: [{ name: "grant", document: brokenGrant("read-write") }],
      policies: { identityPolicies: [{ name: "grant", document: brokenGrant("read-write") }] },
      requests: [put("uploads/a.png")],
    });
    expect(plan.scopeLines[0]).toMatch(
      /Grants s3:PutObject on every key under "uploads\/", nothing outside it; this also allows s3:GetObject, s3:GetObjectVersion, s3:AbortMultipartUpload, s3:ListMultipartUploadParts there\.$/,
    );
  });

  it("does not add the action to a statement that covers more than the scope", () => {
    // GetObject on the whole bucket; the listing says the writes belong under uploads/.
    const d = doc(
      allow("s3:GetObject", `${B}/*`),
      allow("s3:ListBucket", B, { StringLike: { "s3:prefix": "uploads/*" } }),
    );
    const r = fixPolicy(d, [put("uploads/a.png")]);
    expect(r.changes.map((c) => c.kind)).toEqual(["add-statement"]);
    expect(decide(r.document, [put("uploads/b.png"), put("private/x")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });

  it("a listing under a prefix gets an s3:prefix condition, never the whole bucket", () => {
    const d = brokenGrant("upload");
    const r = fixPolicy(d, [list("uploads/")]);
    expect(r.complete).toBe(true);
    expect(decide(r.document, [list("uploads/2024/"), list("private/"), list()])).toEqual([
      "allowed",
      "implicit-deny",
      "implicit-deny",
    ]);
    // ListBucket granted on objects only, in a statement without a prefix condition:
    // adding the bucket ARN there would list everything.
    const objectsOnly = doc(allow(["s3:ListBucket", "s3:GetObject"], `${B}/uploads/*`));
    const fixed = fixPolicy(objectsOnly, [list("uploads/")]);
    expect(decide(fixed.document, [list("uploads/"), list("private/")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });

  it("never adds the bucket ARN to a statement with bucket-configuration actions", () => {
    const d = doc(allow("s3:*", `${B}/*`));
    const r = fixPolicy(d, [list("")], { scope: { scope: "bucket" } });
    expect(r.complete).toBe(true);
    expect(decide(r.document, [req("s3:PutBucketPolicy", B), req("s3:DeleteBucket", B)])).toEqual([
      "implicit-deny",
      "implicit-deny",
    ]);
  });

  it("points a near-miss bucket at the right one within the scope", () => {
    const d = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::prod-app-data/uploads/*"));
    const r = fixPolicy(
      d,
      [put("uploads/a.png")].map((x) => ({
        ...x,
        resource: x.resource.replace("app-data", "dev-app-data"),
      })),
    );
    expect(r.changes.map((c) => c.kind)).toEqual(["replace-bucket"]);
    expect(JSON.stringify(r.document)).toContain('"arn:aws:s3:::dev-app-data/uploads/*"');
  });
});

describe("--prefix, --scope and refusals", () => {
  it("--prefix P grants under P", () => {
    const r = fixPolicy(brokenGrant("read-write"), [put("uploads/a/b.png")], {
      scope: { prefix: "uploads/a/" },
    });
    expect(decide(r.document, [put("uploads/a/c.png"), put("uploads/x.png")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });

  it("refuses a key outside --prefix (exit 5) and --scope key without a key (exit 2)", () => {
    expect(() =>
      fixPolicy(brokenGrant("read-write"), [put("uploads/a.png")], {
        scope: { prefix: "private/" },
      }),
    ).toThrow(ConflictError);
    try {
      fixPolicy(brokenGrant("read-write"), [put("uploads/a.png")], {
        scope: { prefix: "private/" },
      });
    } catch (err) {
      expect(err).toMatchObject({ exitCode: 5, code: "FixOutsideScope" });
      expect((err as Error).message).toContain('outside --prefix "private/"');
    }
    expect(() =>
      fixPolicy(brokenGrant("read-write"), [{ ...put("example-key"), exampleKey: true }], {
        scope: { scope: "key" },
      }),
    ).toThrow(UsageError);
  });

  it("--scope bucket grants on every key, and says so", () => {
    const plan = planFix({
      candidates: [{ name: "grant", document: brokenGrant("read-write") }],
      policies: { identityPolicies: [{ name: "grant", document: brokenGrant("read-write") }] },
      requests: [put("uploads/a.png")],
      scope: { scope: "bucket" },
    });
    expect(decide(plan.after, [put("private/x")])).toEqual(["allowed"]);
    expect(plan.scopeLines[0]).toContain("Scope: whole bucket of app-data (--scope bucket)");
  });

  it("keys with wildcard characters are granted literally", () => {
    const r = fixPolicy(brokenGrant("read-write"), [put("uploads/a*b.png")], {
      scope: { scope: "key" },
    });
    expect(JSON.stringify(r.document)).toContain(`"${B}/uploads/a\${*}b.png"`);
    expect(decide(r.document, [put("uploads/a*b.png"), put("uploads/aXb.png")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });
});

describe("--new-policy", () => {
  it("grants the scope, so the next key under it works too", () => {
    const existing = brokenGrant("read-write");
    const plan = planFix({
      candidates: [],
      policies: {
        identityPolicies: [{ name: "s3kit-app-data-read-write-uploads", document: existing }],
      },
      requests: [put("uploads/x")],
      newPolicyName: "extra",
    });
    expect(plan.after.Statement).toEqual([
      { Sid: "S3kitFix1", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${B}/uploads/*`] },
    ]);
    expect(decide(plan.after, [put("uploads/y"), put("private/y")])).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });
});

describe("evidence from names and tags", () => {
  it.each([
    ["s3kit-app-data-read-write-uploads", "uploads/"],
    ["s3kit-app-data-read-write-delete-media+images", "media/images/"],
    ["s3kit-app-data-read", ""],
    ["s3kit-app-data-read-per-user", "${aws:username}/"],
    ["s3kit-app-data-upload-uploads-per-user", "uploads/${aws:username}/"],
    ["s3kit-app-data-read-write-abc-1a2b3c4d", undefined],
    ["s3kit-other-bucket-read-uploads", undefined],
    ["my-policy", undefined],
  ])("%s → %s", (name, prefix) => {
    expect(prefixFromGrantName(name, "app-data")).toBe(prefix);
  });

  it("reads the principal's s3kit tags for this bucket only", () => {
    const tags = [
      { Key: "s3kit:bucket", Value: "app-data" },
      { Key: "s3kit:prefix", Value: "uploads/ per-user/" },
      { Key: "s3kit:grant:app-data", Value: "read-write s3kit-app-data-read-write-uploads" },
    ];
    expect(prefixesFromTags(tags, "app-data").map((e) => e.prefix)).toEqual([
      "uploads/",
      "uploads/",
      "${aws:username}/",
    ]);
    expect(prefixesFromTags(tags, "other")).toEqual([]);
  });
});
