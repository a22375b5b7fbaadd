import { beforeAll, describe, expect, it } from "vitest";
import { detectPolicyKind, servicesNamed } from "../../../src/core/access/lint.js";
import { bucketsNamed } from "../../../src/core/access/offline.js";
import {
  buildDebugRequests,
  checkDebugFlags,
  metadataServicesFor,
  WELL_KNOWN_S3_ACTIONS,
} from "../../../src/core/access/requests.js";
import { ExitCode, UsageError } from "../../../src/core/errors.js";
import { explainStatement, runPolicyDebug } from "../../../src/core/policy/debug-run.js";
import { PolicyInputError } from "../../../src/core/policy/errors.js";
import type { PolicyMetadata } from "../../../src/core/policy/metadata.js";
import { loadPolicyMetadata } from "../../../src/core/policy/metadata-load.js";
import { buildRequest } from "../../../src/core/policy/parse.js";
import type { NamedPolicy, PolicySet, StatementTrace } from "../../../src/core/policy/types.js";

const NOW = new Date("2026-01-02T03:04:05Z");

function policy(name: string, ...Statement: NamedPolicy["document"]["Statement"][]): NamedPolicy {
  return { name, document: { Version: "2012-10-17", Statement: Statement.flat() } };
}

describe("PolicyInputError", () => {
  it("is a UsageError (exit 2) that keeps its code, hint and position", () => {
    const e = new PolicyInputError("invalid-json", "bad", "fix it", { line: 3, column: 7 });
    expect(e).toBeInstanceOf(UsageError);
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.toJSON()).toEqual({ code: "invalid-json", message: "bad", hint: "fix it" });
    expect([e.line, e.column, e.path]).toEqual([3, 7, undefined]);
    expect(e.name).toBe("PolicyInputError");
  });
});

describe("metadata for policy debug is loaded only when needed", () => {
  let meta: PolicyMetadata;
  beforeAll(async () => {
    meta = await loadPolicyMetadata(["s3"]);
  });

  it("is not needed for the default actions, the access levels' actions and common keys", () => {
    expect(metadataServicesFor([...WELL_KNOWN_S3_ACTIONS])).toEqual([]);
    expect(
      metadataServicesFor(
        ["s3:GetObject"],
        [
          "aws:SecureTransport=false",
          "s3:prefix=uploads/",
          "aws:SourceIp=203.0.113.7",
          "s3:x-amz-server-side-encryption=aws:kms",
        ],
      ),
    ).toEqual([]);
  });

  it("is needed for other actions and keys of unknown type", () => {
    expect(metadataServicesFor(["s3:GetBucketWebsite", "kms:Decrypt", "S3:PutObject"])).toEqual([
      "kms",
      "s3",
    ]);
    expect(metadataServicesFor(["s3:GetObject"], ["s3:ExistingObjectTag/team=a"])).toEqual(["s3"]);
    expect(metadataServicesFor(["s3:GetObject"], ["aws:TagKeys=a"])).toEqual(["s3"]);
    expect(metadataServicesFor(["GetObject", "s3:Get*"])).toEqual(["s3"]);
  });

  it("builds the same request for every well-known action with or without metadata", () => {
    for (const action of WELL_KNOWN_S3_ACTIONS) {
      expect(meta.action(action), action).toBeDefined();
      for (const key of [undefined, "uploads/a.txt"]) {
        const o = { action, bucket: "app-uploads", ...(key ? { key } : {}), now: NOW };
        expect(buildRequest(o), `${action} ${key}`).toEqual(buildRequest(o, meta));
      }
    }
  });
});

