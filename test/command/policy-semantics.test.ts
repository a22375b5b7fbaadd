// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// policy debug and policy fix follow AWS's documented semantics where a Deny depends on it,
// run as commands: unset policy variables in negated operators deny, a typo in a
// condition operator is an invalid policy (not a Deny that silently never applies), dates
// without a zone mean the same on every host, the bucket's account is taken into account,
// and an explicit deny says what in the request it matched.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

const dir = mkdtempSync(join(tmpdir(), "s3kit-policy-semantics-"));
const BUCKET = "team-reports";

function file(name: string, ...Statement: object[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Version: "2012-10-17", Statement }, null, 2));
  return path;
}

const readReports = {
  Sid: "ReadReports",
  Effect: "Allow",
  Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
  Resource: `arn:aws:s3:::${BUCKET}/*`,
};
const readAll = file("read-all.json", readReports);

describe("a Deny with StringNotEquals against an unset principal tag (AWS's own example)", () => {
  const teamGuard = file("team-guard.json", {
    Sid: "OwnTeamOnly",
    Effect: "Deny",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${BUCKET}/*`,
    Condition: { StringNotEquals: { "s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}" } },
  });
  const debug = (...context: string[]) =>
    runInProcess([
      "policy",
      "debug",
      "--policy-file",
      readAll,
      teamGuard,
      "--bucket",
      BUCKET,
      "--key",
      "q1.csv",
      "--action",
      "s3:GetObject",
      "--context",
      ...context,
      "--json",
    ]);

  it("denies a caller without the tag (it said allowed before)", async () => {
    const { code, stdout } = await debug("s3:ExistingObjectTag/Team=blue");
    expect(code).toBe(0);
    const [result] = JSON.parse(stdout).results;
    expect(result.decision).toBe("explicit-deny");
    expect(result.diagnoses[0].message).toContain(
      "${aws:PrincipalTag/Team} has no value in this request",
    );
  });

  it("allows the caller of the same team, denies another team", async () => {
    const same = await debug("s3:ExistingObjectTag/Team=blue", "aws:PrincipalTag/Team=blue");
    expect(JSON.parse(same.stdout).results[0].decision).toBe("allowed");
    const other = await debug("s3:ExistingObjectTag/Team=blue", "aws:PrincipalTag/Team=red");
    expect(JSON.parse(other.stdout).results[0].decision).toBe("explicit-deny");
  });
});

describe("an unknown condition operator makes the policy invalid", () => {
  const typo = file("typo.json", {
    Sid: "DenyOtherNetworks",
    Effect: "Deny",
    Action: "s3:*",
    Resource: `arn:aws:s3:::${BUCKET}/*`,
    Condition: { StringEqualz: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
  });
  const nullIfExists = file("null-if-exists.json", {
    Effect: "Deny",
    Action: "s3:*",
    Resource: `arn:aws:s3:::${BUCKET}/*`,
    Condition: { NullIfExists: { "aws:SourceVpce": "true" } },
  });

  it.each([
    ["debug", "StringEqualz", typo, 'Statement[0] (Sid "DenyOtherNetworks")'],
    ["fix", "StringEqualz", typo, 'Statement[0] (Sid "DenyOtherNetworks")'],
    ["debug", "NullIfExists", nullIfExists, "Statement[0]"],
    ["fix", "NullIfExists", nullIfExists, "Statement[0]"],
  ])(
    "policy %s with %s: exit 2 naming the statement and the operator",
    async (verb, op, path, where) => {
      const { code, stdout, stderr } = await runInProcess([
        "policy",
        verb,
        "--policy-file",
        readAll,
        path,
        "--bucket",
        BUCKET,
        "--key",
        "q1.csv",
      ]);
      expect(code, stdout).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(where);
      expect(stderr).toContain(`"${op}" is not a condition operator`);
    },
  );
});

describe("the bucket in another account (--bucket-account)", () => {
  const PARTNER = "arn:aws:iam::444455556666:user/partner";
  const bucketPolicy = file("bucket-policy.json", {
    Sid: "PartnerReads",
    Effect: "Allow",
    Principal: { AWS: PARTNER },
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${BUCKET}/*`,
  });
  const nothing = file("nothing.json", {
    Sid: "Unrelated",
    Effect: "Allow",
    Action: "sqs:SendMessage",
    Resource: "*",
  });
  const args = [
    "policy",
    "debug",
    "--policy-file",
    nothing,
    "--bucket-policy-file",
    bucketPolicy,
    "--principal-arn",
    PARTNER,
    "--bucket",
    BUCKET,
    "--key",
    "q1.csv",
    "--action",
    "s3:GetObject",
  ];

  it("needs the caller's own policies too: the cross-account diagnosis", async () => {
    const { code, stdout } = await runInProcess([
      ...args,
      "--bucket-account",
      "111122223333",
      "--json",
    ]);
    expect(code).toBe(0);
    const [result] = JSON.parse(stdout).results;
    expect(result).toMatchObject({
      decision: "implicit-deny",
      blockedBy: "identity-policy",
      crossAccount: true,
    });
    expect(result.diagnoses.map((d: { id: string }) => d.id)).toContain("cross-account-identity");
    expect(result.context).toMatchObject({ "aws:ResourceAccount": "111122223333" });
  });

  it("without it, says the bucket was taken to be in the caller's account", async () => {
    const { code, stdout, stderr } = await runInProcess(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ s3:GetObject allowed/);
    expect(stderr).toContain("--bucket-account");
  });

  it("a bad account id is exit 2", async () => {
    const { code, stderr } = await runInProcess([...args, "--bucket-account", "12345"]);
    expect(code).toBe(2);
    expect(stderr).toContain("12 digits");
  });
});

describe("an explicit deny says what in the request it matched", () => {
  const denyDeletes = file("deny-deletes.json", readReports, {
    Sid: "NoDeletesFromOutside",
    Effect: "Deny",
    Action: "s3:Delete*",
    Resource: `arn:aws:s3:::${BUCKET}/archive/*`,
    Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
  });

  it("names the action, resource and condition values that matched", async () => {
    const { stdout } = await runInProcess([
      "policy",
      "debug",
      "--policy-file",
      denyDeletes,
      "--bucket",
      BUCKET,
      "--key",
      "archive/2023.csv",
      "--action",
      "s3:DeleteObject",
      "--context",
      "aws:SourceIp=203.0.113.9",
    ]);
    expect(stdout).toContain(
      `Its Action "s3:Delete*" matches s3:DeleteObject, its Resource "arn:aws:s3:::${BUCKET}/archive/*" matches arn:aws:s3:::${BUCKET}/archive/2023.csv, and its condition NotIpAddress aws:SourceIp ["10.0.0.0/8"] holds (the request has "203.0.113.9").`,
    );
  });
});
