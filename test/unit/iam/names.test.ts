// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/core/errors.js";
import { prepareGrant } from "../../../src/core/iam/grant.js";
import {
  assertValidIamName,
  describePrefixes,
  grantName,
  grantsFromTags,
  grantTags,
  iamNameProblem,
  isManagedByS3kit,
  maskKeyId,
  tagValue,
} from "../../../src/core/iam/names.js";

describe("IAM user and role names", () => {
  it.each(["alice", "ci-deploy", "a.b@example.com", "x+y=z,w_1", "a".repeat(64)])(
    "accepts %s",
    (name) => {
      expect(iamNameProblem(name, "user")).toBeUndefined();
    },
  );

  it.each([
    ["", "is empty"],
    ["a".repeat(65), "has 65 characters; at most 64"],
    ["bad name", 'contains " "'],
    ["alice/admin", 'contains "/"'],
    ["ünïcode", 'contains "ü", "ï"'],
  ])("rejects %j", (name, problem) => {
    expect(iamNameProblem(name, "user")).toContain(problem);
  });

  it("allows 128 characters for groups and policies", () => {
    expect(iamNameProblem("a".repeat(128), "policy")).toBeUndefined();
    expect(iamNameProblem("a".repeat(129), "group")).toContain("at most 128");
  });

  it("throws a usage error (exit 2) naming the rule", () => {
    expect(() => assertValidIamName("no spaces", "user")).toThrow(UsageError);
    try {
      assertValidIamName("r/x", "role");
    } catch (err) {
      expect((err as UsageError).exitCode).toBe(2);
      expect((err as UsageError).message).toBe(
        'Invalid IAM role name "r/x": it contains "/"; only letters, digits and + = , . @ _ - are allowed.',
      );
      expect((err as UsageError).code).toBe("InvalidIamRoleName");
    }
  });
});

describe("grant names", () => {
  const base = { bucket: "my-app", access: "read-write", prefixes: [], perUserPrefix: false };

  it("names the policy after bucket and level", () => {
    expect(grantName(base)).toBe("s3kit-my-app-read-write");
  });

  it("adds folder prefixes without the slash, inner slashes as +", () => {
    expect(grantName({ ...base, prefixes: ["uploads/"] })).toBe("s3kit-my-app-read-write-uploads");
    expect(grantName({ ...base, prefixes: ["a/b/"] })).toBe("s3kit-my-app-read-write-a+b");
    expect(grantName({ ...base, perUserPrefix: true })).toBe("s3kit-my-app-read-write-per-user");
  });

  it("tells a non-folder prefix from the folder of the same name", () => {
    const folder = grantName({ ...base, prefixes: ["uploads/"] });
    const loose = grantName({ ...base, prefixes: ["uploads"] });
    expect(loose).not.toBe(folder);
    expect(loose).toMatch(/^s3kit-my-app-read-write-uploads-[0-9a-f]{8}$/);
  });

  it("replaces characters IAM names cannot hold and stays unique with a hash", () => {
    const a = grantName({ ...base, prefixes: ["my files/"] });
    const b = grantName({ ...base, prefixes: ["my*files/"] });
    expect(a).toMatch(/^s3kit-my-app-read-write-my_files-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(iamNameProblem(a, "policy")).toBeUndefined();
  });

  it("keeps long names within 128 characters", () => {
    const name = grantName({
      ...base,
      bucket: "b".repeat(63),
      prefixes: [`${"p".repeat(80)}/`],
    });
    expect(name.length).toBe(128);
    expect(iamNameProblem(name, "policy")).toBeUndefined();
  });

  it("is the same for the same grant (idempotent runs find their policy)", () => {
    const g = { ...base, prefixes: ["x y"], perUserPrefix: true };
    expect(grantName(g)).toBe(grantName({ ...g }));
  });
});

describe("tags", () => {
  it("records the grant and reads it back", () => {
    const grant = prepareGrant({ bucket: "media", access: "read", prefixes: ["uploads/"] });
    const tags = grantTags(grant, grant.name);
    expect(tags).toContainEqual({ Key: "managed-by", Value: "s3kit" });
    expect(tags).toContainEqual({ Key: "s3kit:bucket", Value: "media" });
    expect(tags).toContainEqual({ Key: "s3kit:access", Value: "read" });
    expect(tags).toContainEqual({ Key: "s3kit:prefix", Value: "uploads/" });
    expect(isManagedByS3kit(tags)).toBe(true);
    expect(grantsFromTags(tags)).toEqual([
      { bucket: "media", access: "read", policyName: "s3kit-media-read-uploads" },
    ]);
  });

  it("writes the per-user folder in characters tags allow", () => {
    const grant = prepareGrant({ bucket: "media", access: "read", perUserPrefix: true });
    expect(describePrefixes(grant)).toBe("${aws:username}/");
    expect(grantTags(grant, grant.name)).toContainEqual({
      Key: "s3kit:prefix",
      Value: "per-user/",
    });
    expect(tagValue("a*b{c}")).toBe("a_b_c_");
  });

  it("masks key ids", () => {
    expect(maskKeyId("AKIAIOSFODNN7EXAMPLE")).toBe("AKIA************MPLE");
    expect(maskKeyId("short")).toBe("*****");
  });
});

describe("prepareGrant", () => {
  it("generates the policy of `policy generate`", () => {
    const grant = prepareGrant({ bucket: "media", access: "read-write", prefixes: ["uploads/"] });
    const text = JSON.stringify(grant.document);
    expect(text).toContain("arn:aws:s3:::media/uploads/*");
    expect(grant.name).toBe("s3kit-media-read-write-uploads");
  });

  it.each([
    [{ bucket: "media", access: "owner" }, "Unknown access level", "read, upload, read-write"],
    [{ bucket: "media", access: "read", prefixes: ["/x/"] }, "starts with /", 'use "x/"'],
    [{ bucket: "media", access: "read", prefixes: ["x*"] }, "wildcard", "adds the *"],
    [{ bucket: "Bad_Bucket", access: "read" }, "Bad_Bucket", "bucket name only"],
  ])("turns bad input into a usage error: %j", (input, message, hint) => {
    try {
      prepareGrant(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain(message);
      expect((err as UsageError).hint).toContain(hint);
    }
  });
});
