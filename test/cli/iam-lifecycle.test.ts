import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateLoginProfileCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runAgainstMoto } from "../support/cli.js";
import { clients, createBucket, parseDotenv, uniqueName } from "../support/iam-clients.js";

const endpoint = inject("motoEndpoint");
const { iam } = clients(endpoint);
const bucket = uniqueName("lifecycle");
const other = uniqueName("lifecycle-other");

beforeAll(async () => {
  await createBucket(endpoint, bucket);
  await createBucket(endpoint, other);
});

const addDev = (user: string, ...extra: string[]) =>
  runAgainstMoto(["iam", "add-dev", user, "--bucket", bucket, "--access", "read-write", ...extra]);
const keys = async (user: string) =>
  (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];

describe("iam list-devs", () => {
  const a = uniqueName("list-a");
  const b = uniqueName("list-b");
  const role = uniqueName("list-role");

  beforeAll(async () => {
    expect((await addDev(a, "--prefix", "uploads/")).code).toBe(0);
    expect(
      (await runAgainstMoto(["iam", "add-dev", b, "--bucket", other, "--access", "read"])).code,
    ).toBe(0);
    expect(
      (
        await runAgainstMoto([
          "iam",
          "add-role",
          role,
          "--bucket",
          bucket,
          "--access",
          "read",
          "--trust",
          "lambda",
        ])
      ).code,
    ).toBe(0);
  });

  it("shows users and roles with bucket, level, prefix and masked keys", async () => {
    const { code, stdout } = await runAgainstMoto(["iam", "list-devs", "--bucket", bucket]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^NAME\s+TYPE\s+BUCKET\s+ACCESS\s+PREFIX\s+KEY\s+STATUS\s+AGE\s+LAST USED$/,
    );
    const rowA = lines.find((l) => l.startsWith(`${a} `));
    expect(rowA).toMatch(
      new RegExp(
        `^${a}\\s+user\\s+${bucket}\\s+read-write\\s+uploads/\\s+AKIA\\*{12}\\w{4}\\s+active\\s+0d\\s+never$`,
      ),
    );
    expect(lines.find((l) => l.startsWith(`${role} `))).toMatch(/\s+role\s+.*\s+read\s+/);
    expect(stdout).not.toContain(b);
    // The full key id never appears.
    const [full] = await keys(a);
    expect(stdout).not.toContain(full?.AccessKeyId);
  });

  it("gives the same as JSON", async () => {
    const { code, stdout } = await runAgainstMoto(["iam", "list-devs", "--json"]);
    expect(code).toBe(0);
    const { devs } = JSON.parse(stdout);
    const entry = devs.find((d: { name: string }) => d.name === b);
    expect(entry).toMatchObject({ kind: "user", bucket: other, access: "read", prefix: null });
    expect(entry.keys[0]).toMatchObject({ status: "Active", ageDays: 0, lastUsed: null });
    expect(entry.keys[0].id).toMatch(/^AKIA\*{12}\w{4}$/);
    expect(devs.find((d: { name: string }) => d.name === role)).toMatchObject({
      kind: "role",
      keys: [],
    });
  });
});

