// The online gathering core against moto: what it reads from IAM and S3 and what the
// engine makes of it.
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  type IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { localEnv } from "../../scripts/servers.mjs";
import { Aws } from "../../src/aws/clients.js";
import { onlineDebug } from "../../src/core/access/debug-online.js";
import { onlineFix } from "../../src/core/access/fix-online.js";
import { gatherPolicies } from "../../src/core/access/gather.js";
import { clients, uniqueName } from "../support/iam-clients.js";

const endpoint = inject("motoEndpoint");
const { iam, s3 } = clients(endpoint);
const ACCOUNT = "123456789012";
const bucket = uniqueName("gather");
let aws: Aws;

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (Action: string | string[], Resource: string | string[]) => ({
  Effect: "Allow",
  Action,
  Resource,
});

async function managed(client: IAMClient, name: string, document: string): Promise<string> {
  const out = await client.send(
    new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }),
  );
  return out.Policy?.Arn as string;
}

beforeAll(async () => {
  // The SDK's credential chain reads process.env (each test file runs in its own process).
  Object.assign(process.env, localEnv(endpoint));
  aws = await Aws.fromOptions({}, process.env);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

describe("a broken policy attached through a group", () => {
  const user = uniqueName("gdev");
  const group = uniqueName("gdevs");
  let arn: string;

  beforeAll(async () => {
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(new CreateGroupCommand({ GroupName: group }));
    await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    // The classic: object actions on the bucket ARN only.
    arn = await managed(
      iam,
      uniqueName("uploads"),
      doc(
        { Sid: "List", ...allow("s3:ListBucket", `arn:aws:s3:::${bucket}`) },
        { Sid: "Objects", ...allow(["s3:GetObject", "s3:PutObject"], `arn:aws:s3:::${bucket}`) },
      ),
    );
    await iam.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: arn }));
  });

  it("gathers the group's policy with its default version", async () => {
    const g = await gatherPolicies(aws, { bucket, principal: { user } });
    expect(g.principal).toMatchObject({
      type: "user",
      name: user,
      groups: [group],
      accountId: ACCOUNT,
    });
    expect(g.sources).toHaveLength(1);
    expect(g.sources[0]).toMatchObject({
      kind: "managed",
      via: { type: "group", name: group },
      arn,
      versionId: "v1",
    });
    expect(g.bucket.status).toBe("exists");
  });

  it("explains the denial and says moto has no simulator", async () => {
    const report = await onlineDebug(aws, { bucket, principal: { user } });
    const byAction = Object.fromEntries(report.results.map((r) => [r.action, r]));
    expect(byAction["s3:ListBucket"]?.decision).toBe("allowed");
    expect(byAction["s3:PutObject"]?.decision).toBe("implicit-deny");
    expect(byAction["s3:PutObject"]?.diagnoses.map((d) => d.id)).toContain(
      "missing-object-wildcard",
    );
    expect(byAction["s3:DeleteObject"]?.diagnoses.map((d) => d.id)).toContain("no-allow");
    expect(report.simulation).toMatchObject({ status: "unsupported" });
    expect(report.results.every((r) => r.decision === "allowed")).toBe(false);
  });

  it("fix --apply adds the /* as a new default version, then everything asked for is allowed", async () => {
    const actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"];
    const dry = await onlineFix(aws, {
      bucket,
      principal: { user },
      actions,
      apply: false,
      confirm: async () => true,
    });
    expect(dry.applied).toBeNull();
    expect(dry.plan).toMatchObject({ kind: "managed", arn });
    expect(dry.plan?.changes.map((c) => c.kind)).toEqual(["add-resource"]);
    expect(dry.plan?.note).toContain(`group ${group}`);
    const policy = async () => (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
    expect((await policy())?.DefaultVersionId).toBe("v1");

    const applied = await onlineFix(aws, {
      bucket,
      principal: { user },
      actions,
      apply: true,
      confirm: async () => true,
    });
    expect(applied.applied).toMatchObject({ action: "new-version", versionId: "v2" });
    expect(applied.results.map((r) => `${r.action}:${r.before}->${r.after}`)).toEqual([
      "s3:GetObject:implicit-deny->allowed",
      "s3:PutObject:implicit-deny->allowed",
      "s3:ListBucket:allowed->allowed",
    ]);
    expect(applied.complete).toBe(true);
    expect((await policy())?.DefaultVersionId).toBe("v2");
  });
});

