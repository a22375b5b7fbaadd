// Online `policy debug` and `policy fix` from the built binary against moto: the live
// policies of a user or role, read back and evaluated; --apply writes the fix. Offline
// fixes run in-process (test/command/policy-fix-offline.test.ts).
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListAttachedUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runAgainstMoto, runCli } from "../support/cli.js";
import { clients, createBucket, uniqueName } from "../support/iam-clients.js";

const endpoint = inject("motoEndpoint");
const { iam } = clients(endpoint);
const bucket = uniqueName("online");
const user = uniqueName("broken");
const group = uniqueName("broken-team");
let policyArn: string;

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

beforeAll(async () => {
  await createBucket(endpoint, bucket);
  await iam.send(new CreateUserCommand({ UserName: user }));
  await iam.send(new CreateGroupCommand({ GroupName: group }));
  await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
  const created = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `${group}-uploads`,
      PolicyDocument: doc(
        {
          Sid: "List",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: `arn:aws:s3:::${bucket}`,
        },
        {
          Sid: "Uploads",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: `arn:aws:s3:::${bucket}`,
        },
      ),
    }),
  );
  policyArn = created.Policy?.Arn as string;
  await iam.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: policyArn }));
});

describe("policy debug online", () => {
  it("finds the missing /* in a policy attached through a group", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "policy",
      "debug",
      "--user",
      user,
      "--bucket",
      bucket,
      "--key",
      "uploads/a.png",
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(
      `User ${user} (arn:aws:iam::123456789012:user/${user}), in group ${group}`,
    );
    expect(stdout).toContain(`Policies: ${group}-uploads v1 (managed, on the group ${group})`);
    expect(stdout).toMatch(/✓ s3:ListBucket allowed/);
    expect(stdout).toMatch(/✗ s3:PutObject implicit-deny\s+arn:aws:s3:::.*\/uploads\/a\.png/);
    expect(stdout).toContain(
      `Fix: Add "arn:aws:s3:::${bucket}/uploads/*" to the Resource of that statement (the key's folder`,
    );
    expect(stdout).toContain(
      "does not implement SimulatePrincipalPolicy; the results are s3kit's own evaluation.",
    );
  });

  it("gives the same as JSON, and --expect allow exits 6", async () => {
    const { code, stdout } = await runAgainstMoto([
      "policy",
      "debug",
      "--user",
      user,
      "--bucket",
      bucket,
      "--action",
      "s3:PutObject",
      "--json",
      "--expect",
      "allow",
    ]);
    expect(code).toBe(6);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      mode: "online",
      subject: { type: "user", name: user, groups: [group] },
      bucket: { name: bucket, status: "exists" },
      simulation: { status: "unsupported" },
      expectationMet: false,
    });
    expect(report.sources[0]).toMatchObject({ kind: "managed", arn: policyArn, versionId: "v1" });
    expect(report.results[0].diagnoses.map((d: { id: string }) => d.id)).toContain(
      "missing-object-wildcard",
    );
  });

  it("evaluates a role", async () => {
    const role = uniqueName("app");
    await iam.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: doc({
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: "read",
        PolicyDocument: doc({
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: `arn:aws:s3:::${bucket}/*`,
        }),
      }),
    );
    const { code, stdout } = await runAgainstMoto([
      "policy",
      "debug",
      "--role",
      role,
      "--bucket",
      bucket,
      "--action",
      "s3:GetObject",
      "s3:PutObject",
      "--json",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.subject).toMatchObject({ type: "role", name: role });
    expect(report.principal.arn).toBe(`arn:aws:sts::123456789012:assumed-role/${role}/s3kit-debug`);
    expect(report.results.map((r: { decision: string }) => r.decision)).toEqual([
      "allowed",
      "implicit-deny",
    ]);
  });

  it("--group: a group's effective access (its managed and inline policies) for a member", async () => {
    const team = uniqueName("team");
    await iam.send(new CreateGroupCommand({ GroupName: team }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: team, PolicyArn: policyArn }));
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: team,
        PolicyName: "reports",
        PolicyDocument: doc({
          Sid: "Reports",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: `arn:aws:s3:::${bucket}/reports/*`,
        }),
      }),
    );
    const args = ["policy", "debug", "--group", team, "--bucket", bucket];
    const text = await runAgainstMoto([...args, "--key", "uploads/a.png"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Group ${team} (arn:aws:iam::123456789012:group/${team})`);
    expect(text.stdout).toContain(`${group}-uploads v1 (managed, on the group ${team})`);
    expect(text.stdout).toContain(`inline:reports (group ${team})`);
    expect(text.stdout).toMatch(/✗ s3:PutObject implicit-deny\s+arn:aws:s3:::.*\/uploads\/a\.png/);
    expect(text.stdout).toContain(`Add "arn:aws:s3:::${bucket}/uploads/*" to the Resource`);
    // A group is no principal: what a member also has of their own is said, not guessed.
    expect(text.stdout).toContain("--user NAME");

    const json = await runAgainstMoto([
      ...args,
      "--key",
      "reports/q1.csv",
      "--action",
      "s3:GetObject",
      "--json",
    ]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.subject).toMatchObject({
      type: "group",
      name: team,
      arn: `arn:aws:iam::123456789012:group/${team}`,
    });
    expect(report.results[0]).toMatchObject({ action: "s3:GetObject", decision: "allowed" });
    expect(report.results[0].deciding[0].policy).toBe(`inline:reports (group ${team})`);

    const missing = await runAgainstMoto([
      ...args.slice(0, 3),
      "nobody-team-x",
      "--bucket",
      bucket,
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("IAM group nobody-team-x does not exist");

    const both = await runAgainstMoto([...args, "--user", user]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("one of --user, --role and --group");

    const offline = await runCli([...args, "--policy-file", "x.json"]);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toContain("--group is for online checks");
  });

  it("says it cannot tell the bucket's owner on moto, and --bucket-account makes it another account's", async () => {
    const base = [
      "policy",
      "debug",
      "--user",
      user,
      "--bucket",
      bucket,
      "--action",
      "s3:ListBucket",
      "--json",
    ];
    const plain = JSON.parse((await runAgainstMoto(base)).stdout);
    expect(plain.bucket.owner).toEqual({ accountId: "123456789012", source: "assumed" });
    expect(plain.notes.join(" ")).toContain("does not check ExpectedBucketOwner");
    expect(plain.results[0]).toMatchObject({ decision: "allowed", crossAccount: false });

    const other = await runAgainstMoto([...base, "--bucket-account", "111122223333"]);
    expect(other.code, other.stderr).toBe(0);
    const report = JSON.parse(other.stdout);
    expect(report.bucket.owner).toEqual({ accountId: "111122223333", source: "given" });
    // The group's policy allows it, but the bucket (another account's) has no bucket policy.
    expect(report.results[0]).toMatchObject({
      decision: "implicit-deny",
      blockedBy: "resource-policy",
      crossAccount: true,
    });
    expect(report.results[0].diagnoses.map((d: { id: string }) => d.id)).toContain(
      "bucket-policy-blocks",
    );

    const bad = await runAgainstMoto([...base, "--bucket-account", "acme"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not an AWS account ID");
  });

  it("a live bucket policy nested 5,000 deep is exit 2, nested too deeply", async () => {
    const deepBucket = uniqueName("deep");
    await createBucket(endpoint, deepBucket);
    const { s3 } = clients(endpoint);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: deepBucket,
        Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":${"[".repeat(5000)}"arn:aws:s3:::${deepBucket}/*"${"]".repeat(5000)}}]}`,
      }),
    );
    for (const verb of ["debug", "fix"]) {
      const { code, stdout, stderr } = await runAgainstMoto([
        "policy",
        verb,
        "--user",
        user,
        "--bucket",
        deepBucket,
        "--action",
        "s3:GetObject",
      ]);
      expect(code, stderr).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(`The bucket policy of ${deepBucket} is nested too deeply`);
    }
  });

  it("a live bucket policy with an unknown operator is exit 2, naming it", async () => {
    const typoBucket = uniqueName("typo");
    await createBucket(endpoint, typoBucket);
    const { s3 } = clients(endpoint);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: typoBucket,
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "OnlyFromVpce",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: `arn:aws:s3:::${typoBucket}/*`,
              Condition: { StringNotEqualz: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
            },
          ],
        }),
      }),
    );
    const { code, stdout, stderr } = await runAgainstMoto([
      "policy",
      "debug",
      "--user",
      user,
      "--bucket",
      typoBucket,
    ]);
    expect(code, stdout).toBe(2);
    expect(stderr).toContain(
      `bucket-policy:${typoBucket}: Statement[0] (Sid "OnlyFromVpce"): "StringNotEqualz" is not a condition operator`,
    );
  });

  it("says when the bucket does not exist, and a missing user is exit 3", async () => {
    const missing = await runAgainstMoto([
      "policy",
      "debug",
      "--user",
      user,
      "--bucket",
      "s3kit-no-such-bucket-x",
    ]);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain(
      "Bucket s3kit-no-such-bucket-x does not exist, so every request to it fails",
    );
    const nobody = await runAgainstMoto([
      "policy",
      "debug",
      "--user",
      "s3kit-nobody-x",
      "--bucket",
      bucket,
    ]);
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toContain("IAM user s3kit-nobody-x does not exist.");
  });
});

