import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListPolicyVersionsCommand,
  ListUserTagsCommand,
} from "@aws-sdk/client-iam";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runAgainstMoto, runCli } from "../support/cli.js";
import { clients, createBucket, parseDotenv, uniqueName } from "../support/iam-clients.js";

const endpoint = inject("motoEndpoint");
const { iam } = clients(endpoint);
const bucket = uniqueName("adddev");
const ACCOUNT = "123456789012";
const policyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/s3kit/${name}`;

beforeAll(async () => {
  await createBucket(endpoint, bucket);
});

async function keysOf(user: string) {
  return (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
}
async function groupsOf(user: string) {
  return ((await iam.send(new ListGroupsForUserCommand({ UserName: user }))).Groups ?? []).map(
    (g) => g.GroupName,
  );
}

const exists = (work: () => Promise<unknown>) =>
  work().then(
    () => true,
    () => false,
  );

describe("iam add-dev", () => {
  const user = uniqueName("alice");
  const grant = `s3kit-${bucket}-read-write-uploads`;

  it("creates the policy, the group, the tagged user in it, and a key printed once", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "iam",
      "add-dev",
      user,
      "--bucket",
      bucket,
      "--access",
      "read-write",
      "--prefix",
      "uploads/",
    ]);
    expect(code).toBe(0);
    const vars = parseDotenv(stdout);
    expect(Object.keys(vars)).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
      "S3_BUCKET",
      "AWS_S3_BUCKET_NAME",
      "S3_PREFIX",
      "AWS_ENDPOINT_URL",
    ]);
    expect(vars).toMatchObject({
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      S3_BUCKET: bucket,
      S3_PREFIX: "uploads/",
      AWS_ENDPOINT_URL: endpoint,
    });
    expect(stderr).toContain(`✓ policy ${grant} created`);
    expect(stderr).toContain("the secret access key is shown only this once");
    expect(stderr).not.toContain(vars.AWS_SECRET_ACCESS_KEY);

    // Read back with an independent client.
    const created = (await iam.send(new GetUserCommand({ UserName: user }))).User;
    expect(created?.Path).toBe("/s3kit/");
    const tags = (await iam.send(new ListUserTagsCommand({ UserName: user }))).Tags ?? [];
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: "managed-by", Value: "s3kit" },
        { Key: "s3kit:bucket", Value: bucket },
        { Key: "s3kit:access", Value: "read-write" },
        { Key: "s3kit:prefix", Value: "uploads/" },
      ]),
    );
    expect(await groupsOf(user)).toEqual([grant]);
    const group = await iam.send(new GetGroupCommand({ GroupName: grant }));
    expect(group.Group?.Path).toBe("/s3kit/");
    const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: grant }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([policyArn(grant)]);
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: policyArn(grant), VersionId: "v1" }),
    );
    const document = JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? ""));
    expect(JSON.stringify(document)).toContain(`arn:aws:s3:::${bucket}/uploads/*`);
    const keys = await keysOf(user);
    expect(keys.map((k) => k.AccessKeyId)).toEqual([vars.AWS_ACCESS_KEY_ID]);
  });

  it("converges when run again: no second key, no new policy version", async () => {
    const { code, stdout, stderr } = await runAgainstMoto([
      "iam",
      "add-dev",
      user,
      "--bucket",
      bucket,
      "--access",
      "read-write",
      "--prefix",
      "uploads/",
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(`✓ policy ${grant} up to date`);
    expect(stderr).toContain(
      `No new access key: ${user} already has an access key; pass --new-key`,
    );
    expect(stdout).toContain(`User:   arn:aws:iam::${ACCOUNT}:user/s3kit/${user}`);
    expect(stdout).not.toContain("AWS_SECRET_ACCESS_KEY");
    expect(await keysOf(user)).toHaveLength(1);
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn(grant) }));
    expect(policy.Policy?.DefaultVersionId).toBe("v1");
  });

  it("--new-key adds a second key; a third is a clear conflict (exit 5)", async () => {
    const args = [
      "iam",
      "add-dev",
      user,
      "--bucket",
      bucket,
      "--access",
      "read-write",
      "--prefix",
      "uploads/",
      "--new-key",
    ];
    const second = await runAgainstMoto(args);
    expect(second.code).toBe(0);
    expect(await keysOf(user)).toHaveLength(2);
    const third = await runAgainstMoto(args);
    expect(third.code).toBe(5);
    expect(third.stderr).toContain(
      `error: ${user} already has 2 access keys, the most IAM allows.`,
    );
    expect(third.stderr).toContain(`s3kit iam rotate-key ${user} --delete-old`);
    expect(await keysOf(user)).toHaveLength(2);
  });

  it("moves the user to the new level's group when the level changes", async () => {
    const { code } = await runAgainstMoto([
      "iam",
      "add-dev",
      user,
      "--bucket",
      bucket,
      "--access",
      "read",
      "--no-key",
    ]);
    expect(code).toBe(0);
    expect(await groupsOf(user)).toEqual([`s3kit-${bucket}-read`]);
    const tags = (await iam.send(new ListUserTagsCommand({ UserName: user }))).Tags ?? [];
    expect(tags).toContainEqual({ Key: "s3kit:access", Value: "read" });
    expect(tags).toContainEqual({
      Key: `s3kit:grant:${bucket}`,
      Value: `read s3kit-${bucket}-read`,
    });
  });

  it("--attach user attaches the policy to the user, without a group", async () => {
    const solo = uniqueName("solo");
    const { code, stdout } = await runAgainstMoto([
      "iam",
      "add-dev",
      solo,
      "--bucket",
      bucket,
      "--access",
      "upload",
      "--attach",
      "user",
      "--json",
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ attachedTo: "user", group: null, access: "upload" });
    expect(result.accessKey.secretAccessKey).toMatch(/.{20,}/);
    expect(result.variables.S3_BUCKET).toBe(bucket);
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: solo }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual([`s3kit-${bucket}-upload`]);
    expect(await groupsOf(solo)).toEqual([]);
  });

  it("gives an existing policy with another document a new default version", async () => {
    const kms = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const dev = uniqueName("kms");
    const base = [
      "iam",
      "add-dev",
      dev,
      "--bucket",
      bucket,
      "--access",
      "read-write-delete",
      "--no-key",
    ];
    expect((await runAgainstMoto(base)).code).toBe(0);
    const { code, stderr } = await runAgainstMoto([...base, "--kms-key", kms]);
    expect(code).toBe(0);
    expect(stderr).toContain(`✓ policy s3kit-${bucket}-read-write-delete updated`);
    const arn = policyArn(`s3kit-${bucket}-read-write-delete`);
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    expect(policy.Policy?.DefaultVersionId).toBe("v2");
    const doc = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v2" }));
    expect(decodeURIComponent(doc.PolicyVersion?.Document ?? "")).toContain("kms:GenerateDataKey");
  });

  it("at five versions, deletes the oldest non-default one only with confirmation", async () => {
    const dev = uniqueName("five");
    const name = `s3kit-${bucket}-admin`;
    const arn = policyArn(name);
    expect(
      (
        await runAgainstMoto([
          "iam",
          "add-dev",
          dev,
          "--bucket",
          bucket,
          "--access",
          "admin",
          "--no-key",
        ])
      ).code,
    ).toBe(0);
    for (let i = 0; i < 4; i++) {
      await iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: arn,
          SetAsDefault: true,
          PolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: `Old${i}`,
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: `arn:aws:s3:::${bucket}`,
              },
            ],
          }),
        }),
      );
    }
    const args = ["iam", "add-dev", dev, "--bucket", bucket, "--access", "admin", "--no-key"];
    const refused = await runAgainstMoto(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `Policy ${name} has 5 versions (the IAM limit). Delete its oldest non-default version v1`,
    );
    expect(refused.stderr).toContain("Pass --yes");
    const versions = async () =>
      ((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [])
        .map((v) => `${v.VersionId}${v.IsDefaultVersion ? "*" : ""}`)
        .sort();
    expect(await versions()).toEqual(["v1", "v2", "v3", "v4", "v5*"]);
    const ok = await runAgainstMoto([...args, "--yes"]);
    expect(ok.code).toBe(0);
    expect(await versions()).toEqual(["v2", "v3", "v4", "v5", "v6*"]);
  });

  it("refuses a user s3kit did not create, unless --adopt", async () => {
    const other = uniqueName("legacy");
    await iam.send(new CreateUserCommand({ UserName: other }));
    const args = ["iam", "add-dev", other, "--bucket", bucket, "--access", "read", "--no-key"];
    const refused = await runAgainstMoto(args);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`IAM user ${other} exists and was not created by s3kit.`);
    expect((await runAgainstMoto([...args, "--adopt"])).code).toBe(0);
    expect(await groupsOf(other)).toEqual([`s3kit-${bucket}-read`]);
    // Taken over, it is one of the developers: list-devs shows it (its path stays /).
    const listed = await runAgainstMoto(["iam", "list-devs", "--bucket", bucket, "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const entry = (JSON.parse(listed.stdout).devs as { name: string; arn: string }[]).find(
      (e) => e.name === other,
    );
    expect(entry).toMatchObject({ arn: `arn:aws:iam::123456789012:user/${other}`, access: "read" });
  });

  it("--policy-name names the policy and its group; the name holds one grant", async () => {
    const name = uniqueName("shop-media-policy");
    const ann = uniqueName("ann");
    const args = (user: string, access: string) => [
      "iam",
      "add-dev",
      user,
      "--bucket",
      bucket,
      "--access",
      access,
      "--prefix",
      "media/",
      "--policy-name",
      name,
      "--no-key",
    ];
    const first = await runAgainstMoto(args(ann, "read-write"));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`✓ policy ${name} created`);
    const policy = await iam.send(
      new GetPolicyCommand({ PolicyArn: `arn:aws:iam::123456789012:policy/s3kit/${name}` }),
    );
    expect(policy.Policy?.PolicyName).toBe(name);
    expect(await groupsOf(ann)).toEqual([name]);
    // Converges, and a second developer with the same grant shares it.
    const ben = uniqueName("ben");
    expect((await runAgainstMoto(args(ann, "read-write"))).stderr).toContain(
      `✓ policy ${name} up to date`,
    );
    expect((await runAgainstMoto(args(ben, "read-write"))).code).toBe(0);
    expect(await groupsOf(ben)).toEqual([name]);
    const listed = JSON.parse((await runAgainstMoto(["iam", "list-devs", "--json"])).stdout).devs;
    expect(listed.find((e: { name: string }) => e.name === ann).grants).toEqual([
      { bucket, access: "read-write", policyName: name },
    ]);

    // Another grant under the same name would change the access of everyone who has it.
    const cy = uniqueName("cy");
    const other = await runAgainstMoto(args(cy, "read"));
    expect(other.code).toBe(5);
    expect(other.stderr).toContain(
      `Policy ${name} holds another grant (read-write access to ${bucket} under media/)`,
    );
    expect(await exists(() => iam.send(new GetUserCommand({ UserName: cy })))).toBe(false);
  });

  it("--policy-name: a name IAM refuses, or a policy of that name s3kit did not make, is refused before anything changes", async () => {
    const bad = await runAgainstMoto(
      [
        "iam",
        "add-dev",
        "someone",
        "--bucket",
        bucket,
        "--access",
        "read",
        "--policy-name",
        "my policy",
      ],
      { env: { AWS_ENDPOINT_URL: "http://127.0.0.1:9" } },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid --policy-name "my policy"');

    const theirs = uniqueName("their-policy");
    await iam.send(
      new CreatePolicyCommand({
        PolicyName: theirs,
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }],
        }),
      }),
    );
    const dev = uniqueName("dee");
    const r = await runAgainstMoto([
      "iam",
      "add-dev",
      dev,
      "--bucket",
      bucket,
      "--access",
      "read",
      "--policy-name",
      theirs,
    ]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`A policy named ${theirs} exists and was not made by s3kit`);
    expect(await exists(() => iam.send(new GetUserCommand({ UserName: dev })))).toBe(false);
  });

  it("needs an existing bucket (exit 3), and creates nothing without one", async () => {
    const dev = uniqueName("nobucket");
    const { code, stderr } = await runAgainstMoto([
      "iam",
      "add-dev",
      dev,
      "--bucket",
      "s3kit-no-such-bucket",
      "--access",
      "read",
    ]);
    expect(code).toBe(3);
    expect(stderr).toContain("error: Bucket s3kit-no-such-bucket does not exist.");
    expect(stderr).toContain("s3kit bucket create s3kit-no-such-bucket");
    await expect(iam.send(new GetUserCommand({ UserName: dev }))).rejects.toMatchObject({
      Code: "NoSuchEntity",
    });
  });

  it("never shows the secret in --debug", async () => {
    const dev = uniqueName("debug");
    const { code, stdout, stderr } = await runAgainstMoto([
      "iam",
      "add-dev",
      dev,
      "--bucket",
      bucket,
      "--access",
      "read",
      "--debug",
    ]);
    expect(code).toBe(0);
    const secret = parseDotenv(stdout).AWS_SECRET_ACCESS_KEY as string;
    expect(stderr).toContain("IAM CreateAccessKey");
    expect(stderr).not.toContain(secret);
  });
});

describe("iam add-dev credentials output", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-env-"));
  const run = (user: string, ...extra: string[]) =>
    runAgainstMoto(["iam", "add-dev", user, "--bucket", bucket, "--access", "read", ...extra], {
      cwd: dir,
    });

  it("--out writes a new file with mode 0600 and prints no secret", async () => {
    const { code, stdout, stderr } = await run(uniqueName("out"), "--out", "new.env");
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain("✓ credentials written to new.env (mode 0600)");
    const path = join(dir, "new.env");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(parseDotenv(readFileSync(path, "utf8")).S3_BUCKET).toBe(bucket);
  });

  it("merges into an existing .env, keeping its other lines", async () => {
    const path = join(dir, "app.env");
    writeFileSync(
      path,
      "# my app\nDEBUG=true\nDATABASE_URL=postgres://localhost/app\nAWS_REGION=eu-west-3\n",
      { mode: 0o644 },
    );
    const { code, stderr } = await run(uniqueName("merge"), "--out", "app.env");
    expect(code).toBe(0);
    expect(stderr).toContain("✓ credentials merged into app.env (mode 0600)");
    const text = readFileSync(path, "utf8");
    expect(
      text.startsWith(
        "# my app\nDEBUG=true\nDATABASE_URL=postgres://localhost/app\nAWS_REGION=us-east-1\n",
      ),
    ).toBe(true);
    expect(parseDotenv(text).AWS_ACCESS_KEY_ID).toMatch(/^AKIA/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("refuses to replace existing credentials without --force, before creating anything", async () => {
    const path = join(dir, "app.env");
    const before = readFileSync(path, "utf8");
    const dev = uniqueName("clash");
    const refused = await run(dev, "--out", "app.env");
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("app.env already holds credentials in AWS_ACCESS_KEY_ID");
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(path, "utf8")).toBe(before);
    await expect(iam.send(new GetUserCommand({ UserName: dev }))).rejects.toMatchObject({
      Code: "NoSuchEntity",
    });
    const forced = await run(dev, "--out", "app.env", "--force");
    expect(forced.code).toBe(0);
    const after = parseDotenv(readFileSync(path, "utf8"));
    expect(after.AWS_ACCESS_KEY_ID).toBe((await keysOf(dev))[0]?.AccessKeyId);
    expect(after.DEBUG).toBe("true");
  });

  it.each([
    ["shell", "aws", /^export AWS_ACCESS_KEY_ID='AKIA[A-Z0-9]+'$/m],
    ["json", "s3", /"S3_ENDPOINT_URL": "http:\/\/127\.0\.0\.1:\d+"/],
    [
      "dotenv",
      "django",
      /^AWS_STORAGE_BUCKET_NAME=.+\nAWS_S3_REGION_NAME=us-east-1\nAWS_S3_ENDPOINT_URL=http/m,
    ],
    ["csv", "aws", /^User name,Access key ID,Secret access key\n[^,]+,AKIA[A-Z0-9]+,[^,\n]+\n$/],
    [
      "aws-profile",
      "aws",
      /^\[[^\]]+\]\naws_access_key_id = AKIA[A-Z0-9]+\naws_secret_access_key = \S+\nregion = us-east-1\nendpoint_url = http/,
    ],
  ])("--format %s --env-style %s", async (format, style, pattern) => {
    const { code, stdout } = await run(
      uniqueName(format),
      "--format",
      format,
      "--env-style",
      style,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(pattern);
  });

  it("an aws-profile works with the AWS CLI as written", async () => {
    const dev = uniqueName("profile");
    const { stdout } = await run(dev, "--format", "aws-profile");
    const credentials = join(dir, "credentials");
    writeFileSync(credentials, stdout);
    const { code, stdout: who } = await runCli(["whoami", "--profile", dev, "--json"], {
      env: { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(dir, "none") },
    });
    expect(code).toBe(0);
    expect(JSON.parse(who)).toMatchObject({
      region: "us-east-1",
      credentialSource: `profile ${dev}`,
    });
  });
});
