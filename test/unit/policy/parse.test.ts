import { beforeAll, describe, expect, it } from "vitest";
import { PolicyInputError } from "../../../src/core/policy/errors.js";
import type { PolicyMetadata } from "../../../src/core/policy/metadata.js";
import { loadPolicyMetadata } from "../../../src/core/policy/metadata-load.js";
import { buildRequest, parseContextArgs, parsePolicyText } from "../../../src/core/policy/parse.js";
import { derivePrincipal, principalContext } from "../../../src/core/policy/principal.js";

let metadata: PolicyMetadata;
beforeAll(async () => {
  metadata = await loadPolicyMetadata();
});

function thrown(fn: () => unknown): PolicyInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyInputError) return e;
    throw e;
  }
  throw new Error("expected a PolicyInputError");
}

describe("parsePolicyText", () => {
  it("returns the document and positions", () => {
    const p = parsePolicyText(
      '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}',
    );
    expect(p.document.Version).toBe("2012-10-17");
    expect(p.positions.get("Statement[0].Action")).toMatchObject({ line: 2, column: 46 });
  });
  const bad: [string, string, string, [number, number] | undefined][] = [
    ["invalid JSON", '{\n  "Statement": [,]\n}', "invalid-json", [2, 17]],
    ["empty text", "", "invalid-json", [1, 1]],
    ["no Statement", '{"Version": "2012-10-17"}', "not-a-policy", undefined],
    [
      "action without service",
      '{"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}',
      "action-without-service",
      [1, 46],
    ],
    [
      "malformed ARN",
      '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "s3://b/k"}]}',
      "malformed-arn",
      [1, 74],
    ],
    [
      "bad Effect",
      '{"Statement": [{"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}]}',
      "invalid-policy",
      undefined,
    ],
  ];
  it.each(bad)("%s", (_n, text, code, at) => {
    const e = thrown(() => parsePolicyText(text, "policy.json"));
    expect(e.code).toBe(code);
    expect(e.message).toContain("policy.json");
    expect(e.hint.length).toBeGreaterThan(5);
    if (at) expect([e.line, e.column]).toEqual(at);
  });
});

describe("parseContextArgs", () => {
  it("keeps values as strings and normalises booleans", () => {
    expect(
      parseContextArgs(["aws:SecureTransport=TRUE", "s3:prefix=home/", "s3:max-keys=10"]),
    ).toEqual({
      "aws:SecureTransport": "true",
      "s3:prefix": "home/",
      "s3:max-keys": "10",
    });
  });
  it("repeated keys become multi-valued (keys case-insensitive)", () => {
    expect(parseContextArgs(["aws:TagKeys=a", "AWS:tagkeys=b", "aws:TagKeys=c"])).toEqual({
      "aws:TagKeys": ["a", "b", "c"],
    });
  });
  it("allows empty values and = in values", () => {
    expect(parseContextArgs(["s3:prefix=", "aws:PrincipalTag/x=a=b"])).toEqual({
      "s3:prefix": "",
      "aws:PrincipalTag/x": "a=b",
    });
  });
  it("checks types from metadata", () => {
    expect(() =>
      parseContextArgs(["s3:object-lock-remaining-retention-days=many"], metadata),
    ).toThrow(PolicyInputError);
  });
  const bad: [string, string][] = [
    ["no =", "aws:SecureTransport"],
    ["no service", "SecureTransport=true"],
    ["bool", "aws:SecureTransport=yes"],
    ["ip", "aws:SourceIp=10.0.0.300"],
    ["date", "aws:CurrentTime=tomorrow"],
    ["number", "s3:max-keys=ten"],
    ["arn", "aws:PrincipalArn=alice"],
  ];
  it.each(bad)("rejects %s", (_n, arg) => {
    expect(thrown(() => parseContextArgs([arg])).code).toBe("invalid-context");
  });
});

