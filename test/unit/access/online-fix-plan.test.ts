// planOnlineFix on gathered data (no AWS call): the note when the fixed policy would be
// larger than IAM accepts, before --apply tries to write it.
import { describe, expect, it } from "vitest";
import { planOnlineFix } from "../../../src/core/access/fix-online.js";
import type { Gathered } from "../../../src/core/access/gather.js";
import type { PolicySource } from "../../../src/core/access/principal.js";
import type { PolicyDocument } from "../../../src/core/policy/types.js";

const USER = "arn:aws:iam::123456789012:user/alice";

function gathered(source: PolicySource): Gathered {
  return {
    principal: {
      type: "user",
      name: "alice",
      arn: USER,
      callerArn: USER,
      accountId: "123456789012",
      partition: "aws",
      groups: [],
      tags: [],
    },
    sources: [source],
    bucket: { name: "app-data", status: "exists" },
    policySet: { identityPolicies: [{ name: source.name, document: source.document }] },
    facts: { bucket: {}, online: {} },
    notes: [],
  };
}

/** Statements for other folders: n of them make a policy of about 110·n characters. */
function filler(n: number): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: Array.from({ length: n }, (_, i) => ({
      Effect: "Allow" as const,
      Action: ["s3:GetObject"],
      Resource: [`arn:aws:s3:::app-data/team-folder-number-${i}/*`],
    })),
  };
}

const put = {
  action: "s3:PutObject",
  resource: "arn:aws:s3:::app-data/uploads/a.png",
  principal: USER,
};

describe("planOnlineFix: IAM's size limits", () => {
  it("says when the changed inline user policy would be over 2,048 characters", () => {
    const plan = planOnlineFix(
      gathered({
        name: "inline:files (user alice)",
        kind: "inline",
        via: { type: "user", name: "alice" },
        policyName: "files",
        document: filler(25),
      }),
      [put],
    );
    expect(plan.complete).toBe(true);
    expect(plan.note).toMatch(
      /more than IAM accepts for the inline policies of a user \(2,048\): --apply would be refused/,
    );
  });

  it("says nothing for a managed policy well within 6,144", () => {
    const plan = planOnlineFix(
      gathered({
        name: "files",
        kind: "managed",
        via: { type: "user", name: "alice" },
        arn: "arn:aws:iam::123456789012:policy/files",
        policyName: "files",
        document: filler(25),
      }),
      [put],
    );
    expect(plan.note).toBeUndefined();
  });
});
