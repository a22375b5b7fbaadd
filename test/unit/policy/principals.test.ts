import { describe } from "vitest";
import type { PrincipalElement } from "../../../src/core/policy/types.js";
import {
  ACCOUNT,
  ALICE,
  BOB,
  type EvalCase,
  named,
  OBJECT,
  OTHER_ACCOUNT,
  ROLE,
  runCases,
  SESSION,
} from "./helpers.js";

// Principal / NotPrincipal matching in a bucket policy. The caller has no identity
// policy, so an allow can only come from the bucket policy naming it directly.
function bucketPolicy(
  principal: PrincipalElement,
  effect: "Allow" | "Deny" = "Allow",
  not = false,
) {
  return named("bucket", {
    Effect: effect,
    ...(not ? { NotPrincipal: principal } : { Principal: principal }),
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*",
  });
}

function principalCase(
  name: string,
  principal: PrincipalElement,
  caller: string,
  decision: EvalCase["decision"],
  extra: Partial<EvalCase> = {},
): EvalCase {
  return {
    name,
    policies: { resourcePolicy: bucketPolicy(principal) },
    request: { principal: caller, resource: OBJECT, resourceAccount: ACCOUNT },
    decision,
    ...(decision === "allowed" ? { deciding: ["bucket[0]"] } : {}),
    ...extra,
  };
}

