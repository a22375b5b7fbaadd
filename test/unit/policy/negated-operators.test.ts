// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// Negated condition operators where a value is missing, as the IAM documentation has it:
// - "If the key that you specify in a policy condition is not present in the request
//   context … If the policy condition requires that the key is not matched, such as
//   StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
//   (Condition operators)
// - "Inverted condition operators like StringNotEquals or StringNotLike do match against a
//   null value": a policy variable with no value is null, nothing equals it, and the
//   documented Deny with StringNotEquals on an unset principal tag denies.
//   (Policy variables with no value)
// A negated operator must never fail open: a Deny guarded by one applies.
import { describe, expect, it } from "vitest";
import { createEvaluator } from "../../../src/core/policy/evaluate.js";
import { ALICE, allow, deny, type EvalCase, named, runCases } from "./helpers.js";

const BUCKET_OBJECTS = "arn:aws:s3:::amzn-s3-demo-bucket/*";
const OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/reports/2024.csv";

/** A broad Allow and one Deny with the condition: does the Deny apply? */
function denyCase(
  operator: string,
  key: string,
  value: string,
  context: Record<string, string>,
  denies: boolean,
): EvalCase {
  const shown = Object.keys(context).length ? JSON.stringify(context) : "{}";
  return {
    name: `Deny ${operator} ${key}=${value} with ${shown} → ${denies ? "denies" : "does not deny"}`,
    policies: {
      identityPolicies: [
        named(
          "p",
          allow("s3:*", "*"),
          deny("s3:GetObject", BUCKET_OBJECTS, { [operator]: { [key]: value } }),
        ),
      ],
    },
    request: { action: "s3:GetObject", resource: OBJECT, context },
    decision: denies ? "explicit-deny" : "allowed",
  };
}

const TEAM = "${aws:PrincipalTag/Team}";

describe("the documented Deny: StringNotEquals s3:ExistingObjectTag/Team = ${aws:PrincipalTag/Team}", () => {
  runCases([
    denyCase(
      "StringNotEquals",
      "s3:ExistingObjectTag/Team",
      TEAM,
      { "s3:ExistingObjectTag/Team": "blue", "aws:PrincipalTag/Team": "blue" },
      false,
    ),
    denyCase(
      "StringNotEquals",
      "s3:ExistingObjectTag/Team",
      TEAM,
      { "s3:ExistingObjectTag/Team": "blue", "aws:PrincipalTag/Team": "red" },
      true,
    ),
    // The principal has no Team tag: access is denied (the case s3kit answered "allowed").
    denyCase(
      "StringNotEquals",
      "s3:ExistingObjectTag/Team",
      TEAM,
      { "s3:ExistingObjectTag/Team": "blue" },
      true,
    ),
    // Neither the object nor the principal has the tag: the key is missing, still denied.
    denyCase("StringNotEquals", "s3:ExistingObjectTag/Team", TEAM, {}, true),
  ]);
});

