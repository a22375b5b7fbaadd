import { describe, expect, it } from "vitest";
import { ConflictError } from "../../../src/core/errors.js";
import { styleMapping } from "../../../src/core/handover/mapping.js";
import { auditIam } from "../../../src/core/iam/audit.js";
import { prepareGrant } from "../../../src/core/iam/grant.js";
import { listDevs } from "../../../src/core/iam/list.js";
import { onboardDeveloper } from "../../../src/core/iam/onboard.js";
import {
  decodePolicyDocument,
  ensureManagedPolicy,
  sameDocument,
} from "../../../src/core/iam/policies.js";
import { failing, fakeAws, sdkError } from "../../support/fake-aws.js";

const throttled = () => sdkError("Throttling", 400, "Rate exceeded");
const fast = { baseDelayMs: 1, maxDelayMs: 2 };
const user = (name: string) => ({
  UserName: name,
  Arn: `arn:aws:iam::123456789012:user/s3kit/${name}`,
  Path: "/s3kit/",
  CreateDate: new Date("2024-01-01T00:00:00Z"),
});

describe("list-devs when IAM throttles", () => {
  it("follows pagination and retries throttled calls after a pause", async () => {
    const throttles: number[] = [];
    const { aws, calls } = fakeAws({
      // Without iam:GetAccountAuthorizationDetails: the plain listings and a tag call per user.
      GetAccountAuthorizationDetails: () => {
        throw sdkError("AccessDenied", 403);
      },
      ListUsers: (input) =>
        input.Marker === undefined
          ? { Users: [user("a"), user("b")], IsTruncated: true, Marker: "page2" }
          : { Users: [user("c")], IsTruncated: false },
      ListRoles: () => ({ Roles: [], IsTruncated: false }),
      ListUserTags: failing(3, throttled, (input) => ({
        Tags: [
          { Key: "managed-by", Value: "s3kit" },
          { Key: "s3kit:bucket", Value: `bucket-${input.UserName}` },
          { Key: "s3kit:access", Value: "read" },
        ],
      })),
      ListAccessKeys: (input) => ({
        AccessKeyMetadata: [
          {
            AccessKeyId: `AKIAIOSFODNN7EXAMPL${String(input.UserName).toUpperCase()}`,
            Status: "Active",
            CreateDate: new Date("2024-01-01T00:00:00Z"),
          },
        ],
      }),
      GetAccessKeyLastUsed: failing(1, throttled, () => ({
        AccessKeyLastUsed: { LastUsedDate: new Date("2024-01-05T00:00:00Z"), ServiceName: "s3" },
      })),
    });
    const devs = await listDevs(aws, {
      ...fast,
      concurrency: 2,
      now: new Date("2024-01-11T00:00:00Z"),
      onThrottle: (ms) => throttles.push(ms),
    });
    expect(devs.map((d) => [d.name, d.bucket])).toEqual([
      ["a", "bucket-a"],
      ["b", "bucket-b"],
      ["c", "bucket-c"],
    ]);
    expect(devs[0]?.keys[0]).toEqual({
      id: "AKIA************MPLA",
      status: "Active",
      createDate: "2024-01-01T00:00:00.000Z",
      ageDays: 10,
      lastUsed: "2024-01-05T00:00:00.000Z",
      lastUsedService: "s3",
      unusedDays: 6,
    });
    expect(throttles).toHaveLength(4);
    expect(calls.filter((c) => c.command === "ListUsers").map((c) => c.input.Marker)).toEqual([
      undefined,
      "page2",
    ]);
  });

  it("reads users, roles and tags from the account details in pages when it may", async () => {
    const { aws, calls } = fakeAws({
      GetAccountAuthorizationDetails: failing(1, throttled, (input) =>
        input.Marker === undefined
          ? {
              UserDetailList: [
                { ...user("a"), Tags: [{ Key: "s3kit:bucket", Value: "media" }] },
                { ...user("outsider"), Path: "/" },
              ],
              RoleDetailList: [],
              IsTruncated: true,
              Marker: "next",
            }
          : {
              UserDetailList: [],
              RoleDetailList: [
                {
                  RoleName: "web",
                  Path: "/s3kit/",
                  Arn: "arn:aws:iam::123456789012:role/s3kit/web",
                },
              ],
              IsTruncated: false,
            },
      ),
      ListAccessKeys: () => ({ AccessKeyMetadata: [] }),
    });
    const devs = await listDevs(aws, fast);
    expect(devs.map((d) => `${d.kind}:${d.name}:${d.bucket}`)).toEqual([
      "user:a:media",
      "role:web:null",
    ]);
    expect(calls.map((c) => c.command)).not.toContain("ListUserTags");
  });

  it("reports the throttling error when it does not stop", async () => {
    const { aws } = fakeAws({
      GetAccountAuthorizationDetails: () => {
        throw sdkError("AccessDenied", 403);
      },
      ListUsers: () => ({ Users: [user("a")], IsTruncated: false }),
      ListRoles: () => ({ Roles: [], IsTruncated: false }),
      ListUserTags: () => {
        throw throttled();
      },
      ListAccessKeys: () => ({ AccessKeyMetadata: [] }),
    });
    await expect(listDevs(aws, { ...fast, retries: 2 })).rejects.toMatchObject({
      name: "Throttling",
    });
  });
});

