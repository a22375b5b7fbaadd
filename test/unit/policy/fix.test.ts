import { describe, expect, it } from "vitest";
import { formatDiff, formatPolicyJson, lineDiff } from "../../../src/core/policy/diff.js";
import { createEvaluator } from "../../../src/core/policy/evaluate.js";
import { fixPolicy } from "../../../src/core/policy/fix.js";
import type { EvaluationRequest, PolicyDocument } from "../../../src/core/policy/types.js";
import { ALICE, allow, deny, doc, named } from "./helpers.js";

const put = (resource: string): EvaluationRequest => ({
  action: "s3:PutObject",
  resource,
  principal: ALICE,
});
const get = (resource: string): EvaluationRequest => ({
  action: "s3:GetObject",
  resource,
  principal: ALICE,
});

function decisions(d: PolicyDocument, requests: EvaluationRequest[]) {
  const ev = createEvaluator({ identityPolicies: [{ name: "policy", document: d }] });
  return requests.map((r) => ev.decide(r).decision);
}

describe("fixPolicy", () => {
  it("adds the missing /… (the key's folder) to the statement that names the bucket", () => {
    const before = doc({
      Sid: "Uploads",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::app-uploads",
    });
    const r = fixPolicy(before, [put("arn:aws:s3:::app-uploads/avatars/a.png")]);
    expect(r.complete).toBe(true);
    expect(r.changes).toEqual([
      {
        kind: "add-resource",
        statement: 0,
        sid: "Uploads",
        description: expect.stringContaining("arn:aws:s3:::app-uploads/avatars/*"),
      },
    ]);
    expect(r.document.Statement).toEqual([
      {
        Sid: "Uploads",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: ["arn:aws:s3:::app-uploads", "arn:aws:s3:::app-uploads/avatars/*"],
      },
    ]);
    expect(r.outcomes[0]).toMatchObject({ before: "implicit-deny", after: "allowed" });
    expect(before.Statement).toHaveLength(1);
    expect((before.Statement as { Resource: string }[])[0]?.Resource).toBe(
      "arn:aws:s3:::app-uploads",
    );
  });

  it("adds the bucket ARN for ListBucket granted only on bucket/*", () => {
    const r = fixPolicy(doc(allow(["s3:ListBucket", "s3:GetObject"], "arn:aws:s3:::b/*")), [
      { action: "s3:ListBucket", resource: "arn:aws:s3:::b", principal: ALICE },
    ]);
    expect(r.complete).toBe(true);
    expect(r.changes[0]?.kind).toBe("add-resource");
    expect(JSON.stringify(r.document)).toContain('["arn:aws:s3:::b/*","arn:aws:s3:::b"]');
  });

  it("points the resources at the right bucket for a near miss", () => {
    const r = fixPolicy(
      doc(allow(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::prod-app-uploads/*"])),
      [put("arn:aws:s3:::dev-app-uploads/a.png")],
    );
    expect(r.complete).toBe(true);
    expect(r.changes[0]?.kind).toBe("replace-bucket");
    expect(JSON.stringify(r.document)).not.toContain("prod-app-uploads");
    expect(decisions(r.document, [get("arn:aws:s3:::dev-app-uploads/x")])).toEqual(["allowed"]);
  });

  it("adds a missing action to the statement covering the resource", () => {
    const r = fixPolicy(
      doc(allow("s3:GetObject", "arn:aws:s3:::b/*"), allow("s3:ListBucket", "arn:aws:s3:::b")),
      [put("arn:aws:s3:::b/x")],
    );
    expect(r.changes).toMatchObject([{ kind: "add-action", statement: 0 }]);
    expect((r.document.Statement as unknown[]).length).toBe(2);
    // Nothing else widened: PutObject still not on the bucket ARN, DeleteObject still denied.
    expect(
      decisions(r.document, [
        put("arn:aws:s3:::b/y"),
        { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
      ]),
    ).toEqual(["allowed", "implicit-deny"]);
  });

  it("adds a new statement when nothing covers the resource, one per resource", () => {
    const r = fixPolicy(doc(allow("s3:GetObject", "arn:aws:s3:::a/*")), [
      put("arn:aws:s3:::other/x"),
      get("arn:aws:s3:::other/x"),
    ]);
    expect(r.complete).toBe(true);
    expect(r.changes.map((c) => c.kind)).toEqual(["add-statement", "add-action"]);
    expect((r.document.Statement as unknown[])[1]).toEqual({
      Sid: "S3kitFix1",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject"],
      Resource: ["arn:aws:s3:::other/x"],
    });
  });

  it("uses bucket/* for a request whose key was made up", () => {
    const r = fixPolicy(doc(allow("s3:GetObject", "arn:aws:s3:::a/*")), [
      { ...put("arn:aws:s3:::other/example-key"), exampleKey: true },
    ]);
    expect(JSON.stringify(r.document)).toContain('"Resource":["arn:aws:s3:::other/*"]');
  });

  it("does not override an explicit deny", () => {
    const r = fixPolicy(doc(allow("s3:*", "*"), deny("s3:DeleteObject", "*")), [
      { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
    ]);
    expect(r.complete).toBe(false);
    expect(r.changes).toEqual([]);
    expect(r.outcomes[0]?.reason).toContain("explicitly denied");
  });

  it("does not bypass a condition", () => {
    const r = fixPolicy(
      doc(allow("s3:ListBucket", "arn:aws:s3:::b", { StringLike: { "s3:prefix": "home/*" } })),
      [
        {
          action: "s3:ListBucket",
          resource: "arn:aws:s3:::b",
          principal: ALICE,
          context: { "s3:prefix": "tmp/" },
        },
      ],
    );
    expect(r.complete).toBe(false);
    expect(r.changes).toEqual([]);
    expect(r.outcomes[0]?.reason).toContain("s3:prefix");
  });

  it("reports a boundary it cannot change", () => {
    const r = fixPolicy(doc(allow("s3:GetObject", "arn:aws:s3:::b")), [get("arn:aws:s3:::b/x")], {
      others: { boundary: named("boundary", allow("ec2:*", "*")) },
    });
    expect(r.complete).toBe(false);
    expect(r.outcomes[0]?.reason).toContain("boundary");
  });

  it("leaves already allowed requests and the document alone", () => {
    const d = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"));
    const r = fixPolicy(d, [get("arn:aws:s3:::b/x")]);
    expect(r.changes).toEqual([]);
    expect(r.document).toEqual(d);
    expect(r.complete).toBe(true);
  });

  it("fixes several problems at once and keeps a single statement object single", () => {
    const d: PolicyDocument = {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b" },
    };
    const r = fixPolicy(d, [put("arn:aws:s3:::b/x")]);
    expect(Array.isArray(r.document.Statement)).toBe(false);
    expect(r.complete).toBe(true);
  });

  it("re-evaluation after the fix allows every request", () => {
    const requests = [
      put("arn:aws:s3:::app-uploads/a"),
      get("arn:aws:s3:::app-uploads/a"),
      { action: "s3:ListBucket", resource: "arn:aws:s3:::app-uploads", principal: ALICE },
      { action: "s3:DeleteObject", resource: "arn:aws:s3:::app-uploads/a", principal: ALICE },
    ];
    const r = fixPolicy(
      doc(allow(["s3:PutObject", "s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::app-upload")),
      requests,
    );
    expect(r.complete).toBe(true);
    expect(decisions(r.document, requests)).toEqual(["allowed", "allowed", "allowed", "allowed"]);
  });
});

describe("line diff", () => {
  it("marks added and removed lines", () => {
    expect(lineDiff("a\nb\nc", "a\nx\nc")).toEqual([
      { op: "equal", text: "a" },
      { op: "remove", text: "b" },
      { op: "add", text: "x" },
      { op: "equal", text: "c" },
    ]);
  });
  it("handles empty sides", () => {
    expect(lineDiff("", "a")).toEqual([
      { op: "remove", text: "" },
      { op: "add", text: "a" },
    ]);
    expect(lineDiff("a\nb", "a\nb").every((l) => l.op === "equal")).toBe(true);
  });
  it("formats a policy fix with context", () => {
    const before = doc({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b" });
    const after = fixPolicy(before, [put("arn:aws:s3:::b/x")], {
      scope: { scope: "bucket" },
    }).document;
    const text = formatDiff(lineDiff(formatPolicyJson(before), formatPolicyJson(after)), 1);
    expect(text).toMatch(/^- +"Resource": "arn:aws:s3:::b"$/m);
    expect(text).toMatch(/^\+ +"Resource": \[$/m);
    expect(text).toMatch(/^\+ +"arn:aws:s3:::b\/\*"$/m);
    expect(text.split("\n")[0]).toBe("…");
  });
});