describe("buildRequest", () => {
  const now = new Date("2024-05-01T12:00:00Z");
  it("object action with bucket and key", () => {
    const r = buildRequest(
      { action: "s3:GetObject", bucket: "b-1", key: "a/b.txt", now },
      metadata,
    );
    expect(r).toMatchObject({
      action: "s3:GetObject",
      resource: "arn:aws:s3:::b-1/a/b.txt",
      principal: "arn:aws:iam::123456789012:user/example",
    });
    expect(r.exampleKey).toBeUndefined();
    expect(r.context).toEqual({
      "aws:SecureTransport": "true",
      "aws:CurrentTime": "2024-05-01T12:00:00Z",
      "aws:EpochTime": "1714564800",
    });
  });
  it("object action without key uses example-key", () => {
    const r = buildRequest({ action: "s3:PutObject", bucket: "b-1", now }, metadata);
    expect(r.resource).toBe("arn:aws:s3:::b-1/example-key");
    expect(r.exampleKey).toBe(true);
  });
  it("bucket action uses the bucket ARN; ListBucket's key is the prefix", () => {
    const r = buildRequest({ action: "s3:ListBucket", bucket: "b-1", key: "home/", now }, metadata);
    expect(r.resource).toBe("arn:aws:s3:::b-1");
    expect(r.context?.["s3:prefix"]).toBe("home/");
  });
  it("an explicit s3:prefix wins over --key", () => {
    const r = buildRequest(
      { action: "s3:ListBucket", bucket: "b-1", key: "home/", context: { "s3:prefix": "x/" } },
      metadata,
    );
    expect(r.context?.["s3:prefix"]).toBe("x/");
  });
  it("ListAllMyBuckets uses *", () => {
    expect(buildRequest({ action: "s3:ListAllMyBuckets", bucket: "b-1" }, metadata).resource).toBe(
      "*",
    );
  });
  it("--resource wins and context is kept", () => {
    const r = buildRequest({
      action: "s3:GetObject",
      resource: "arn:aws:s3:::x/y",
      bucket: "b-1",
      context: { "aws:SecureTransport": "false" },
    });
    expect(r.resource).toBe("arn:aws:s3:::x/y");
    expect(r.context?.["aws:SecureTransport"]).toBe("false");
  });
  it("works without metadata using action names", () => {
    expect(buildRequest({ action: "s3:DeleteObject", bucket: "b-1" }).resource).toBe(
      "arn:aws:s3:::b-1/example-key",
    );
    expect(buildRequest({ action: "s3:GetBucketPolicy", bucket: "b-1" }).resource).toBe(
      "arn:aws:s3:::b-1",
    );
  });
  it("passes principal and resource account", () => {
    const r = buildRequest({
      action: "s3:GetObject",
      bucket: "b-1",
      principalArn: "arn:aws:iam::111122223333:role/app",
      resourceAccount: "444455556666",
    });
    expect(r).toMatchObject({
      principal: "arn:aws:iam::111122223333:role/app",
      resourceAccount: "444455556666",
    });
  });
  const bad: [string, Parameters<typeof buildRequest>[0], string][] = [
    ["no service prefix", { action: "GetObject", bucket: "b-1" }, "invalid-action"],
    ["wildcard action", { action: "s3:Get*", bucket: "b-1" }, "invalid-action"],
    ["unknown action", { action: "s3:GetObjects", bucket: "b-1" }, "invalid-action"],
    ["no bucket or resource", { action: "s3:GetObject" }, "invalid-request"],
    ["bad bucket", { action: "s3:GetObject", bucket: "B_1" }, "invalid-bucket-name"],
    ["bad resource", { action: "s3:GetObject", resource: "b-1/key" }, "malformed-arn"],
    [
      "bad principal",
      { action: "s3:GetObject", bucket: "b-1", principalArn: "alice" },
      "invalid-request",
    ],
    ["job action on a bucket", { action: "s3:DescribeJob", bucket: "b-1" }, "invalid-request"],
  ];
  it.each(bad)("rejects %s", (_n, o, code) => {
    expect(thrown(() => buildRequest(o, metadata)).code).toBe(code);
  });
  it("suggests the closest action", () => {
    expect(
      thrown(() => buildRequest({ action: "s3:GetObjects", bucket: "b-1" }, metadata)).hint,
    ).toContain("s3:GetObject");
  });
});

describe("principals and their context keys", () => {
  it.each([
    [
      "arn:aws:iam::111122223333:user/alice",
      {
        "aws:username": "alice",
        "aws:PrincipalType": "User",
        "aws:PrincipalAccount": "111122223333",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice",
      },
    ],
    ["arn:aws:iam::111122223333:user/team/bob", { "aws:username": "bob" }],
    [
      "arn:aws:sts::111122223333:assumed-role/app/s1",
      {
        "aws:PrincipalType": "AssumedRole",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/app",
      },
    ],
    [
      "arn:aws:iam::111122223333:role/app",
      {
        "aws:PrincipalType": "AssumedRole",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/app",
      },
    ],
    [
      "arn:aws:iam::111122223333:root",
      { "aws:PrincipalType": "Account", "aws:userid": "111122223333" },
    ],
    [
      "arn:aws:sts::111122223333:federated-user/carol",
      { "aws:PrincipalType": "FederatedUser", "aws:userid": "111122223333:carol" },
    ],
    [
      "lambda.amazonaws.com",
      { "aws:PrincipalServiceName": "lambda.amazonaws.com", "aws:PrincipalIsAWSService": "true" },
    ],
    ["anonymous", { "aws:PrincipalType": "Anonymous" }],
  ])("%s", (arn, expected) => {
    expect(principalContext(derivePrincipal(arn))).toMatchObject(expected);
  });
  it("gives users a stable AIDA… id and sessions AROA…:session", () => {
    const u = principalContext(derivePrincipal("arn:aws:iam::111122223333:user/alice"))[
      "aws:userid"
    ];
    expect(u).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(
      principalContext(derivePrincipal("arn:aws:iam::111122223333:user/alice"))["aws:userid"],
    ).toBe(u);
    expect(
      principalContext(derivePrincipal("arn:aws:sts::111122223333:assumed-role/app/s1"))[
        "aws:userid"
      ],
    ).toMatch(/^AROA[A-Z2-7]{17}:s1$/);
  });
  it("has no aws:username for role sessions", () => {
    expect(
      principalContext(derivePrincipal("arn:aws:sts::111122223333:assumed-role/app/s1"))[
        "aws:username"
      ],
    ).toBeUndefined();
  });
});