describe("audit when IAM throttles", () => {
  it("retries the account listing and the per-user calls", async () => {
    const { aws } = fakeAws({
      GetAccountAuthorizationDetails: failing(2, throttled, () => ({
        UserDetailList: [{ ...user("old"), UserPolicyList: [], GroupList: [] }],
        GroupDetailList: [],
        Policies: [],
        IsTruncated: false,
      })),
      ListAccessKeys: failing(1, throttled, () => ({
        AccessKeyMetadata: [
          {
            AccessKeyId: "AKIAIOSFODNN7EXAMPLE",
            Status: "Active",
            CreateDate: new Date("2023-01-01T00:00:00Z"),
          },
        ],
      })),
      GetAccessKeyLastUsed: () => ({
        AccessKeyLastUsed: { LastUsedDate: new Date("2024-01-10T00:00:00Z") },
      }),
    });
    const report = await auditIam(aws, { ...fast, now: new Date("2024-01-11T00:00:00Z") });
    expect(report.findings.map((f) => f.id)).toEqual(["key-too-old"]);
  });
});

describe("add-dev races and limits", () => {
  it("turns LimitExceeded on CreateAccessKey into a clear conflict (exit 5)", async () => {
    const { aws } = fakeAws({
      HeadBucket: () => ({ BucketRegion: "us-east-1" }),
      GetCallerIdentity: () => ({
        Account: "123456789012",
        Arn: "arn:aws:iam::123456789012:user/admin",
      }),
      GetUser: () => {
        throw sdkError("NoSuchEntity", 404);
      },
      GetPolicy: () => ({ Policy: { DefaultVersionId: "v1" } }),
      GetPolicyVersion: () => ({
        PolicyVersion: {
          Document: encodeURIComponent(
            JSON.stringify(prepareGrant({ bucket: "media", access: "read" }).document),
          ),
        },
      }),
      GetGroup: () => ({ Group: { Arn: "arn:aws:iam::123456789012:group/s3kit/g" } }),
      ListAttachedGroupPolicies: () => ({
        AttachedPolicies: [
          { PolicyArn: "arn:aws:iam::123456789012:policy/s3kit/s3kit-media-read" },
        ],
      }),
      CreateUser: () => ({ User: { Arn: "arn:aws:iam::123456789012:user/s3kit/alice" } }),
      AddUserToGroup: () => ({}),
      // Another admin created two keys for the same user at the same moment.
      CreateAccessKey: () => {
        throw sdkError("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2");
      },
    });
    const err = await onboardDeveloper(aws, {
      userName: "alice",
      grant: prepareGrant({ bucket: "media", access: "read" }),
      attach: "group",
      key: "auto",
      confirm: async () => true,
      delivery: {
        format: "dotenv",
        mapping: styleMapping("aws"),
        namesChosen: false,
        force: false,
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.exitCode).toBe(5);
    expect(err.message).toBe("alice already has 2 access keys, the most IAM allows.");
    expect(err.hint).toContain("s3kit iam rotate-key alice --delete-old");
  });
});

describe("managed policy versions", () => {
  const account = { id: "123456789012", partition: "aws", arn: "" };
  const doc = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow" as const, Action: "s3:GetObject", Resource: "*" }],
  };
  const versions = [1, 2, 3, 4, 5].map((n) => ({
    VersionId: `v${n}`,
    IsDefaultVersion: n === 5,
    CreateDate: new Date(Date.UTC(2024, 0, n)),
  }));
  const handlers = () => ({
    GetPolicy: () => ({ Policy: { DefaultVersionId: "v5" } }),
    GetPolicyVersion: () => ({ PolicyVersion: { Document: "%7B%22Statement%22%3A%5B%5D%7D" } }),
    ListPolicyVersions: () => ({ Versions: versions }),
    DeletePolicyVersion: () => ({}),
    CreatePolicyVersion: () => ({ PolicyVersion: { VersionId: "v6" } }),
  });

  it("asks before deleting the oldest non-default version at the limit", async () => {
    const questions: string[] = [];
    const { aws, calls } = fakeAws(handlers());
    const result = await ensureManagedPolicy(await aws.iam(), {
      account,
      name: "p",
      path: "/s3kit/",
      document: doc,
      confirmPrune: async (q) => {
        questions.push(q);
        return true;
      },
    });
    expect(result).toMatchObject({ status: "updated", versionId: "v6", deletedVersion: "v1" });
    expect(questions[0]).toContain("Delete its oldest non-default version v1");
    expect(calls.find((c) => c.command === "DeletePolicyVersion")?.input.VersionId).toBe("v1");
  });

  it("changes nothing when the answer is no", async () => {
    const { aws, calls } = fakeAws(handlers());
    const err = await ensureManagedPolicy(await aws.iam(), {
      account,
      name: "p",
      path: "/s3kit/",
      document: doc,
      confirmPrune: async () => false,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe("Policy p has 5 versions; nothing was changed.");
    expect(calls.map((c) => c.command)).not.toContain("DeletePolicyVersion");
    expect(calls.map((c) => c.command)).not.toContain("CreatePolicyVersion");
  });

  it("reads URL-encoded documents (AWS) and plain ones (moto)", () => {
    const text = JSON.stringify(doc);
    expect(decodePolicyDocument(encodeURIComponent(text))).toEqual(doc);
    expect(decodePolicyDocument(text)).toEqual(doc);
    expect(sameDocument({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(
      true,
    );
    expect(sameDocument({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});