describe("iam rotate-key", () => {
  it("prints a new key and makes the old one inactive", async () => {
    const user = uniqueName("rot");
    const first = parseDotenv((await addDev(user)).stdout);
    const { code, stdout, stderr } = await runAgainstMoto(["iam", "rotate-key", user]);
    expect(code).toBe(0);
    const second = parseDotenv(stdout);
    expect(second.AWS_ACCESS_KEY_ID).toMatch(/^AKIA/);
    expect(second.AWS_ACCESS_KEY_ID).not.toBe(first.AWS_ACCESS_KEY_ID);
    expect(second.S3_BUCKET).toBe(bucket);
    expect(stderr).toContain(`✓ old key ${first.AWS_ACCESS_KEY_ID} made inactive`);
    const status = Object.fromEntries((await keys(user)).map((k) => [k.AccessKeyId, k.Status]));
    expect(status).toEqual({
      [first.AWS_ACCESS_KEY_ID as string]: "Inactive",
      [second.AWS_ACCESS_KEY_ID as string]: "Active",
    });

    // Again: the inactive key makes room (after confirmation), the current one goes inactive.
    const refused = await runAgainstMoto(["iam", "rotate-key", user]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`delete the inactive key ${first.AWS_ACCESS_KEY_ID}`);
    const third = await runAgainstMoto(["iam", "rotate-key", user, "--yes", "--delete-old"]);
    expect(third.code).toBe(0);
    const ids = (await keys(user)).map((k) => k.AccessKeyId);
    expect(ids).toEqual([parseDotenv(third.stdout).AWS_ACCESS_KEY_ID]);
  });

  it("--keep-old leaves the old key active", async () => {
    const user = uniqueName("keep");
    const first = parseDotenv((await addDev(user)).stdout);
    const { code, stderr } = await runAgainstMoto([
      "iam",
      "rotate-key",
      user,
      "--keep-old",
      "--format",
      "json",
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain("stays active");
    expect((await keys(user)).map((k) => k.Status)).toEqual(["Active", "Active"]);
    const both = await runAgainstMoto(["iam", "rotate-key", user]);
    expect(both.code).toBe(5);
    expect(both.stderr).toContain("has two active access keys");
    expect(first.AWS_ACCESS_KEY_ID).toBeDefined();
  });

  it("updates the .env that holds the old key, and only that one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-rot-"));
    const user = uniqueName("rotenv");
    expect(
      (
        await runAgainstMoto(
          ["iam", "add-dev", user, "--bucket", bucket, "--access", "read", "--out", ".env"],
          { cwd: dir },
        )
      ).code,
    ).toBe(0);
    const path = join(dir, ".env");
    writeFileSync(path, `PORT=3000\n${readFileSync(path, "utf8")}`);
    const before = parseDotenv(readFileSync(path, "utf8"));
    const { code, stdout } = await runAgainstMoto(["iam", "rotate-key", user, "--out", ".env"], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stdout).toBe("");
    const after = parseDotenv(readFileSync(path, "utf8"));
    expect(after.PORT).toBe("3000");
    expect(after.AWS_ACCESS_KEY_ID).not.toBe(before.AWS_ACCESS_KEY_ID);
    expect((await keys(user)).find((k) => k.AccessKeyId === after.AWS_ACCESS_KEY_ID)?.Status).toBe(
      "Active",
    );

    // Someone else's .env is not overwritten.
    const stranger = uniqueName("stranger");
    expect((await addDev(stranger)).code).toBe(0);
    const refused = await runAgainstMoto(["iam", "rotate-key", stranger, "--out", ".env"], {
      cwd: dir,
    });
    expect(refused.code).toBe(5);
    expect(parseDotenv(readFileSync(path, "utf8")).AWS_ACCESS_KEY_ID).toBe(after.AWS_ACCESS_KEY_ID);
    expect(await keys(stranger)).toHaveLength(1);
  });

  it("a missing user is exit 3", async () => {
    const { code, stderr } = await runAgainstMoto(["iam", "rotate-key", "s3kit-nobody-here"]);
    expect(code).toBe(3);
    expect(stderr).toContain("IAM user s3kit-nobody-here does not exist.");
  });
});