describe("inline policies, boundaries, and policies elsewhere", () => {
  it("reads user and group inline policies", async () => {
    const user = uniqueName("inl");
    const group = uniqueName("inlg");
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(new CreateGroupCommand({ GroupName: group }));
    await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: user,
        PolicyName: "mine",
        PolicyDocument: doc(allow("s3:PutObject", `arn:aws:s3:::${bucket}/*`)),
      }),
    );
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: group,
        PolicyName: "team",
        PolicyDocument: doc(allow("s3:GetObject", `arn:aws:s3:::${bucket}/*`)),
      }),
    );
    const g = await gatherPolicies(aws, { bucket, principal: { user } });
    expect(g.sources.map((s) => s.name)).toEqual([
      `inline:mine (user ${user})`,
      `inline:team (group ${group})`,
    ]);
    const report = await onlineDebug(aws, {
      bucket,
      principal: { user },
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      key: "a.txt",
    });
    expect(report.results.map((r) => r.decision)).toEqual(["allowed", "allowed", "implicit-deny"]);
  });

  it("reads a role's permissions boundary (moto keeps boundaries for roles only)", async () => {
    const role = uniqueName("bounded");
    const boundary = await managed(iam, uniqueName("boundary"), doc(allow("s3:GetObject", "*")));
    await iam.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: doc({
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        PermissionsBoundary: boundary,
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: "rw",
        PolicyDocument: doc(allow(["s3:GetObject", "s3:PutObject"], `arn:aws:s3:::${bucket}/*`)),
      }),
    );
    const report = await onlineDebug(aws, {
      bucket,
      principal: { role },
      actions: ["s3:GetObject", "s3:PutObject"],
    });
    expect(report.boundary?.arn).toBe(boundary);
    expect(report.results.map((r) => r.decision)).toEqual(["allowed", "implicit-deny"]);
    expect(report.results[1]?.diagnoses.map((d) => d.id)).toContain("boundary-blocks");
  });

  it("finds the policy that would allow it attached to someone else, and a better non-default version", async () => {
    const user = uniqueName("lonely");
    await iam.send(new CreateUserCommand({ UserName: user }));
    const own = await managed(
      iam,
      uniqueName("own"),
      doc(allow("s3:GetObject", `arn:aws:s3:::${bucket}/*`)),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: own }));
    // v2 (not the default) would allow uploads.
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: own,
        PolicyDocument: doc(allow(["s3:GetObject", "s3:PutObject"], `arn:aws:s3:::${bucket}/*`)),
        SetAsDefault: false,
      }),
    );
    const other = uniqueName("writers");
    const otherGroup = uniqueName("writers-group");
    await iam.send(new CreateGroupCommand({ GroupName: otherGroup }));
    const writers = await managed(
      iam,
      other,
      doc(allow("s3:PutObject", `arn:aws:s3:::${bucket}/*`)),
    );
    await iam.send(new AttachGroupPolicyCommand({ GroupName: otherGroup, PolicyArn: writers }));

    const report = await onlineDebug(aws, {
      bucket,
      principal: { user },
      actions: ["s3:PutObject"],
    });
    const ids = report.results[0]?.diagnoses.map((d) => d.id);
    expect(ids).toContain("policy-not-attached");
    expect(ids).toContain("non-default-version");
    const notAttached = report.results[0]?.diagnoses.filter((d) => d.id === "policy-not-attached");
    expect(notAttached?.map((d) => d.message).join("\n")).toContain(
      `Policy "${other}" would allow s3:PutObject, but it is attached to group/${otherGroup}`,
    );
  });

  it("reads the bucket policy, public-access block and SSE-KMS encryption", async () => {
    const kmsBucket = uniqueName("kms");
    await s3.send(new CreateBucketCommand({ Bucket: kmsBucket }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: kmsBucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: "aws:kms",
                KMSMasterKeyID: "1234abcd-12ab-34cd-56ef-1234567890ab",
              },
            },
          ],
        },
      }),
    );
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: kmsBucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: kmsBucket,
        Policy: doc({
          Sid: "TlsOnly",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${kmsBucket}`, `arn:aws:s3:::${kmsBucket}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      }),
    );
    const user = uniqueName("kmsdev");
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: user,
        PolicyName: "rw",
        PolicyDocument: doc(allow(["s3:GetObject", "s3:PutObject"], `arn:aws:s3:::${kmsBucket}/*`)),
      }),
    );
    const report = await onlineDebug(aws, {
      bucket: kmsBucket,
      principal: { user },
      actions: ["s3:PutObject"],
    });
    expect(report.bucket.encryption).toEqual({
      type: "SSE-KMS",
      kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    });
    expect(report.bucket.publicAccessBlock).toMatchObject({ BlockPublicPolicy: true });
    expect(report.bucket.policy?.Statement).toBeDefined();
    expect(report.results[0]?.decision).toBe("allowed");
    expect(report.results[0]?.diagnoses.map((d) => d.id)).toEqual(["kms-missing", "kms-missing"]);
  });
});

