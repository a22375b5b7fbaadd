import { describe } from "vitest";
import { allow, type EvalCase, named, runCases } from "./helpers.js";

// Resource matching: exact ARNs, wildcards, case-sensitivity, lists, the bucket vs
// object ARN distinction that trips people up.
function resourceCase(pattern: string | string[], resource: string, ok: boolean): EvalCase {
  return {
    name: `${JSON.stringify(pattern)} ${ok ? "matches" : "does not match"} ${resource}`,
    policies: { identityPolicies: [named("p", allow("s3:*", pattern))] },
    request: { action: "s3:GetObject", resource },
    decision: ok ? "allowed" : "implicit-deny",
    ...(ok ? { deciding: ["p[0]"] } : {}),
  };
}

describe("Resource matching", () => {
  runCases([
    resourceCase("*", "arn:aws:s3:::b/k", true),
    resourceCase("arn:aws:s3:::b/k", "arn:aws:s3:::b/k", true),
    resourceCase("arn:aws:s3:::b/k", "arn:aws:s3:::b/K", false),
    resourceCase("arn:aws:s3:::B/k", "arn:aws:s3:::b/k", false),
    resourceCase("arn:aws:s3:::b", "arn:aws:s3:::b/k", false),
    resourceCase("arn:aws:s3:::b/*", "arn:aws:s3:::b/k", true),
    resourceCase("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", true),
    resourceCase("arn:aws:s3:::b/*", "arn:aws:s3:::b", false),
    resourceCase("arn:aws:s3:::b/*", "arn:aws:s3:::b/", true),
    resourceCase("arn:aws:s3:::b*", "arn:aws:s3:::b/k", true),
    resourceCase("arn:aws:s3:::b*", "arn:aws:s3:::bucket2/k", true),
    resourceCase("arn:aws:s3:::*", "arn:aws:s3:::b/k", true),
    resourceCase("arn:aws:s3:::*/k", "arn:aws:s3:::b/k", true),
    resourceCase("arn:aws:s3:::*/k", "arn:aws:s3:::b/j", false),
    resourceCase("arn:aws:s3:::b/home/*", "arn:aws:s3:::b/home/alice/x", true),
    resourceCase("arn:aws:s3:::b/home/*", "arn:aws:s3:::b/homes/x", false),
    resourceCase("arn:aws:s3:::b/home*", "arn:aws:s3:::b/homes/x", true),
    resourceCase("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/a.txt", true),
    resourceCase("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/ab.txt", false),
    resourceCase("arn:aws:s3:::b/*.jpg", "arn:aws:s3:::b/x/y.jpg", true),
    resourceCase("arn:aws:s3:::b/*.jpg", "arn:aws:s3:::b/x/y.JPG", false),
    resourceCase("arn:aws:s3:::b/*/in/*", "arn:aws:s3:::b/a/in/z", true),
    resourceCase("arn:aws:s3:::b/*/in/*", "arn:aws:s3:::b/a/out/z", false),
    resourceCase(["arn:aws:s3:::x/*", "arn:aws:s3:::b/*"], "arn:aws:s3:::b/k", true),
    resourceCase(["arn:aws:s3:::x/*", "arn:aws:s3:::y/*"], "arn:aws:s3:::b/k", false),
    resourceCase("arn:aws:s3:::b/a+b(c).txt", "arn:aws:s3:::b/a+b(c).txt", true),
    resourceCase("arn:aws:s3:::b/a.b", "arn:aws:s3:::b/axb", false),
    resourceCase("arn:aws:s3:::b/[ab]", "arn:aws:s3:::b/a", false),
    resourceCase("arn:aws:s3:::b/line\nbreak", "arn:aws:s3:::b/line\nbreak", true),
    resourceCase("arn:aws:s3:::b/*", "arn:aws:s3:::b/new\nline", true),
    resourceCase("arn:*:s3:::b/*", "arn:aws:s3:::b/k", true),
    resourceCase("arn:aws-cn:s3:::b/*", "arn:aws:s3:::b/k", false),
    resourceCase("arn:aws:s3:::prod-app-uploads/*", "arn:aws:s3:::dev-app-uploads/k", false),
  ]);
});

describe("Missing Resource element", () => {
  runCases([
    {
      name: "a statement without Resource matches nothing",
      policies: {
        identityPolicies: [
          {
            name: "p",
            document: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:*" } },
          },
        ],
      },
      request: {},
      decision: "implicit-deny",
    },
    {
      name: "a single statement object (not an array) works",
      policies: {
        identityPolicies: [
          {
            name: "p",
            document: {
              Version: "2012-10-17",
              Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
            },
          },
        ],
      },
      request: { resource: "arn:aws:s3:::b/x" },
      decision: "allowed",
      deciding: ["p[0]"],
    },
  ]);
});
