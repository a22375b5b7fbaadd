import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-program.js";

const dir = mkdtempSync(join(tmpdir(), "s3kit-policy-debug-"));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

const putOnBucketOnly = file("put-on-bucket.json", {
  Version: "2012-10-17",
  Statement: [
    { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::app-uploads" },
    {
      Sid: "Uploads",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::app-uploads",
    },
  ],
});

const prodPolicy = file("prod.json", {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ReadWrite",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: "arn:aws:s3:::prod-app-uploads/*",
    },
  ],
});

const readWrite = file("read-write.json", {
  Version: "2012-10-17",
  Statement: [
    { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::app-uploads" },
    {
      Sid: "Objects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: "arn:aws:s3:::app-uploads/*",
    },
  ],
});

const tlsOnly = file("tls-only.json", {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::app-uploads", "arn:aws:s3:::app-uploads/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});

interface JsonResult {
  action: string;
  resource: string;
  decision: string;
  deciding: { sid?: string; policy: string; kind: string; statement: unknown }[];
  statements: { sid?: string; applies: boolean; explanation: string }[];
  diagnoses: { id: string; message: string; fix: string }[];
}

async function debugJson(args: string[]) {
  const r = await runInProcess(["policy", "debug", "--json", ...args]);
  return { ...r, report: r.stdout ? JSON.parse(r.stdout) : undefined };
}

function result(report: { results: JsonResult[] }, action: string): JsonResult {
  const r = report.results.find((x) => x.action === action);
  if (!r) throw new Error(`no result for ${action}`);
  return r;
}

describe("policy debug (offline): the classic mistakes", () => {
  it("s3:PutObject granted on arn:aws:s3:::bucket only: missing /*", async () => {
    const { code, stdout, stderr } = await runInProcess([
      "policy",
      "debug",
      "--policy-file",
      putOnBucketOnly,
      "--bucket",
      "app-uploads",
      "--action",
      "s3:ListBucket",
      "s3:PutObject",
      "--key",
      "avatars/1.png",
    ]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("✓ s3:ListBucket allowed  arn:aws:s3:::app-uploads");
    expect(lines[1]).toContain('allowed by statement "List" of identity policy');
    expect(lines[1]).toContain('{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket"');
    expect(lines[2]).toBe("✗ s3:PutObject implicit-deny  arn:aws:s3:::app-uploads/avatars/1.png");
    expect(lines[3]).toContain('but statement "Uploads" of identity policy');
    expect(lines[3]).toContain(
      "Object actions need the object form arn:aws:s3:::app-uploads/KEY, here arn:aws:s3:::app-uploads/avatars/*.",
    );
    // The key's folder, not the whole bucket: the policy shows no prefix for the bucket.
    expect(lines[4]).toBe(
      `    Fix: Add "arn:aws:s3:::app-uploads/avatars/*" to the Resource of that statement (the key's folder, as the policies use no prefix for this bucket; "arn:aws:s3:::app-uploads/*" would allow every key of the bucket).`,
    );
  });

  it("a policy for prod-app-uploads used against dev-app-uploads: the near miss is called out", async () => {
    const { code, report } = await debugJson([
      "--policy-file",
      prodPolicy,
      "--bucket",
      "dev-app-uploads",
      "--action",
      "s3:PutObject",
      "--key",
      "a.png",
    ]);
    expect(code).toBe(0);
    const r = result(report, "s3:PutObject");
    expect(r.decision).toBe("implicit-deny");
    expect(r.diagnoses).toEqual([
      expect.objectContaining({
        id: "bucket-mismatch",
        message: expect.stringContaining("another environment (prod instead of dev)"),
        fix: 'Change "prod-app-uploads" to "dev-app-uploads" in that statement\'s Resource.',
      }),
    ]);
  });

  it("quotes an explicit deny", async () => {
    const noDeletes = file("no-deletes.json", {
      Version: "2012-10-17",
      Statement: [
        { Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::app-uploads/*" },
        {
          Sid: "NoDeletes",
          Effect: "Deny",
          Action: "s3:DeleteObject",
          Resource: "arn:aws:s3:::app-uploads/*",
        },
      ],
    });
    const human = await runInProcess([
      "policy",
      "debug",
      "--policy-file",
      noDeletes,
      "--resource",
      "arn:aws:s3:::app-uploads/report.csv",
      "--action",
      "s3:DeleteObject",
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("✗ s3:DeleteObject explicit-deny");
    expect(human.stdout).toContain(
      `denied by statement "NoDeletes" of identity policy "${noDeletes}": {"Sid":"NoDeletes","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::app-uploads/*"}`,
    );
    expect(human.stdout).toContain("Fix: Remove or narrow that Deny in the identity policy");

    const { report } = await debugJson([
      "--policy-file",
      noDeletes,
      "--resource",
      "arn:aws:s3:::app-uploads/report.csv",
      "--action",
      "s3:DeleteObject",
    ]);
    const r = result(report, "s3:DeleteObject");
    expect(r.deciding).toEqual([
      {
        policy: noDeletes,
        kind: "identity",
        index: 1,
        sid: "NoDeletes",
        effect: "Deny",
        statement: {
          Sid: "NoDeletes",
          Effect: "Deny",
          Action: "s3:DeleteObject",
          Resource: "arn:aws:s3:::app-uploads/*",
        },
      },
    ]);
    expect(r.diagnoses.map((d) => d.id)).toEqual(["explicit-deny"]);
  });

  it("a bucket policy that denies requests without TLS, with --context aws:SecureTransport=false", async () => {
    const args = [
      "policy",
      "debug",
      "--policy-file",
      readWrite,
      "--bucket-policy-file",
      tlsOnly,
      "--bucket",
      "app-uploads",
      "--action",
      "s3:GetObject",
      "--key",
      "a.txt",
    ];
    const plain = await runInProcess([...args, "--context", "aws:SecureTransport=false"]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("✗ s3:GetObject explicit-deny");
    expect(plain.stdout).toContain('denied by statement "DenyInsecureTransport" of bucket policy');
    expect(plain.stdout).toContain(
      "Fix: Send the request over HTTPS: the Deny applies only to requests without TLS.",
    );
    const tls = await runInProcess(args);
    expect(tls.stdout).toContain("✓ s3:GetObject allowed");
  });

  it("explains a condition that does not hold (s3:prefix)", async () => {
    const prefixed = file("prefixed.json", {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ListUploads",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::app-uploads",
          Condition: { StringLike: { "s3:prefix": ["uploads/*"] } },
        },
      ],
    });
    const base = [
      "--policy-file",
      prefixed,
      "--bucket",
      "app-uploads",
      "--action",
      "s3:ListBucket",
    ];
    const ok = await debugJson([...base, "--context", "s3:prefix=uploads/"]);
    expect(result(ok.report, "s3:ListBucket").decision).toBe("allowed");
    const wrong = await debugJson([...base, "--context", "s3:prefix=private/"]);
    const r = result(wrong.report, "s3:ListBucket");
    expect(r.decision).toBe("implicit-deny");
    expect(r.diagnoses[0]).toMatchObject({
      id: "condition-not-met",
      message: expect.stringContaining('the request has "private/"'),
    });
    expect(r.statements[0]?.explanation).toContain(
      'its condition StringLike s3:prefix ["uploads/*"] does not hold',
    );
    // --key is the listing prefix for ListBucket
    const key = await debugJson([...base, "--key", "uploads/2024/"]);
    expect(result(key.report, "s3:ListBucket").decision).toBe("allowed");
  });

  it("a permissions boundary that blocks", async () => {
    const boundary = file("boundary.json", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
    });
    const { report } = await debugJson([
      "--policy-file",
      readWrite,
      "--boundary-file",
      boundary,
      "--bucket",
      "app-uploads",
      "--key",
      "a.txt",
    ]);
    expect(result(report, "s3:GetObject").decision).toBe("allowed");
    const put = result(report, "s3:PutObject");
    expect(put.decision).toBe("implicit-deny");
    expect(put.diagnoses.map((d) => d.id)).toEqual(["boundary-blocks"]);
  });
});

describe("policy debug --expect", () => {
  const base = ["policy", "debug", "--policy-file", readWrite, "--bucket", "app-uploads"];
  it("exits 0 when every decision is as expected", async () => {
    const allow = await runInProcess([...base, "--expect", "allow"]);
    expect(allow.code).toBe(0);
    expect(allow.stderr).toContain("As expected: every action is allowed.");
    const deny = await runInProcess([
      "policy",
      "debug",
      "--policy-file",
      putOnBucketOnly,
      "--bucket",
      "app-uploads",
      "--action",
      "s3:GetObject",
      "s3:DeleteObject",
      "--expect",
      "deny",
    ]);
    expect(deny.code).toBe(0);
  });

  it("exits 6 on a mismatch, after printing the results", async () => {
    const allow = await runInProcess([
      "policy",
      "debug",
      "--policy-file",
      putOnBucketOnly,
      "--bucket",
      "app-uploads",
      "--expect",
      "allow",
    ]);
    expect(allow.code).toBe(6);
    expect(allow.stdout).toContain("✗ s3:PutObject implicit-deny");
    expect(allow.stderr).toContain("Expected every action to be allowed, but 3 of 4 are denied.");
    const deny = await debugJson([...base.slice(2), "--expect", "deny"]);
    expect(deny.code).toBe(6);
    expect(deny.report).toMatchObject({ expect: "deny", expectationMet: false });
    expect(deny.report.results.every((r: { expectationMet: boolean }) => !r.expectationMet)).toBe(
      true,
    );
  });
});

describe("policy debug --json", () => {
  it("has per action the decision, deciding statements, explanations and diagnoses", async () => {
    const { code, report, stderr } = await debugJson(["--policy-file", putOnBucketOnly]);
    expect(code).toBe(0);
    // No --bucket: the one bucket the policy names.
    expect(stderr).toContain("Checking bucket app-uploads");
    expect(stderr).toContain('object actions were checked on the key "example-key"');
    expect(Object.keys(report).sort()).toEqual(["mode", "policies", "principal", "results"]);
    expect(report.mode).toBe("offline");
    expect(report.principal).toEqual({
      type: "user",
      arn: "arn:aws:iam::123456789012:user/example",
      accountId: "123456789012",
      name: "example",
    });
    expect(report.policies).toEqual([{ name: putOnBucketOnly, kind: "identity", statements: 2 }]);
    expect(report.results.map((r: JsonResult) => [r.action, r.decision])).toEqual([
      ["s3:ListBucket", "allowed"],
      ["s3:GetObject", "implicit-deny"],
      ["s3:PutObject", "implicit-deny"],
      ["s3:DeleteObject", "implicit-deny"],
    ]);
    const put = result(report, "s3:PutObject");
    expect(put).toMatchObject({
      resource: "arn:aws:s3:::app-uploads/example-key",
      exampleKey: true,
      blockedBy: "no-allow",
      crossAccount: false,
      deciding: [],
      context: expect.objectContaining({ "aws:SecureTransport": "true" }),
    });
    expect(put.statements.map((s) => [s.sid, s.applies])).toEqual([
      ["List", false],
      ["Uploads", false],
    ]);
    expect(put.statements[1]?.explanation).toBe(
      'Does not apply: its Resource ["arn:aws:s3:::app-uploads"] does not match arn:aws:s3:::app-uploads/example-key.',
    );
    expect(put.diagnoses).toEqual([
      {
        id: "missing-object-wildcard",
        message: expect.stringContaining("grants it only on the bucket ARN"),
        fix: 'Add "arn:aws:s3:::app-uploads/*" to the Resource of that statement.',
        statement: {
          policy: putOnBucketOnly,
          kind: "identity",
          index: 1,
          sid: "Uploads",
          effect: "Allow",
        },
      },
    ]);
    const list = result(report, "s3:ListBucket");
    expect(list.deciding).toEqual([
      expect.objectContaining({ sid: "List", statement: expect.objectContaining({ Sid: "List" }) }),
    ]);
    expect(list.statements[0]?.explanation).toBe(
      'Allows s3:ListBucket: Action "s3:ListBucket" matches, Resource "arn:aws:s3:::app-uploads" matches.',
    );
  });

  it("takes --key with the bucket the policies name", async () => {
    const { code, report } = await debugJson([
      "--policy-file",
      readWrite,
      "--action",
      "s3:GetObject",
      "--key",
      "avatars/1.png",
    ]);
    expect(code).toBe(0);
    expect(report.results[0]).toMatchObject({
      resource: "arn:aws:s3:::app-uploads/avatars/1.png",
      exampleKey: false,
      decision: "allowed",
    });
  });

  it("defaults to the object actions for an object --resource", async () => {
    const { report } = await debugJson([
      "--policy-file",
      readWrite,
      "--resource",
      "arn:aws:s3:::app-uploads/a.txt",
    ]);
    expect(report.results.map((r: JsonResult) => r.action)).toEqual([
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
    ]);
  });

  it("evaluates as the given principal, against SCPs", async () => {
    const scp = file("scp.json", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }],
    });
    const { report, code } = await debugJson([
      "--policy-file",
      readWrite,
      "--scp-file",
      scp,
      "--principal-arn",
      "arn:aws:iam::111122223333:role/app",
      "--bucket",
      "app-uploads",
    ]);
    expect(code).toBe(0);
    expect(report.principal).toMatchObject({ type: "role-session", accountId: "111122223333" });
    expect(result(report, "s3:GetObject").decision).toBe("allowed");
    const put = result(report, "s3:PutObject");
    expect(put.decision).toBe("implicit-deny");
    expect(put.diagnoses[0]?.id).toBe("scp-blocks");
  });
});

describe("policy debug: bad input", () => {
  const notJson = file(
    "not-json.json",
    '{\n  "Version": "2012-10-17",\n  "Statement": [ {"Effect": "Allow" "Action": "s3:GetObject"} ]\n}\n',
  );
  const notPolicy = file("not-policy.json", { Version: "2012-10-17" });
  const noService = file("no-service.json", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "GetObject", Resource: "*" }],
  });
  const badArn = file("bad-arn.json", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "s3://app-uploads/*" }],
  });
  const target = ["--bucket", "app-uploads"];
  const cases: [string, string[], number, string][] = [
    [
      "a policy file that is not JSON",
      ["--policy-file", notJson, ...target],
      2,
      "is not valid JSON",
    ],
    [
      "a policy file that is not a policy",
      ["--policy-file", notPolicy, ...target],
      2,
      "it has no Statement",
    ],
    [
      "an action without service prefix in a policy",
      ["--policy-file", noService, ...target],
      2,
      'Action "GetObject" has no service prefix',
    ],
    [
      "a malformed ARN in a policy",
      ["--policy-file", badArn, ...target],
      2,
      "is an s3:// URL, not an ARN",
    ],
    [
      "an --action without service prefix",
      ["--policy-file", readWrite, ...target, "--action", "GetObject"],
      2,
      "Add the service prefix: s3:GetObject.",
    ],
    [
      "an unknown --action",
      ["--policy-file", readWrite, ...target, "--action", "s3:GetObjekt"],
      2,
      "Did you mean s3:GetObject?",
    ],
    [
      "a malformed --resource",
      ["--policy-file", readWrite, "--resource", "arn:aws:s3:app-uploads"],
      2,
      "has fewer than six colon-separated parts",
    ],
    [
      "a malformed --context",
      ["--policy-file", readWrite, ...target, "--context", "SecureTransport"],
      2,
      "is not key=value",
    ],
    [
      "a --context value of the wrong type",
      ["--policy-file", readWrite, ...target, "--context", "aws:SecureTransport=yes"],
      2,
      "takes true or false",
    ],
    [
      "a malformed --principal-arn",
      ["--policy-file", readWrite, ...target, "--principal-arn", "alice"],
      2,
      "is not a principal ARN",
    ],
    [
      "--resource with --bucket",
      ["--policy-file", readWrite, ...target, "--resource", "arn:aws:s3:::app-uploads"],
      2,
      "cannot be combined",
    ],
    [
      "a boundary alone (offline, no identity policy)",
      ["--boundary-file", readWrite, ...target],
      2,
      "Nothing to evaluate",
    ],
    ["online without a bucket", ["--user", "alice"], 2, "Online, policy debug needs --bucket"],
    [
      "online with --principal-arn",
      [...target, "--principal-arn", "arn:aws:iam::123456789012:user/a"],
      2,
      "--principal-arn is for offline checks",
    ],
    [
      "--user with policy files",
      ["--policy-file", readWrite, ...target, "--user", "alice"],
      2,
      "--user is for online checks",
    ],
    ["--user and --role", [...target, "--user", "a", "--role", "b"], 2, "not both"],
    [
      "--probe-write without --probe",
      [...target, "--probe-write"],
      2,
      "--probe-write goes with --probe",
    ],
    [
      "--probe for another user without their keys",
      [...target, "--user", "alice", "--probe"],
      2,
      "--probe needs the principal's own credentials",
    ],
    [
      "a missing policy file",
      ["--policy-file", join(dir, "missing.json"), ...target],
      3,
      "does not exist",
    ],
    [
      "a missing bucket policy file",
      ["--policy-file", readWrite, "--bucket-policy-file", join(dir, "missing.json"), ...target],
      3,
      "does not exist",
    ],
  ];
  it.each(cases)("%s", async (_name, args, exit, message) => {
    const { code, stdout, stderr } = await runInProcess(["policy", "debug", ...args]);
    expect(code, stderr).toBe(exit);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });

  it("says where the JSON is broken, as JSON with --json", async () => {
    const { code, stderr } = await runInProcess([
      "policy",
      "debug",
      "--json",
      "--policy-file",
      notJson,
      ...target,
    ]);
    expect(code).toBe(2);
    const { error } = JSON.parse(stderr);
    expect(error.code).toBe("invalid-json");
    expect(error.message).toContain("at line 3, column 37");
    expect(error.hint).toContain("missing comma");
  });

  it("asks which bucket when the policies name several", async () => {
    const two = file("two-buckets.json", {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: ["arn:aws:s3:::b1/*", "arn:aws:s3:::b2/*"],
        },
      ],
    });
    const { code, stderr } = await runInProcess(["policy", "debug", "--policy-file", two]);
    expect(code).toBe(2);
    expect(stderr).toContain("The policies name 2 buckets (b1, b2): say which one with --bucket.");
  });
});
