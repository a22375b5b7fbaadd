// The table of lint rules, and the order of findings the walk gives: document order, and
// within one place the order of the table.

import { beforeAll, describe, expect, it } from "vitest";
import { LINT_RULES, lintPolicy } from "../../../src/core/policy/lint.js";
import { RULES } from "../../../src/core/policy/lint-rules.js";
import type { PolicyMetadata } from "../../../src/core/policy/metadata.js";
import { loadPolicyMetadata } from "../../../src/core/policy/metadata-load.js";

let metadata: PolicyMetadata;
beforeAll(async () => {
  metadata = await loadPolicyMetadata(["s3"]);
});

describe("the rule table", () => {
  it("has one entry per rule id, each with a severity and a summary", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(LINT_RULES)).toEqual(ids);
    for (const r of RULES) {
      expect(["error", "warning"]).toContain(r.severity);
      expect(r.summary.length).toBeGreaterThan(10);
      expect(typeof r.check).toBe("function");
    }
  });
});

describe("finding order", () => {
  it("goes entry by entry, and by the table within an entry", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "a-b",
          Effect: "Allow",
          Action: ["s3:GetObjec", "*", "GetObject", "s3:*"],
          Resource: ["*", "s3://other/x", "arn:aws:s3:::other/*"],
        },
        { Sid: "a-b", Effect: "allow", Action: "s3:GetObject" },
      ],
    });
    const findings = lintPolicy(text, { kind: "identity", bucket: "app-uploads", metadata });
    expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual([
      "invalid-sid Statement[0].Sid",
      "unknown-action Statement[0].Action[0]",
      "broad-action Statement[0].Action[1]",
      "action-without-service Statement[0].Action[2]",
      "broad-action Statement[0].Action[3]",
      "broad-resource Statement[0].Resource[0]",
      "malformed-arn Statement[0].Resource[1]",
      "bucket-mismatch Statement[0].Resource[2]",
      "duplicate-sid Statement[1].Sid",
      "invalid-sid Statement[1].Sid",
      "invalid-effect Statement[1].Effect",
      "missing-resource Statement[1]",
    ]);
  });

  it("puts a size warning first and stops at invalid JSON", () => {
    const big = JSON.stringify({
      Statement: Array.from({ length: 400 }, (_, i) => ({
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `arn:aws:s3:::app-uploads/folder-${i}/*`,
      })),
    });
    expect(lintPolicy(big, { kind: "identity" }).map((f) => f.rule)).toEqual([
      "policy-too-large",
      "missing-version",
    ]);
    expect(lintPolicy(`${big.slice(0, -1)},`, { kind: "identity" }).map((f) => f.rule)).toEqual([
      "invalid-json",
    ]);
  });
});