describe("iam remove-dev", () => {
  it("asks first; with --yes deletes keys, password, inline policies, groups and the user", async () => {
    const user = uniqueName("bye");
    expect((await addDev(user, "--prefix", "a/")).code).toBe(0);
    await iam.send(
      new CreateLoginProfileCommand({ UserName: user, Password: "Very-long-Pa55word!" }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: user,
        PolicyName: "extra",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }],
        }),
      }),
    );
    const asked = await runAgainstMoto(["iam", "remove-dev", user]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain(
      `Delete IAM user ${user} with 1 access key, a console password, 1 inline policy, 1 group membership?`,
    );
    expect(asked.stderr).toContain("Pass --yes");
    await iam.send(new GetUserCommand({ UserName: user }));

    const { code, stdout } = await runAgainstMoto(["iam", "remove-dev", user, "--yes", "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ user, removed: true });
    expect(result.deleted).toMatchObject({
      loginProfile: true,
      inlinePolicies: ["extra"],
      groups: [`s3kit-${bucket}-read-write-a`],
    });
    await expect(iam.send(new GetUserCommand({ UserName: user }))).rejects.toMatchObject({
      Code: "NoSuchEntity",
    });
  });

  it("a missing user is exit 3, or 0 with --if-exists", async () => {
    const missing = await runAgainstMoto(["iam", "remove-dev", "s3kit-gone-user", "--yes"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("IAM user s3kit-gone-user does not exist.");
    const ok = await runAgainstMoto([
      "iam",
      "remove-dev",
      "s3kit-gone-user",
      "--yes",
      "--if-exists",
    ]);
    expect(ok.code).toBe(0);
  });
});

describe("iam audit", () => {
  it("reports old, never-used and inactive keys, and wildcard users; --fail-on exits 6", async () => {
    const user = uniqueName("audit");
    const key = parseDotenv((await addDev(user)).stdout).AWS_ACCESS_KEY_ID as string;
    expect((await runAgainstMoto(["iam", "rotate-key", user, "--keep-old"])).code).toBe(0);
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: key, Status: "Inactive" }),
    );
    const wide = uniqueName("wide");
    expect((await addDev(wide, "--no-key")).code).toBe(0);
    await iam.send(
      new PutUserPolicyCommand({
        UserName: wide,
        PolicyName: "everything",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "*" }],
        }),
      }),
    );

    const { code, stdout } = await runAgainstMoto([
      "iam",
      "audit",
      "--s3kit-only",
      "--json",
      "--max-key-age",
      "90",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const mine = report.findings.filter(
      (f: { user: string }) => f.user === user || f.user === wide,
    );
    expect(
      mine.map((f: { id: string; severity: string }) => `${f.id}:${f.severity}`).sort(),
    ).toEqual(["inactive-key:low", "key-never-used:low", "wildcard-access:high"]);
    expect(mine.find((f: { id: string }) => f.id === "wildcard-access").message).toBe(
      `${wide} is allowed s3:* on * through inline policy everything (statement All).`,
    );

    const failing = await runAgainstMoto(["iam", "audit", "--s3kit-only", "--fail-on", "high"]);
    expect(failing.code).toBe(6);
    expect(failing.stdout).toMatch(/high\s+wildcard-access/);
    expect(failing.stderr).toMatch(/finding.* match --fail-on/);
  });
});

describe("iam add-role", () => {
  it("ec2: a role with the policy, the trust and an instance profile; converges", async () => {
    const name = uniqueName("web");
    const args = [
      "iam",
      "add-role",
      name,
      "--bucket",
      bucket,
      "--access",
      "read-write",
      "--trust",
      "ec2",
    ];
    const { code, stdout } = await runAgainstMoto(args);
    expect(code).toBe(0);
    expect(stdout).toContain(`Role:             arn:aws:iam::123456789012:role/s3kit/${name}`);
    expect(stdout).toContain(
      `Instance profile: arn:aws:iam::123456789012:instance-profile/s3kit/${name}`,
    );
    const role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
    const trust = JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ""));
    expect(trust.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "ec2.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual([
      `s3kit-${bucket}-read-write`,
    ]);
    const profile = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
    expect(profile.InstanceProfile?.Roles?.map((r) => r.RoleName)).toEqual([name]);

    const again = await runAgainstMoto([...args, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      role: { created: false, trustUpdated: false },
      instanceProfile: { created: false },
      policy: { status: "unchanged" },
    });
  });

  it("account:ID prints a profile snippet for the people who assume it", async () => {
    const name = uniqueName("ops");
    const { code, stdout } = await runAgainstMoto([
      "iam",
      "add-role",
      name,
      "--bucket",
      bucket,
      "--access",
      "read",
      "--trust",
      "account:210987654321",
      "--source-profile",
      "work",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `[profile ${name}]\nrole_arn = arn:aws:iam::123456789012:role/s3kit/${name}\nsource_profile = work\n`,
    );
    const role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
    expect(decodeURIComponent(role?.AssumeRolePolicyDocument ?? "")).toContain(
      "arn:aws:iam::210987654321:root",
    );
    // A new trust converges the existing role.
    const moved = await runAgainstMoto([
      "iam",
      "add-role",
      name,
      "--bucket",
      bucket,
      "--access",
      "read",
      "--trust",
      "ecs-tasks",
      "--json",
    ]);
    expect(JSON.parse(moved.stdout).role.trustUpdated).toBe(true);
  });
});
