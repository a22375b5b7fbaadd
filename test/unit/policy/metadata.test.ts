import { beforeAll, describe, expect, it } from "vitest";
import { compilePolicy } from "../../../src/core/policy/compile.js";
import { PolicyInputError } from "../../../src/core/policy/errors.js";
import type { PolicyMetadata } from "../../../src/core/policy/metadata.js";
import { createMetadata } from "../../../src/core/policy/metadata.js";
import { loadPolicyMetadata } from "../../../src/core/policy/metadata-load.js";
import type { PolicyDocument } from "../../../src/core/policy/types.js";

let meta: PolicyMetadata;
beforeAll(async () => {
  meta = await loadPolicyMetadata();
});

describe("metadata", () => {
  it("loads only the requested services", () => {
    expect(meta.services().sort()).toEqual(["kms", "s3"]);
    expect(meta.hasService("S3")).toBe(true);
    expect(meta.hasService("ec2")).toBe(false);
  });
  it.each([
    ["s3:GetObject", "object"],
    ["s3:PutObject", "object"],
    ["s3:AbortMultipartUpload", "object"],
    ["s3:ListBucket", "bucket"],
    ["s3:GetBucketPolicy", "bucket"],
    ["s3:ListAllMyBuckets", "none"],
    ["s3:DescribeJob", "other"],
  ])("%s acts on %s", (action, scope) => {
    const a = meta.action(action);
    expect(a).toBeDefined();
    expect(a && meta.s3Scope(a)).toBe(scope);
  });
  it("looks actions up case-insensitively and expands wildcards", () => {
    expect(meta.action("S3:GETOBJECT")?.name).toBe("GetObject");
    expect(meta.expandAction("s3:GetObject*")?.map((a) => a.name)).toContain("GetObjectTagging");
    expect(meta.expandAction("s3:Nope*")).toEqual([]);
    expect(meta.expandAction("ec2:*")).toBeUndefined();
  });
  it("knows which condition keys an action supports", () => {
    const list = meta.action("s3:ListBucket");
    const get = meta.action("s3:GetObject");
    const put = meta.action("s3:PutObject");
    if (!list || !get || !put) throw new Error("metadata missing");
    expect(meta.conditionKeyValidFor(list, "s3:prefix")).toBe(true);
    expect(meta.conditionKeyValidFor(get, "s3:prefix")).toBe(false);
    expect(meta.conditionKeyValidFor(get, "aws:SecureTransport")).toBe(true);
    expect(meta.conditionKeyValidFor(get, "s3:ExistingObjectTag/team")).toBe(true);
    expect(meta.conditionKeyValidFor(put, "s3:RequestObjectTag/team")).toBe(true);
    expect(meta.conditionKeyValidFor(get, "aws:PrincipalTag/team")).toBe(true);
    expect(meta.conditionKeyExists("s3:prefix")).toBe(true);
    expect(meta.conditionKeyExists("s3:folder")).toBe(false);
    expect(meta.conditionKeyExists("ec2:InstanceType")).toBeUndefined();
    expect(meta.conditionKeyType("aws:SecureTransport")).toBe("Bool");
    expect(meta.conditionKeyType("s3:max-keys")).toBe("Numeric");
  });
  it("round-trips through plain data", () => {
    const copy = createMetadata(JSON.parse(JSON.stringify(meta.data)));
    expect(copy.actionNames("s3").length).toBe(meta.actionNames("s3").length);
  });
  it("caches per service list", async () => {
    expect(await loadPolicyMetadata(["kms", "s3"])).toBe(meta);
  });
});

describe("compilePolicy", () => {
  const bad: [string, unknown][] = [
    ["not an object", "text"],
    ["no Statement", { Version: "2012-10-17" }],
    ["bad Effect", { Statement: [{ Effect: "allow", Action: "s3:*", Resource: "*" }] }],
    ["statement not an object", { Statement: ["x"] }],
    [
      "Condition not an object",
      { Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: "x" }] },
    ],
  ];
  it.each(bad)("rejects %s", (_n, document) => {
    expect(() =>
      compilePolicy({ name: "p", document: document as PolicyDocument }, "identity"),
    ).toThrow(PolicyInputError);
  });
  it("compiles once and records the variables flag", () => {
    const c = compilePolicy(
      {
        name: "p",
        document: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
        },
      },
      "identity",
    );
    expect(c).toMatchObject({ name: "p", kind: "identity", variables: true });
    expect(c.statements).toHaveLength(1);
  });
});
