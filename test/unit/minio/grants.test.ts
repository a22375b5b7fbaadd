import { describe, expect, it } from "vitest";
import { recognizeGrant, withoutAction } from "../../../src/core/minio/grants.js";
import { generatePolicy } from "../../../src/core/policy/generate.js";
import type { PolicyDocument } from "../../../src/core/policy/types.js";

// MinIO hands a policy back with every list as a set: single values become lists and
// the order of actions and resources is its own.
function asMinioReturnsIt(doc: PolicyDocument): unknown {
  const statements = (doc.Statement as unknown as Record<string, unknown>[]).map((s) => ({
    ...s,
    Action: [...(Array.isArray(s.Action) ? s.Action : [s.Action])].reverse(),
    Resource: Array.isArray(s.Resource) ? s.Resource : [s.Resource],
  }));
  return { ...doc, Statement: statements };
}

describe("reading an s3kit grant back from a MinIO policy", () => {
  it.each(["read", "upload", "read-write", "read-write-delete", "admin"])(
    "recognises %s whatever order MinIO keeps the prefixes in",
    (access) => {
      const doc = generatePolicy({ bucket: "my-b", access, prefixes: ["b/", "a/"] });
      expect(recognizeGrant(asMinioReturnsIt(doc))).toEqual({
        bucket: "my-b",
        access,
        prefixes: ["a/", "b/"],
        perUserPrefix: false,
      });
    },
  );

  it("recognises per-user folders and the admin level less the actions MinIO lacks", () => {
    const perUser = generatePolicy({ bucket: "my-b", access: "upload", perUserPrefix: true });
    expect(recognizeGrant(perUser)).toMatchObject({ prefixes: [], perUserPrefix: true });
    const admin = withoutAction(
      generatePolicy({ bucket: "my-b", access: "admin" }),
      "s3:GetBucketCORS",
    );
    expect(recognizeGrant(admin)).toMatchObject({ access: "admin" });
  });

  it("does not take an edited policy, or a smaller level, for an s3kit grant", () => {
    const readWrite = generatePolicy({ bucket: "my-b", access: "read-write" });
    expect(recognizeGrant(readWrite)).toMatchObject({ access: "read-write" });
    const edited = withoutAction(readWrite, "s3:GetObject");
    expect(recognizeGrant(edited)).toBeUndefined();
    expect(
      recognizeGrant({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
      }),
    ).toBeUndefined();
  });
});
