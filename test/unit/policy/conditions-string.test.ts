import { describe } from "vitest";
import { allow, conditionCase, named, runCases } from "./helpers.js";

const K = "s3:x-amz-acl";

describe("String condition operators", () => {
  runCases([
    conditionCase("StringEquals", K, "private", "private", true),
    conditionCase("StringEquals", K, "private", "Private", false),
    conditionCase("StringEquals", K, ["public-read", "private"], "private", true),
    conditionCase("StringEquals", K, ["public-read", "authenticated-read"], "private", false),
    conditionCase("StringEquals", K, "priv*", "private", false),
    conditionCase("StringEquals", K, "priv*", "priv*", true),
    conditionCase("StringEquals", K, "private", undefined, false),
    conditionCase("StringEquals", K, "", "", true),
    conditionCase("StringNotEquals", K, "private", "public-read", true),
    conditionCase("StringNotEquals", K, "private", "private", false),
    conditionCase("StringNotEquals", K, ["a", "b"], "b", false),
    conditionCase("StringNotEquals", K, ["a", "b"], "c", true),
    conditionCase("StringNotEquals", K, "private", undefined, true),
    conditionCase("StringEqualsIgnoreCase", K, "PRIVATE", "private", true),
    conditionCase("StringEqualsIgnoreCase", K, "private", "PrIvAtE", true),
    conditionCase("StringEqualsIgnoreCase", K, "private", "public", false),
    conditionCase("StringEqualsIgnoreCase", K, "private", undefined, false),
    conditionCase("StringNotEqualsIgnoreCase", K, "PRIVATE", "private", false),
    conditionCase("StringNotEqualsIgnoreCase", K, "PRIVATE", "public", true),
    conditionCase("StringNotEqualsIgnoreCase", K, "PRIVATE", undefined, true),
    conditionCase("StringLike", "s3:prefix", "home/*", "home/alice/", true),
    conditionCase("StringLike", "s3:prefix", "home/*", "home/", true),
    conditionCase("StringLike", "s3:prefix", "home/*", "Home/alice", false),
    conditionCase("StringLike", "s3:prefix", "home/*", "", false),
    conditionCase("StringLike", "s3:prefix", ["", "home/*"], "", true),
    conditionCase("StringLike", "s3:prefix", "home/?", "home/a", true),
    conditionCase("StringLike", "s3:prefix", "home/?", "home/ab", false),
    conditionCase("StringLike", "s3:prefix", "*", "anything", true),
    conditionCase("StringLike", "s3:prefix", "*", undefined, false),
    conditionCase("StringLike", "s3:prefix", "a.c", "abc", false),
    conditionCase("StringLike", "s3:prefix", "*/reports/*", "x/reports/y", true),
    conditionCase("StringNotLike", "s3:prefix", "home/*", "tmp/x", true),
    conditionCase("StringNotLike", "s3:prefix", "home/*", "home/x", false),
    conditionCase("StringNotLike", "s3:prefix", ["home/*", "tmp/*"], "tmp/x", false),
    conditionCase("StringNotLike", "s3:prefix", "home/*", undefined, true),
    conditionCase("StringEquals", "aws:PrincipalTag/team", "data", "data", true),
    conditionCase("StringEquals", "aws:PrincipalTag/team", 42, "42", true),
    conditionCase("StringEquals", "aws:PrincipalTag/flag", true, "true", true),
  ]);
});

describe("Condition keys are case-insensitive, values follow the operator", () => {
  runCases([
    {
      name: "policy key in other case matches the request key",
      policies: {
        identityPolicies: [
          named("p", allow("s3:*", "*", { StringEquals: { "S3:X-AMZ-ACL": "private" } })),
        ],
      },
      request: { context: { "s3:x-amz-acl": "private" } },
      decision: "allowed",
    },
    {
      name: "request key in other case matches the policy key",
      policies: {
        identityPolicies: [
          named("p", allow("s3:*", "*", { StringEquals: { "aws:username": "alice" } })),
        ],
      },
      request: { context: { "AWS:UserName": "alice" } },
      decision: "allowed",
    },
    {
      name: "two keys under one operator are ANDed",
      policies: {
        identityPolicies: [
          named(
            "p",
            allow("s3:*", "*", {
              StringEquals: { "s3:x-amz-acl": "private", "aws:PrincipalTag/team": "a" },
            }),
          ),
        ],
      },
      request: { context: { "s3:x-amz-acl": "private", "aws:PrincipalTag/team": "b" } },
      decision: "implicit-deny",
    },
    {
      name: "two operators are ANDed",
      policies: {
        identityPolicies: [
          named(
            "p",
            allow("s3:*", "*", {
              StringEquals: { "s3:x-amz-acl": "private" },
              StringLike: { "s3:prefix": "home/*" },
            }),
          ),
        ],
      },
      request: { context: { "s3:x-amz-acl": "private", "s3:prefix": "home/x" } },
      decision: "allowed",
    },
    // An unknown operator (StringEqualz) makes the policy invalid: negated-operators.test.ts.
    {
      name: "operator names are accepted in any case",
      policies: {
        identityPolicies: [
          named("p", allow("s3:*", "*", { stringequals: { "s3:x-amz-acl": "private" } })),
        ],
      },
      request: { context: { "s3:x-amz-acl": "private" } },
      decision: "allowed",
    },
  ]);
});
