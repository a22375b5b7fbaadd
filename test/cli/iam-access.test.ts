// End to end with moto's IAM access control on: the keys s3kit hands out work where
// the policy says and nowhere else, rotated keys work, removed keys stop working.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { clients, parseDotenv } from "../support/iam-clients.js";
import { type AuthMoto, startAuthMoto, tryGet, tryPut } from "../support/moto-auth.js";

const bucket = "s3kit-access-main";
const otherBucket = "s3kit-access-other";
let moto: AuthMoto;
const dir = mkdtempSync(join(tmpdir(), "s3kit-access-"));

beforeAll(async () => {
  moto = await startAuthMoto([bucket, otherBucket]);
  await moto.enforce();
});
afterAll(async () => {
  await moto?.stop();
});

const s3kit = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env: { ...moto.adminEnv, ...env }, cwd: dir });
const keysFrom = (text: string) => {
  const vars = parseDotenv(text);
  return {
    accessKeyId: vars.AWS_ACCESS_KEY_ID as string,
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY as string,
  };
};

describe("the developer lifecycle with access control on", () => {
  it("refuses unknown keys once access control is on", async () => {
    const result = await tryPut(
      moto.endpoint,
      {
        accessKeyId: "AKIAS3KITLOCALTEST01",
        secretAccessKey: "s3kit-local-secret-key-not-a-real-one",
      },
      bucket,
      "x",
    );
    expect(result).toBe("InvalidAccessKeyId");
  });

  it("add-dev … --access read-write --prefix uploads/: put and get under uploads/ only, this bucket only", async () => {
    const { code, stderr } = await s3kit([
      "iam",
      "add-dev",
      "dana",
      "--bucket",
      bucket,
      "--access",
      "read-write",
      "--prefix",
      "uploads/",
      "--out",
      ".env",
    ]);
    expect(code, stderr).toBe(0);
    const keys = keysFrom(readFileSync(join(dir, ".env"), "utf8"));
    expect(await tryPut(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe("ok");
    expect(await tryGet(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe("ok");
    expect(await tryPut(moto.endpoint, keys, bucket, "private/photo.jpg")).toBe("AccessDenied");
    expect(await tryGet(moto.endpoint, keys, bucket, "private/photo.jpg")).toBe("AccessDenied");
    expect(await tryPut(moto.endpoint, keys, otherBucket, "uploads/photo.jpg")).toBe(
      "AccessDenied",
    );
  });

  it("after rotate-key the new key works", async () => {
    const { code, stdout } = await s3kit(["iam", "rotate-key", "dana", "--delete-old"]);
    expect(code).toBe(0);
    const fresh = keysFrom(stdout);
    expect(await tryPut(moto.endpoint, fresh, bucket, "uploads/rotated.txt")).toBe("ok");
    expect(await tryGet(moto.endpoint, fresh, bucket, "uploads/rotated.txt")).toBe("ok");
    // The deleted old key is rejected.
    const old = keysFrom(readFileSync(join(dir, ".env"), "utf8"));
    expect(await tryGet(moto.endpoint, old, bucket, "uploads/photo.jpg")).toBe(
      "InvalidAccessKeyId",
    );
  });

  it("after remove-dev the key is rejected", async () => {
    const { stdout } = await s3kit([
      "iam",
      "add-dev",
      "eli",
      "--bucket",
      bucket,
      "--access",
      "read",
    ]);
    const keys = keysFrom(stdout);
    expect(await tryGet(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe("ok");
    expect(await tryPut(moto.endpoint, keys, bucket, "uploads/nope.txt")).toBe("AccessDenied");
    const removed = await s3kit(["iam", "remove-dev", "eli", "--yes"]);
    expect(removed.code).toBe(0);
    expect(await tryGet(moto.endpoint, keys, bucket, "uploads/photo.jpg")).toBe(
      "InvalidAccessKeyId",
    );
  });
});

describe("a broken policy attached through a group, with access control on", () => {
  const keys = { accessKeyId: "", secretAccessKey: "" };

  beforeAll(async () => {
    // Set up as the admin (every request is checked now).
    const { iam } = clients(moto.endpoint, moto.admin);
    await iam.send(new CreateUserCommand({ UserName: "gus" }));
    await iam.send(new CreateGroupCommand({ GroupName: "uploaders" }));
    await iam.send(new AddUserToGroupCommand({ GroupName: "uploaders", UserName: "gus" }));
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: "uploaders-s3",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Uploads",
              Effect: "Allow",
              Action: ["s3:GetObject", "s3:PutObject"],
              Resource: `arn:aws:s3:::${bucket}`,
            },
          ],
        }),
      }),
    );
    await iam.send(
      new AttachGroupPolicyCommand({ GroupName: "uploaders", PolicyArn: policy.Policy?.Arn }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "gus" }))).AccessKey;
    keys.accessKeyId = key?.AccessKeyId ?? "";
    keys.secretAccessKey = key?.SecretAccessKey ?? "";
  });

  it("the key is denied, and policy debug (with a probe as gus) says why", async () => {
    expect(await tryPut(moto.endpoint, keys, bucket, "uploads/gus.txt")).toBe("AccessDenied");
    const { code, stdout, stderr } = await s3kit(
      [
        "policy",
        "debug",
        "--user",
        "gus",
        "--bucket",
        bucket,
        "--action",
        "s3:PutObject",
        "--key",
        "uploads/gus.txt",
        "--probe",
        "--probe-write",
      ],
      {
        S3KIT_PROBE_ACCESS_KEY_ID: keys.accessKeyId,
        S3KIT_PROBE_SECRET_ACCESS_KEY: keys.secretAccessKey,
      },
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("Policies: uploaders-s3 v1 (managed, on the group uploaders)");
    expect(stdout).toMatch(/✗ s3:PutObject implicit-deny/);
    expect(stdout).toContain(
      `Add "arn:aws:s3:::${bucket}/uploads/*" to the Resource of that statement (the key's folder`,
    );
    // The real request agrees with the evaluation.
    expect(stdout).toMatch(/probe ✗ PutObject: AccessDenied/);
    expect(stdout).not.toContain("for real, but");
  });

  it("policy fix --apply repairs it, and the same key then succeeds", async () => {
    const { code, stdout, stderr } = await s3kit([
      "policy",
      "fix",
      "--user",
      "gus",
      "--bucket",
      bucket,
      "--action",
      "s3:GetObject",
      "s3:PutObject",
      "--key",
      "uploads/gus.txt",
      "--apply",
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/✓ s3:PutObject\s+implicit-deny → allowed/);
    expect(stderr).toContain("✓ policy uploaders-s3: new default version v2");
    expect(await tryPut(moto.endpoint, keys, bucket, "uploads/gus.txt")).toBe("ok");
    expect(await tryGet(moto.endpoint, keys, bucket, "uploads/gus.txt")).toBe("ok");
  });

  it("policy debug of the caller (an IAM user here) reads the caller's own policies", async () => {
    const { code, stdout } = await s3kit(["policy", "debug", "--bucket", bucket, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.subject).toMatchObject({ type: "user", name: "s3kit-test-admin" });
    expect(report.results.every((r: { decision: string }) => r.decision === "allowed")).toBe(true);
  });
});
