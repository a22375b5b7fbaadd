// policy fix grants exactly what was denied, no more — proven with moto's IAM access
// control on: after the fix the developer's own key works under the scope and is still
// refused outside it. (moto checks user and group policies for object actions; the
// scope logic itself is also covered by test/unit/policy/fix-scope.test.ts.)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAccessKeyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
} from "@aws-sdk/client-iam";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { type Credentials, clients, parseDotenv } from "../support/iam-clients.js";
import { type AuthMoto, startAuthMoto, tryGet, tryPut } from "../support/moto-auth.js";

const bucket = "s3kit-fix-scope";
const policyName = `s3kit-${bucket}-read-write-uploads`;
const policyArn = `arn:aws:iam::123456789012:policy/s3kit/${policyName}`;
let moto: AuthMoto;
let dev: Credentials;
const dir = mkdtempSync(join(tmpdir(), "s3kit-fix-scope-"));

const s3kit = (args: string[]) => runCli(args, { env: moto.adminEnv, cwd: dir });

async function tryDelete(credentials: Credentials, key: string): Promise<string> {
  const { s3 } = clients(moto.endpoint, credentials);
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    return "ok";
  } catch (err) {
    return (err as { Code?: string; name?: string }).Code ?? (err as Error).name;
  }
}

async function defaultVersion(): Promise<string | undefined> {
  const { iam } = clients(moto.endpoint, moto.admin);
  return (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.DefaultVersionId;
}

beforeAll(async () => {
  moto = await startAuthMoto([bucket]);
  await moto.enforce();
  // The developer, as `iam add-dev` makes one: read-write under uploads/.
  const added = await s3kit([
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
  expect(added.code, added.stderr).toBe(0);
  const { readFileSync } = await import("node:fs");
  const vars = parseDotenv(readFileSync(join(dir, ".env"), "utf8"));
  dev = {
    accessKeyId: vars.AWS_ACCESS_KEY_ID as string,
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY as string,
  };
  const { s3, iam } = clients(moto.endpoint, moto.admin);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "private/secret.txt", Body: "hello" }));
  // Someone "simplifies" the policy: the object statement now names only the bucket ARN.
  const current = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: "v1" }),
  );
  const document = JSON.parse(decodeURIComponent(current.PolicyVersion?.Document ?? ""));
  for (const st of document.Statement) {
    if (String(st.Sid).endsWith("Objects")) st.Resource = `arn:aws:s3:::${bucket}`;
  }
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: policyArn,
      PolicyDocument: JSON.stringify(document),
      SetAsDefault: true,
    }),
  );
});
afterAll(async () => {
  await moto?.stop();
});

describe("policy fix --apply, with access control on", () => {
  it("the broken policy denies the developer", async () => {
    expect(await tryPut(moto.endpoint, dev, bucket, "uploads/a.png")).toBe("AccessDenied");
  });

  it("refuses a --prefix the key is not under (exit 5) and writes nothing", async () => {
    const before = await defaultVersion();
    const { code, stdout, stderr } = await s3kit([
      "policy",
      "fix",
      "--user",
      "dana",
      "--bucket",
      bucket,
      "--action",
      "s3:PutObject",
      "--key",
      "uploads/a.png",
      "--prefix",
      "private/",
      "--apply",
    ]);
    expect(code).toBe(5);
    expect(stdout).toBe("");
    expect(stderr).toContain('outside --prefix "private/"');
    expect(await defaultVersion()).toBe(before);
  });

  it("fixes uploads/a.png within uploads/: uploads/b.png works, private/secret.txt stays denied", async () => {
    const { code, stdout, stderr } = await s3kit([
      "policy",
      "fix",
      "--user",
      "dana",
      "--bucket",
      bucket,
      "--action",
      "s3:PutObject",
      "s3:GetObject",
      "--key",
      "uploads/a.png",
      "--apply",
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`+         "arn:aws:s3:::${bucket}/uploads/*"`);
    expect(stdout).not.toContain(`"arn:aws:s3:::${bucket}/*"`);
    expect(stdout).toContain(
      `Scope: prefix "uploads/" of ${bucket} (the prefix of the s3:prefix condition in ${policyName}). Grants s3:PutObject, s3:GetObject on every key under "uploads/", nothing outside it; this also allows s3:GetObjectVersion, s3:AbortMultipartUpload, s3:ListMultipartUploadParts there.`,
    );
    expect(await tryPut(moto.endpoint, dev, bucket, "uploads/a.png")).toBe("ok");
    expect(await tryPut(moto.endpoint, dev, bucket, "uploads/b.png")).toBe("ok");
    expect(await tryGet(moto.endpoint, dev, bucket, "uploads/b.png")).toBe("ok");
    expect(await tryGet(moto.endpoint, dev, bucket, "private/secret.txt")).toBe("AccessDenied");
    expect(await tryPut(moto.endpoint, dev, bucket, "private/x.txt")).toBe("AccessDenied");
  });

  it("DeleteObject on one key: says it covers all of uploads/; --scope key limits it to that key", async () => {
    const dry = await s3kit([
      "policy",
      "fix",
      "--user",
      "dana",
      "--bucket",
      bucket,
      "--action",
      "s3:DeleteObject",
      "--key",
      "uploads/a.png",
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Grants s3:DeleteObject on every key under "uploads/"');

    const { code, stdout } = await s3kit([
      "policy",
      "fix",
      "--user",
      "dana",
      "--bucket",
      bucket,
      "--action",
      "s3:DeleteObject",
      "--key",
      "uploads/a.png",
      "--scope",
      "key",
      "--apply",
      "--yes",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `Grants s3:DeleteObject on arn:aws:s3:::${bucket}/uploads/a.png only.`,
    );
    expect(await tryDelete(dev, "uploads/b.png")).toBe("AccessDenied");
    expect(await tryDelete(dev, "uploads/a.png")).toBe("ok");
  });

  it("--new-policy with --key uploads/x lets the next uploads/y through, and nothing outside", async () => {
    const { iam } = clients(moto.endpoint, moto.admin);
    await iam.send(new CreateUserCommand({ UserName: "erin" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "erin" }))).AccessKey;
    const erin = {
      accessKeyId: key?.AccessKeyId ?? "",
      secretAccessKey: key?.SecretAccessKey ?? "",
    };
    const { code, stdout, stderr } = await s3kit([
      "policy",
      "fix",
      "--user",
      "erin",
      "--bucket",
      bucket,
      "--action",
      "s3:PutObject",
      "--key",
      "uploads/x.png",
      "--new-policy",
      "erin-uploads",
      "--apply",
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`"arn:aws:s3:::${bucket}/uploads/*"`);
    expect(await tryPut(moto.endpoint, erin, bucket, "uploads/y.png")).toBe("ok");
    expect(await tryPut(moto.endpoint, erin, bucket, "private/y.png")).toBe("AccessDenied");
  });
});