describe("policy fix online", () => {
  it("shows the diff without changing anything, then --apply writes a new default version", async () => {
    const args = [
      "policy",
      "fix",
      "--user",
      user,
      "--bucket",
      bucket,
      "--action",
      "s3:GetObject",
      "s3:PutObject",
      "--key",
      "uploads/a.png",
    ];
    const dry = await runAgainstMoto(args);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`Policy ${group}-uploads (managed policy, on the group ${group})`);
    expect(dry.stdout).toContain(`+         "arn:aws:s3:::${bucket}/uploads/*"`);
    expect(dry.stdout).toContain(
      `Scope: prefix "uploads/" of ${bucket} (the key's folder, as the policies use no prefix for this bucket). Grants s3:GetObject, s3:PutObject on every key under "uploads/", nothing outside it.`,
    );
    expect(dry.stdout).toContain(`every member of the group gets the change`);
    expect(dry.stdout).toContain("After the change (not applied):");
    expect(dry.stderr).toContain("Nothing was changed; run again with --apply");
    const version = async () =>
      (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.DefaultVersionId;
    expect(await version()).toBe("v1");

    const applied = await runAgainstMoto([...args, "--apply"]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Read back and evaluated again:");
    expect(applied.stdout).toMatch(/✓ s3:PutObject\s+implicit-deny → allowed/);
    expect(applied.stderr).toContain(`✓ policy ${group}-uploads: new default version v2`);
    expect(await version()).toBe("v2");
    const v2 = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: "v2" }),
    );
    expect(decodeURIComponent(v2.PolicyVersion?.Document ?? "")).toContain(
      `arn:aws:s3:::${bucket}/uploads/*`,
    );

    const after = await runAgainstMoto([
      "policy",
      "debug",
      "--user",
      user,
      "--bucket",
      bucket,
      "--action",
      "s3:PutObject",
      "--key",
      "uploads/next.png",
      "--expect",
      "allow",
    ]);
    expect(after.code).toBe(0);
  });

  it("--new-policy creates and attaches a policy for a user without one", async () => {
    const bare = uniqueName("bare");
    await iam.send(new CreateUserCommand({ UserName: bare }));
    const none = await runAgainstMoto([
      "policy",
      "fix",
      "--user",
      bare,
      "--bucket",
      bucket,
      "--apply",
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`User ${bare} has no policy s3kit can change.`);
    const name = uniqueName("bare-access");
    const { code, stdout } = await runAgainstMoto([
      "policy",
      "fix",
      "--user",
      bare,
      "--bucket",
      bucket,
      "--action",
      "s3:GetObject",
      "--apply",
      "--new-policy",
      name,
      "--json",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.applied).toMatchObject({ action: "created-and-attached", policy: name });
    expect(report.results).toEqual([
      expect.objectContaining({
        action: "s3:GetObject",
        before: "implicit-deny",
        after: "allowed",
      }),
    ]);
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: bare }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual([name]);
  });

  it("exits 6 when an explicit deny keeps an action denied, and names it", async () => {
    const denied = uniqueName("denied");
    await iam.send(new CreateUserCommand({ UserName: denied }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: denied,
        PolicyName: "rules",
        PolicyDocument: doc(
          { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` },
          { Sid: "NoDeletes", Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" },
        ),
      }),
    );
    const { code, stdout } = await runAgainstMoto([
      "policy",
      "fix",
      "--user",
      denied,
      "--bucket",
      bucket,
      "--action",
      "s3:DeleteObject",
    ]);
    expect(code).toBe(6);
    expect(stdout).toContain(
      's3:DeleteObject stays denied: explicitly denied by statement "NoDeletes"',
    );
  });
});