// Every negated operator that takes policy variables, with and without IfExists, with the
// key present or missing: an unset variable never matches, so the negation holds.
const VARIABLE_OPERATORS: [string, string, string][] = [
  ["StringNotEquals", "s3:ExistingObjectTag/Team", "blue"],
  ["StringNotLike", "s3:ExistingObjectTag/Team", "blue"],
  ["StringNotEqualsIgnoreCase", "s3:ExistingObjectTag/Team", "blue"],
  ["ArnNotEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic"],
  ["ArnNotLike", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic"],
];

describe("negated operators with a policy variable that has no value", () => {
  const cases: EvalCase[] = [];
  for (const [op, key, present] of VARIABLE_OPERATORS) {
    for (const suffix of ["", "IfExists"]) {
      const variable = op.startsWith("Arn") ? "${aws:PrincipalTag/TopicArn}" : TEAM;
      cases.push(denyCase(`${op}${suffix}`, key, variable, { [key]: present }, true));
      cases.push(denyCase(`${op}${suffix}`, key, variable, {}, true));
    }
  }
  runCases(cases);
});

describe("negated operators with a missing key, with and without IfExists", () => {
  const cases: EvalCase[] = [];
  const operators: [string, string, string][] = [
    ["StringNotEquals", "s3:x-amz-acl", "private"],
    ["StringNotLike", "s3:prefix", "home/*"],
    ["StringNotEqualsIgnoreCase", "s3:x-amz-acl", "PRIVATE"],
    ["ArnNotEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic"],
    ["ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*"],
    ["NotIpAddress", "aws:SourceIp", "10.0.0.0/8"],
    ["NumericNotEquals", "s3:max-keys", "10"],
    ["DateNotEquals", "aws:TokenIssueTime", "2024-01-01T00:00:00Z"],
  ];
  for (const [op, key, value] of operators) {
    for (const suffix of ["", "IfExists"])
      cases.push(denyCase(`${op}${suffix}`, key, value, {}, true));
  }
  runCases(cases);
});

describe("positive operators with a policy variable that has no value do not match", () => {
  runCases([
    denyCase(
      "StringEquals",
      "s3:ExistingObjectTag/Team",
      TEAM,
      { "s3:ExistingObjectTag/Team": "blue" },
      false,
    ),
    denyCase(
      "StringLike",
      "s3:ExistingObjectTag/Team",
      TEAM,
      { "s3:ExistingObjectTag/Team": "" },
      false,
    ),
    // A default value stands in for the missing variable.
    denyCase(
      "StringNotEquals",
      "s3:ExistingObjectTag/Team",
      "${aws:PrincipalTag/Team, 'blue'}",
      { "s3:ExistingObjectTag/Team": "blue" },
      false,
    ),
  ]);

  it("explains the unset variable in the trace", () => {
    const ev = createEvaluator({
      identityPolicies: [
        named(
          "p",
          deny("s3:GetObject", BUCKET_OBJECTS, {
            StringNotEquals: { "s3:ExistingObjectTag/Team": TEAM },
          }),
        ),
      ],
    });
    const r = ev.evaluate({
      action: "s3:GetObject",
      resource: OBJECT,
      principal: ALICE,
      context: { "s3:ExistingObjectTag/Team": "blue" },
    });
    expect(r.decision).toBe("explicit-deny");
    expect(r.statements[0]?.conditions[0]).toMatchObject({
      result: true,
      note: expect.stringContaining("${aws:PrincipalTag/Team} has no value"),
    });
  });
});

describe("NotResource with a policy variable that has no value", () => {
  // "the resource that includes a policy variable with no value will not match any
  // resource": the Deny's exception does not exist, so the Deny covers everything.
  runCases([
    {
      name: "Deny NotResource home/${aws:username}/* for a role session: denies",
      policies: {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Effect: "Deny",
            Action: "s3:GetObject",
            NotResource: "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*",
          }),
        ],
      },
      request: {
        principal: "arn:aws:sts::111122223333:assumed-role/app/worker",
        resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/worker/a.txt",
      },
      decision: "explicit-deny",
    },
  ]);
});

describe("an unknown condition operator", () => {
  it.each(["StringEqualz", "NullIfExists", "ForAnyValue:Nope"])(
    "%s makes the policy invalid input, naming the statement",
    (operator) => {
      const policies = {
        identityPolicies: [
          named("p", allow("s3:*", "*"), {
            Sid: "Guard",
            Effect: "Deny",
            Action: "s3:*",
            Resource: "*",
            Condition: { [operator]: { "aws:SourceVpce": "vpce-1" } },
          }),
        ],
      };
      expect(() => createEvaluator(policies)).toThrow(
        new RegExp(`Statement\\[1\\] \\(Sid "Guard"\\): "${operator}" is not a condition operator`),
      );
      try {
        createEvaluator(policies);
      } catch (err) {
        expect(err).toMatchObject({ code: "invalid-policy", exitCode: 2 });
      }
    },
  );
});
