// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
import { describe } from "vitest";
import { ACCOUNT, allow, type EvalCase, named, ROLE, runCases, SESSION } from "./helpers.js";

// Policy variables in Resource and Condition values.
function resourceVarCase(
  name: string,
  pattern: string,
  resource: string,
  decision: EvalCase["decision"],
  extra: Partial<EvalCase["request"]> = {},
  version = "2012-10-17",
): EvalCase {
  return {
    name,
    policies: {
      identityPolicies: [
        {
          name: "p",
          document: { Version: version, Statement: [allow("s3:*", pattern)] },
        },
      ],
    },
    request: { resource, ...extra },
    decision,
  };
}

const ALICE_HOME = "arn:aws:s3:::b/home/alice/notes.txt";

describe("Variables in Resource", () => {
  runCases([
    resourceVarCase(
      "${aws:username} is the user name",
      "arn:aws:s3:::b/home/${aws:username}/*",
      ALICE_HOME,
      "allowed",
    ),
    resourceVarCase(
      "${aws:username} does not open another user's home",
      "arn:aws:s3:::b/home/${aws:username}/*",
      "arn:aws:s3:::b/home/bob/x",
      "implicit-deny",
    ),
    resourceVarCase(
      "variable names are case-insensitive",
      "arn:aws:s3:::b/home/${AWS:UserName}/*",
      ALICE_HOME,
      "allowed",
    ),
    resourceVarCase(
      "role sessions have no aws:username: no match",
      "arn:aws:s3:::b/home/${aws:username}/*",
      "arn:aws:s3:::b/home/app/x",
      "implicit-deny",
      { principal: SESSION },
    ),
    resourceVarCase(
      "a default value stands in for a missing key",
      "arn:aws:s3:::b/home/${aws:username, 'shared'}/*",
      "arn:aws:s3:::b/home/shared/x",
      "allowed",
      { principal: SESSION },
    ),
    resourceVarCase(
      "the default is not used when the key exists",
      "arn:aws:s3:::b/home/${aws:username, 'shared'}/*",
      "arn:aws:s3:::b/home/shared/x",
      "implicit-deny",
    ),
    resourceVarCase(
      "a doubled quote in a default is one quote",
      "arn:aws:s3:::b/${aws:username, 'it''s'}/*",
      "arn:aws:s3:::b/it's/x",
      "allowed",
      { principal: SESSION },
    ),
    resourceVarCase(
      "${aws:userid} for a role session is ROLEID:session",
      "arn:aws:s3:::b/${aws:userid}/*",
      "arn:aws:s3:::b/AROAEXAMPLE:worker/x",
      "allowed",
      { principal: SESSION, context: { "aws:userid": "AROAEXAMPLE:worker" } },
    ),
    resourceVarCase(
      "${aws:PrincipalTag/team}",
      "arn:aws:s3:::b/teams/${aws:PrincipalTag/team}/*",
      "arn:aws:s3:::b/teams/data/x",
      "allowed",
      { context: { "aws:PrincipalTag/team": "data" } },
    ),
    resourceVarCase(
      "missing principal tag: no match",
      "arn:aws:s3:::b/teams/${aws:PrincipalTag/team}/*",
      "arn:aws:s3:::b/teams/data/x",
      "implicit-deny",
    ),
    resourceVarCase(
      "a substituted value is literal, not a wildcard",
      "arn:aws:s3:::b/teams/${aws:PrincipalTag/team}/x",
      "arn:aws:s3:::b/teams/anything/x",
      "implicit-deny",
      { context: { "aws:PrincipalTag/team": "*" } },
    ),
    resourceVarCase(
      "${*} is a literal asterisk",
      "arn:aws:s3:::b/literal${*}star",
      "arn:aws:s3:::b/literal*star",
      "allowed",
    ),
    resourceVarCase(
      "${*} does not act as a wildcard",
      "arn:aws:s3:::b/literal${*}star",
      "arn:aws:s3:::b/literalXstar",
      "implicit-deny",
    ),
    resourceVarCase(
      "${?} is a literal question mark",
      "arn:aws:s3:::b/what${?}",
      "arn:aws:s3:::b/what?",
      "allowed",
    ),
    resourceVarCase(
      "${?} does not match another char",
      "arn:aws:s3:::b/what${?}",
      "arn:aws:s3:::b/whatX",
      "implicit-deny",
    ),
    resourceVarCase(
      "${$} is a literal dollar",
      "arn:aws:s3:::b/${$}{x}",
      "arn:aws:s3:::b/${x}",
      "allowed",
    ),
    resourceVarCase(
      "Version 2008-10-17: variables are literal text",
      "arn:aws:s3:::b/home/${aws:username}/*",
      ALICE_HOME,
      "implicit-deny",
      {},
      "2008-10-17",
    ),
    resourceVarCase(
      "Version 2008-10-17: literal text matches literally",
      "arn:aws:s3:::b/home/${aws:username}/*",
      "arn:aws:s3:::b/home/${aws:username}/x",
      "allowed",
      {},
      "2008-10-17",
    ),
    resourceVarCase(
      "multi-valued keys cannot be substituted",
      "arn:aws:s3:::b/${aws:TagKeys}/*",
      "arn:aws:s3:::b/a/x",
      "implicit-deny",
      { context: { "aws:TagKeys": ["a", "b"] } },
    ),
    resourceVarCase(
      "a malformed variable stays text",
      "arn:aws:s3:::b/${aws:username/*",
      "arn:aws:s3:::b/${aws:username/x",
      "allowed",
    ),
    resourceVarCase(
      "${aws:PrincipalAccount} is derived from the caller ARN",
      "arn:aws:s3:::b/${aws:PrincipalAccount}/*",
      `arn:aws:s3:::b/${ACCOUNT}/x`,
      "allowed",
    ),
  ]);
});