describe("buildDebugRequests", () => {
  it("defaults to ListBucket on the bucket and the object actions on example-key", async () => {
    const rs = await buildDebugRequests({ bucket: "app-uploads", now: NOW });
    expect(rs.map((r) => [r.action, r.resource, r.exampleKey ?? false])).toEqual([
      ["s3:ListBucket", "arn:aws:s3:::app-uploads", false],
      ["s3:GetObject", "arn:aws:s3:::app-uploads/example-key", true],
      ["s3:PutObject", "arn:aws:s3:::app-uploads/example-key", true],
      ["s3:DeleteObject", "arn:aws:s3:::app-uploads/example-key", true],
    ]);
    expect(rs[0]?.context).toEqual({
      "aws:SecureTransport": "true",
      "aws:CurrentTime": "2026-01-02T03:04:05Z",
      "aws:EpochTime": String(NOW.getTime() / 1000),
    });
  });

  it("keeps the default actions that fit a --resource", async () => {
    const bucket = await buildDebugRequests({ resource: "arn:aws:s3:::b1" });
    expect(bucket.map((r) => r.action)).toEqual(["s3:ListBucket"]);
    await expect(
      buildDebugRequests({ resource: "arn:aws:kms:eu-west-1:123456789012:key/k" }),
    ).rejects.toMatchObject({ hint: "Name the actions with --action." });
  });

  it("checks action names against the metadata when they are not well known", async () => {
    await expect(
      buildDebugRequests({ bucket: "b12", actions: ["s3:GetBucketWebsit"] }),
    ).rejects.toMatchObject({
      message: '"s3:GetBucketWebsit" is not a known s3 action',
      hint: "Did you mean s3:GetBucketWebsite?",
    });
    const [r] = await buildDebugRequests({ bucket: "b12", actions: ["s3:GetBucketWebsite"] });
    expect(r?.resource).toBe("arn:aws:s3:::b12");
  });

  it("checks context values by type, also for keys only the metadata knows", async () => {
    await expect(
      buildDebugRequests({ bucket: "b12", context: ["s3:max-keys=many"] }),
    ).rejects.toThrow("takes a number");
    const [r] = await buildDebugRequests({
      bucket: "b12",
      actions: ["s3:GetObject"],
      context: ["aws:SecureTransport=FALSE", "s3:ExistingObjectTag/team=data"],
    });
    expect(r?.context).toMatchObject({
      "aws:SecureTransport": "false",
      "s3:ExistingObjectTag/team": "data",
    });
  });

  it("rejects flags that do not fit together", () => {
    expect(() => checkDebugFlags({ resource: "arn:aws:s3:::b1", bucket: "b1" })).toThrow(
      "cannot be combined",
    );
    expect(() => checkDebugFlags({ resource: "arn:aws:s3:::b1/k", key: "k" })).toThrow(
      "cannot be combined",
    );
    expect(() => checkDebugFlags({ resource: "b1/k" })).toThrow(PolicyInputError);
  });
});

describe("bucketsNamed", () => {
  it("lists the literal bucket names of the identity, boundary and bucket policies", () => {
    const set: PolicySet = {
      identityPolicies: [
        policy("a", {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: ["arn:aws:s3:::b2/*", "arn:aws:s3:::logs-*", "*"],
        }),
      ],
      resourcePolicy: policy("bp", {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: "arn:aws:s3:::b1",
      }),
    };
    expect(bucketsNamed(set)).toEqual(["b1", "b2"]);
  });
});

