import { describe } from "vitest";
import { allow, BUCKET, deny, type EvalCase, named, OBJECT, runCases } from "./helpers.js";

// Action matching: exact names, `*` and `?` wildcards, case-insensitivity, lists,
// service prefixes.
function actionCase(pattern: string | string[], action: string, ok: boolean): EvalCase {
  const resource = action.toLowerCase().includes("bucket") ? BUCKET : OBJECT;
  return {
    name: `${JSON.stringify(pattern)} ${ok ? "matches" : "does not match"} ${action}`,
    policies: { identityPolicies: [named("p", allow(pattern, "*"))] },
    request: { action, resource },
    decision: ok ? "allowed" : "implicit-deny",
    ...(ok ? { deciding: ["p[0]"] } : { blockedBy: "no-allow" }),
  };
}

describe("Action matching", () => {
  runCases([
    actionCase("s3:GetObject", "s3:GetObject", true),
    actionCase("s3:GetObject", "s3:PutObject", false),
    actionCase("s3:GetObject", "s3:GetObjectAcl", false),
    actionCase("s3:getobject", "s3:GetObject", true),
    actionCase("S3:GETOBJECT", "s3:GetObject", true),
    actionCase("s3:GetObject", "S3:getobject", true),
    actionCase("s3:*", "s3:GetObject", true),
    actionCase("s3:*", "s3:ListBucket", true),
    actionCase("s3:*", "kms:Decrypt", false),
    actionCase("*", "s3:GetObject", true),
    actionCase("*", "kms:Decrypt", true),
    actionCase("s3:Get*", "s3:GetObject", true),
    actionCase("s3:Get*", "s3:GetBucketPolicy", true),
    actionCase("s3:Get*", "s3:PutObject", false),
    actionCase("s3:get*", "s3:GetObjectVersion", true),
    actionCase("s3:*Object", "s3:PutObject", true),
    actionCase("s3:*Object", "s3:PutObjectAcl", false),
    actionCase("s3:*Object*", "s3:PutObjectAcl", true),
    actionCase("s3:?etObject", "s3:GetObject", true),
    actionCase("s3:?etObject", "s3:SetObject", true),
    actionCase("s3:?etObject", "s3:GGetObject", false),
    actionCase("s3:GetObjec?", "s3:GetObject", true),
    actionCase("s3:GetObjec?", "s3:GetObjec", false),
    actionCase("s3:Get*Tagging", "s3:GetObjectTagging", true),
    actionCase("s3:Get*Tagging", "s3:GetBucketTagging", true),
    actionCase("s3:Get*Tagging", "s3:PutObjectTagging", false),
    actionCase(["s3:GetObject", "s3:PutObject"], "s3:PutObject", true),
    actionCase(["s3:GetObject", "s3:PutObject"], "s3:DeleteObject", false),
    actionCase(["kms:Decrypt", "s3:List*"], "s3:ListBucket", true),
    actionCase("s3:", "s3:GetObject", false),
    actionCase("GetObject", "s3:GetObject", false),
    actionCase("s3*", "s3:GetObject", true),
    actionCase("s3:GetObject ", "s3:GetObject", false),
    actionCase("kms:*", "kms:GenerateDataKey", true),
    actionCase("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", true),
  ]);
});

describe("Action in deny statements", () => {
  runCases([
    {
      name: "deny with wildcard action beats an exact allow",
      policies: {
        identityPolicies: [named("p", allow("s3:DeleteObject", "*"), deny("s3:Delete*", "*"))],
      },
      request: { action: "s3:DeleteObject" },
      decision: "explicit-deny",
      deciding: ["p[1]"],
    },
    {
      name: "deny of another action leaves the allow in place",
      policies: {
        identityPolicies: [named("p", allow("s3:*", "*"), deny("s3:DeleteObject", "*"))],
      },
      request: { action: "s3:GetObject" },
      decision: "allowed",
      deciding: ["p[0]"],
    },
    {
      name: "deny matches case-insensitively",
      policies: { identityPolicies: [named("p", allow("s3:*", "*"), deny("S3:PUTOBJECT", "*"))] },
      request: { action: "s3:PutObject" },
      decision: "explicit-deny",
      deciding: ["p[1]"],
    },
    {
      name: "two allows in two policies are both deciding",
      policies: {
        identityPolicies: [
          named("a", allow("s3:GetObject", "*")),
          named("b", allow("s3:Get*", "*")),
        ],
      },
      request: { action: "s3:GetObject" },
      decision: "allowed",
      deciding: ["a[0]", "b[0]"],
    },
    {
      name: "no policies at all is an implicit deny",
      policies: {},
      request: { action: "s3:GetObject" },
      decision: "implicit-deny",
      blockedBy: "no-allow",
    },
  ]);
});