describe("buckets that are not there", () => {
  it("a missing bucket is a finding of its own", async () => {
    const user = uniqueName("nob");
    await iam.send(new CreateUserCommand({ UserName: user }));
    const report = await onlineDebug(aws, {
      bucket: uniqueName("missing"),
      principal: { user },
      actions: ["s3:GetObject"],
    });
    expect(report.bucket.status).toBe("missing");
    expect(report.bucketFindings.map((f) => f.id)).toEqual(["bucket-not-found"]);
  });

  it("a bucket in another region is a finding of its own", async () => {
    const far = uniqueName("far");
    await s3.send(
      new CreateBucketCommand({
        Bucket: far,
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    const user = uniqueName("fardev");
    await iam.send(new CreateUserCommand({ UserName: user }));
    const report = await onlineDebug(aws, {
      bucket: far,
      principal: { user },
      actions: ["s3:GetObject"],
    });
    expect(report.bucket).toMatchObject({ status: "other-region", region: "eu-west-1" });
    expect(report.bucketFindings[0]?.message).toContain("is in eu-west-1, not us-east-1");
  });
});

describe("roles and the caller", () => {
  it("evaluates a role as a session of it", async () => {
    const role = uniqueName("worker");
    await iam.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: doc({
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: "read",
        PolicyDocument: doc(allow("s3:GetObject", `arn:aws:s3:::${bucket}/*`)),
      }),
    );
    const g = await gatherPolicies(aws, { bucket, principal: { role } });
    expect(g.principal.callerArn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${role}/s3kit-debug`);
    const fixed = await onlineFix(aws, {
      bucket,
      principal: { role },
      actions: ["s3:PutObject"],
      apply: true,
      confirm: async () => true,
    });
    expect(fixed.applied).toMatchObject({ action: "put-inline" });
    expect(fixed.complete).toBe(true);
  });

  it("fixes a group's inline policy with PutGroupPolicy, or writes a new policy with --new-policy", async () => {
    const user = uniqueName("gi");
    const group = uniqueName("gig");
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(new CreateGroupCommand({ GroupName: group }));
    await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: group,
        PolicyName: "team",
        PolicyDocument: doc(allow("s3:GetObject", `arn:aws:s3:::${bucket}`)),
      }),
    );
    const fixed = await onlineFix(aws, {
      bucket,
      principal: { user },
      actions: ["s3:GetObject"],
      apply: true,
      confirm: async () => true,
    });
    expect(fixed.applied?.action).toBe("put-inline");
    const team = await iam.send(
      new GetGroupPolicyCommand({ GroupName: group, PolicyName: "team" }),
    );
    expect(decodeURIComponent(team.PolicyDocument ?? "")).toContain(`arn:aws:s3:::${bucket}/*`);

    const name = uniqueName("extra");
    const created = await onlineFix(aws, {
      bucket,
      principal: { user },
      actions: ["s3:DeleteObject"],
      apply: true,
      newPolicyName: name,
      confirm: async () => true,
    });
    expect(created.applied).toMatchObject({ action: "created-and-attached" });
    expect(created.results[0]).toMatchObject({ before: "implicit-deny", after: "allowed" });
  });

  it("the caller must be an IAM user or role (moto's default caller is neither)", async () => {
    await expect(
      gatherPolicies(aws, { bucket, principal: { caller: true } }),
    ).rejects.toMatchObject({
      code: "UnsupportedPrincipal",
      exitCode: 2,
    });
  });
});