function conditionVarCase(
  name: string,
  condition: Record<string, Record<string, string | string[]>>,
  context: Record<string, string | string[]>,
  decision: EvalCase["decision"],
  principal?: string,
): EvalCase {
  return {
    name,
    policies: {
      identityPolicies: [named("p", allow("s3:ListBucket", "arn:aws:s3:::b", condition))],
    },
    request: {
      action: "s3:ListBucket",
      resource: "arn:aws:s3:::b",
      context,
      ...(principal ? { principal } : {}),
    },
    decision,
  };
}

describe("Variables in Condition values", () => {
  runCases([
    conditionVarCase(
      "s3:prefix home/${aws:username}/*",
      { StringLike: { "s3:prefix": "home/${aws:username}/*" } },
      { "s3:prefix": "home/alice/docs/" },
      "allowed",
    ),
    conditionVarCase(
      "s3:prefix of another user",
      { StringLike: { "s3:prefix": "home/${aws:username}/*" } },
      { "s3:prefix": "home/bob/" },
      "implicit-deny",
    ),
    conditionVarCase(
      "AWS doc example: list root, home/ and own home",
      { StringLike: { "s3:prefix": ["", "home/", "home/${aws:username}/"] } },
      { "s3:prefix": "home/" },
      "allowed",
    ),
    conditionVarCase(
      "StringEquals with a variable",
      { StringEquals: { "s3:prefix": "${aws:username}" } },
      { "s3:prefix": "alice" },
      "allowed",
    ),
    conditionVarCase(
      "unresolved variable: the condition fails",
      { StringLike: { "s3:prefix": "home/${aws:username}/*" } },
      { "s3:prefix": "home/app/" },
      "implicit-deny",
      SESSION,
    ),
    // IAM: "Inverted condition operators like StringNotEquals or StringNotLike do match
    // against a null value" (Policy variables with no value).
    conditionVarCase(
      "unresolved variable in a negated operator: the negation holds",
      { StringNotLike: { "s3:prefix": "home/${aws:username}/*" } },
      { "s3:prefix": "tmp/" },
      "allowed",
      SESSION,
    ),
    conditionVarCase(
      "ArnEquals with ${aws:PrincipalArn}",
      { ArnEquals: { "aws:SourceArn": "${aws:PrincipalArn}" } },
      { "aws:SourceArn": ROLE },
      "allowed",
      SESSION,
    ),
    conditionVarCase(
      "${s3:prefix} can be used as a variable",
      { StringEquals: { "aws:PrincipalTag/home": "${s3:prefix}" } },
      { "s3:prefix": "home/x/", "aws:PrincipalTag/home": "home/x/" },
      "allowed",
    ),
    conditionVarCase(
      "variables are not substituted in Numeric values",
      { NumericLessThan: { "s3:max-keys": "${aws:PrincipalTag/max}" } },
      { "s3:max-keys": "5", "aws:PrincipalTag/max": "10" },
      "implicit-deny",
    ),
    conditionVarCase(
      "StringLike with a variable and ${*} literal",
      { StringLike: { "s3:prefix": "${aws:username}${*}" } },
      { "s3:prefix": "alice*" },
      "allowed",
    ),
  ]);
});