describe("runPolicyDebug", () => {
  const set: PolicySet = {
    identityPolicies: [
      policy("app", {
        Sid: "Read",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::b1/*",
      }),
    ],
  };
  const req = (action: string) => ({
    action,
    resource: "arn:aws:s3:::b1/k",
    principal: "arn:aws:iam::123456789012:user/alice",
  });

  it("quotes the deciding statements and checks the expectation per action", () => {
    const report = runPolicyDebug({
      policies: set,
      requests: [req("s3:GetObject"), req("s3:PutObject")],
      expect: "allow",
    });
    expect(report.principal.name).toBe("alice");
    expect(report.policies).toEqual([{ name: "app", kind: "identity", statements: 1 }]);
    expect(report.expectationMet).toBe(false);
    const [get, put] = report.results;
    expect(get).toMatchObject({ decision: "allowed", expectationMet: true, exampleKey: false });
    expect(get?.deciding[0]?.statement).toEqual({
      Sid: "Read",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::b1/*",
    });
    expect(put).toMatchObject({ decision: "implicit-deny", expectationMet: false });
    expect(put?.diagnoses.map((d) => d.id)).toEqual(["no-allow"]);
  });

  it("passes bucket facts on to the diagnoses", () => {
    const kms = "arn:aws:kms:eu-west-1:123456789012:key/k1";
    const report = runPolicyDebug({
      policies: set,
      requests: [req("s3:GetObject")],
      bucket: { encryption: { type: "SSE-KMS", kmsKeyArn: kms } },
    });
    expect(report.results[0]?.diagnoses.map((d) => d.id)).toEqual(["kms-missing"]);
    expect(report.expectationMet).toBeUndefined();
  });
});

describe("explainStatement", () => {
  const base: StatementTrace = {
    policy: "p",
    kind: "resource",
    index: 0,
    effect: "Deny",
    action: { element: "Action", matched: true, values: ["s3:*"], matchedValue: "s3:*" },
    resource: { element: "Resource", matched: true, values: ["*"], matchedValue: "*" },
    principal: { element: "Principal", matched: true, values: ["*"], matchKind: "anyone" },
    conditions: [
      {
        operator: "Bool",
        key: "aws:SecureTransport",
        expected: ["false"],
        actual: "false",
        result: true,
      },
    ],
    applies: true,
  };

  it("says why a statement applies", () => {
    expect(explainStatement(base, "s3:GetObject", "arn:aws:s3:::b/k")).toBe(
      'Denies s3:GetObject: Action "s3:*" matches, Resource "*" matches, Principal names the caller (anyone), every condition holds.',
    );
  });

  it("lists everything that does not match", () => {
    const t: StatementTrace = {
      ...base,
      applies: false,
      action: {
        element: "NotAction",
        matched: false,
        values: ["s3:Get*"],
        matchedValue: "s3:Get*",
      },
      resource: { element: "NotResource", matched: false, values: ["*"], matchedValue: "*" },
      principal: { element: "NotPrincipal", matched: false, values: ["arn:aws:iam::1:root"] },
      conditions: [
        {
          ...(base.conditions[0] as StatementTrace["conditions"][0]),
          actual: undefined,
          result: false,
        },
      ],
    };
    expect(explainStatement(t, "s3:GetObject", "arn:aws:s3:::b/k")).toBe(
      'Does not apply: its NotAction lists s3:GetObject ("s3:Get*"); its NotResource covers arn:aws:s3:::b/k ("*"); its NotPrincipal exempts the caller; its condition Bool aws:SecureTransport ["false"] does not hold: the request does not have the key.',
    );
  });
});

describe("policy lint helpers", () => {
  it("detects bucket policies by Principal or NotPrincipal", () => {
    expect(detectPolicyKind('{"Statement":{"Principal":"*"}}')).toBe("resource");
    expect(detectPolicyKind('{"Statement":[{"Effect":"Deny"},{"NotPrincipal":{}}]}')).toBe(
      "resource",
    );
    expect(detectPolicyKind('{"Statement":[{"Effect":"Allow"}]}')).toBe("identity");
    expect(detectPolicyKind("not json")).toBe("identity");
  });

  it("finds the services a policy names, to load only their metadata", () => {
    expect(
      servicesNamed(
        JSON.stringify({
          Statement: [
            { Action: ["S3:GetObject", "kms:Decrypt", "*"] },
            { NotAction: "iam:PassRole" },
            { Action: 5 },
          ],
        }),
      ),
    ).toEqual(["iam", "kms", "s3"]);
    expect(servicesNamed("{")).toEqual([]);
  });
});