describe("Principal element", () => {
  runCases([
    principalCase('"*" grants an IAM user', "*", ALICE, "allowed"),
    principalCase('"*" grants an anonymous caller', "*", "anonymous", "allowed"),
    principalCase('{"AWS":"*"} grants an IAM user', { AWS: "*" }, ALICE, "allowed"),
    principalCase('{"AWS":"*"} grants an anonymous caller', { AWS: "*" }, "anonymous", "allowed"),
    principalCase('"*" grants a role session', "*", SESSION, "allowed"),
    principalCase('"*" grants a service', "*", "cloudtrail.amazonaws.com", "allowed"),
    principalCase("user ARN grants that user", { AWS: ALICE }, ALICE, "allowed"),
    principalCase("user ARN does not grant another user", { AWS: ALICE }, BOB, "implicit-deny"),
    principalCase(
      "user ARN is case-sensitive",
      { AWS: `arn:aws:iam::${ACCOUNT}:user/Alice` },
      ALICE,
      "implicit-deny",
    ),
    principalCase("list of user ARNs", { AWS: [BOB, ALICE] }, ALICE, "allowed"),
    principalCase("role ARN grants a session of that role", { AWS: ROLE }, SESSION, "allowed"),
    principalCase(
      "role ARN with a path grants a session of that role",
      { AWS: `arn:aws:iam::${ACCOUNT}:role/team/app` },
      SESSION,
      "allowed",
    ),
    principalCase(
      "role ARN does not grant a session of another role",
      { AWS: `arn:aws:iam::${ACCOUNT}:role/other` },
      SESSION,
      "implicit-deny",
    ),
    principalCase("session ARN grants that session", { AWS: SESSION }, SESSION, "allowed"),
    principalCase(
      "session ARN does not grant another session of the same role",
      { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/app/other` },
      SESSION,
      "implicit-deny",
    ),
    principalCase("role ARN given as caller means a session of it", { AWS: ROLE }, ROLE, "allowed"),
    principalCase(
      "account ID alone only delegates: no identity allow, no access",
      { AWS: ACCOUNT },
      ALICE,
      "implicit-deny",
      { blockedBy: "account-delegation" },
    ),
    principalCase(
      "account root ARN only delegates as well",
      { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      ALICE,
      "implicit-deny",
      { blockedBy: "account-delegation" },
    ),
    principalCase(
      "other account's ID does not name this user",
      { AWS: OTHER_ACCOUNT },
      ALICE,
      "implicit-deny",
      {
        blockedBy: "no-allow",
      },
    ),
    principalCase(
      "service principal grants that service",
      { Service: "logging.s3.amazonaws.com" },
      "logging.s3.amazonaws.com",
      "allowed",
    ),
    principalCase(
      "service principal does not grant another service",
      { Service: "logging.s3.amazonaws.com" },
      "cloudtrail.amazonaws.com",
      "implicit-deny",
    ),
    principalCase(
      "service principal does not grant an IAM user",
      { Service: "cloudtrail.amazonaws.com" },
      ALICE,
      "implicit-deny",
    ),
    principalCase(
      "user ARN does not grant anonymous",
      { AWS: ALICE },
      "anonymous",
      "implicit-deny",
    ),
    principalCase(
      "federated user session ARN grants that session",
      { AWS: `arn:aws:sts::${ACCOUNT}:federated-user/carol` },
      `arn:aws:sts::${ACCOUNT}:federated-user/carol`,
      "allowed",
    ),
    principalCase(
      "wildcards inside a principal ARN are not supported",
      { AWS: `arn:aws:iam::${ACCOUNT}:user/*` },
      ALICE,
      "implicit-deny",
    ),
    principalCase(
      "mixed AWS and Service lists",
      { AWS: [BOB], Service: ["cloudtrail.amazonaws.com"] },
      "cloudtrail.amazonaws.com",
      "allowed",
    ),
  ]);
});

function notPrincipalDeny(
  listed: string[],
  caller: string,
  decision: EvalCase["decision"],
): EvalCase {
  return {
    name: `Deny NotPrincipal [${listed.map((l) => l.split(":").pop()).join(", ")}] → ${caller.split(":").pop()} ${decision}`,
    policies: {
      resourcePolicy: named(
        "bucket",
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" },
        { Effect: "Deny", NotPrincipal: { AWS: listed }, Action: "s3:*", Resource: "*" },
      ),
    },
    request: { principal: caller },
    decision,
  };
}

describe("NotPrincipal element", () => {
  const root = `arn:aws:iam::${ACCOUNT}:root`;
  runCases([
    notPrincipalDeny([ALICE, root], ALICE, "allowed"),
    notPrincipalDeny([ALICE, root], BOB, "explicit-deny"),
    notPrincipalDeny([ALICE, ACCOUNT], ALICE, "allowed"),
    // AWS documents that leaving the account out can deny the user: s3kit assumes it does.
    notPrincipalDeny([ALICE], ALICE, "explicit-deny"),
    notPrincipalDeny([SESSION, ROLE, root], SESSION, "allowed"),
    notPrincipalDeny([ROLE, root], SESSION, "explicit-deny"),
    notPrincipalDeny([SESSION, root], SESSION, "explicit-deny"),
    notPrincipalDeny([ALICE, root], "anonymous", "explicit-deny"),
    notPrincipalDeny([root], `arn:aws:iam::${ACCOUNT}:root`, "allowed"),
    {
      name: "Allow with NotPrincipal grants everyone not listed, even anonymous",
      policies: {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          NotPrincipal: { AWS: [BOB, `arn:aws:iam::${ACCOUNT}:root`] },
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      request: { principal: "anonymous" },
      decision: "allowed",
      deciding: ["bucket[0]"],
    },
    {
      name: "Allow with NotPrincipal does not grant the listed user",
      policies: {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          NotPrincipal: { AWS: [BOB, `arn:aws:iam::${ACCOUNT}:root`] },
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      request: { principal: BOB },
      decision: "implicit-deny",
    },
    {
      name: "Deny with NotPrincipal exempts a listed service",
      policies: {
        resourcePolicy: named(
          "bucket",
          { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "*" },
          {
            Effect: "Deny",
            NotPrincipal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "*",
          },
        ),
      },
      request: { principal: "logging.s3.amazonaws.com", action: "s3:PutObject" },
      decision: "allowed",
    },
  ]);
});

describe("Principal in identity policies is ignored by evaluation", () => {
  runCases([
    {
      name: "identity policy statements apply to the caller whatever Principal says",
      policies: {
        identityPolicies: [
          named("p", {
            Effect: "Allow",
            Principal: { AWS: BOB },
            Action: "s3:GetObject",
            Resource: "*",
          }),
        ],
      },
      request: { principal: ALICE },
      decision: "allowed",
      deciding: ["p[0]"],
    },
    {
      name: "identity policies do not apply to anonymous callers",
      policies: {
        identityPolicies: [named("p", { Effect: "Allow", Action: "s3:*", Resource: "*" })],
      },
      request: { principal: "anonymous" },
      decision: "implicit-deny",
    },
    {
      name: "identity denies do not apply to services",
      policies: {
        identityPolicies: [named("p", { Effect: "Deny", Action: "s3:*", Resource: "*" })],
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:*",
          Resource: "*",
        }),
      },
      request: { principal: "cloudtrail.amazonaws.com" },
      decision: "allowed",
      deciding: ["bucket[0]"],
    },
  ]);
});
