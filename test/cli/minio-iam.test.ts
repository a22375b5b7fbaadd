import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { MinioAdmin } from "../../src/aws/minio-admin/client.js";
import {
  addUser,
  changePolicyAttachment,
  getGroup,
  getPolicy,
  getUser,
  listServiceAccounts,
  putPolicy,
} from "../../src/aws/minio-admin/operations.js";
import { minioEnv, runAgainstMinio, runAgainstVersitygw } from "../support/cli.js";
import { clients, createBucket, parseDotenv, uniqueName } from "../support/iam-clients.js";
import { mountSmallDisk, type SmallDisk } from "../support/mounts.js";
import { startProxy, type TestProxy } from "../support/proxy.js";

// Developers on MinIO through its admin API, with MinIO itself enforcing their access.
const env = minioEnv();
const endpoint = env.AWS_ENDPOINT_URL as string;
const bucket = uniqueName("devs");
const dir = mkdtempSync(join(tmpdir(), "s3kit-minio-iam-"));
const file = join(dir, "hello.txt");
writeFileSync(file, "hello\n");

let admin: MinioAdmin;
beforeAll(async () => {
  await createBucket(endpoint, bucket);
  admin = new MinioAdmin(await Aws.fromOptions({}, env));
});

type Keys = { AWS_ACCESS_KEY_ID?: string; AWS_SECRET_ACCESS_KEY?: string };
const as = (keys: Keys) => ({
  env: {
    AWS_ACCESS_KEY_ID: keys.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: keys.AWS_SECRET_ACCESS_KEY,
  },
});
const addDev = (user: string, ...extra: string[]) =>
  runAgainstMinio(["iam", "add-dev", user, "--bucket", bucket, "--access", "read-write", ...extra]);

describe("developers on MinIO", () => {
  it("gives keys whose prefix limit MinIO enforces, and remove-dev revokes them", async () => {
    const user = uniqueName("alice");
    const added = await addDev(user, "--prefix", "uploads/", "--debug");
    expect(added.code, added.stderr).toBe(0);
    const keys = parseDotenv(added.stdout);
    expect(keys.AWS_ACCESS_KEY_ID).toMatch(/^[A-Z0-9]{20}$/);
    expect(keys.AWS_ENDPOINT_URL).toBe(endpoint);
    expect(added.stderr).toContain(`✓ policy s3kit-${bucket}-read-write-uploads created`);
    expect(added.stderr).toContain(`✓ ${user} is in group s3kit-${bucket}-read-write-uploads`);
    // --debug names every admin call and never shows a secret or a body.
    expect(added.stderr).toContain("MINIO-ADMIN AddUser");
    expect(added.stderr).toContain('"body":"<encrypted>"');
    expect(added.stderr).not.toContain(keys.AWS_SECRET_ACCESS_KEY);
    expect(added.stderr).not.toContain(env.AWS_SECRET_ACCESS_KEY);

    const inside = await runAgainstMinio(["cp", file, `s3://${bucket}/uploads/a.txt`], as(keys));
    expect(inside.code, inside.stderr).toBe(0);
    const outside = await runAgainstMinio(["cp", file, `s3://${bucket}/private/a.txt`], as(keys));
    expect(outside.code).toBe(4);
    expect(outside.stderr).toContain("Access Denied");

    const listed = await runAgainstMinio(["iam", "list-devs", "--bucket", bucket, "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const entry = JSON.parse(listed.stdout).devs.find((d: { name: string }) => d.name === user);
    expect(entry).toMatchObject({
      kind: "user",
      arn: null,
      bucket,
      access: "read-write",
      prefix: "uploads/",
      grants: [{ bucket, access: "read-write", policyName: `s3kit-${bucket}-read-write-uploads` }],
    });
    expect(entry.keys).toHaveLength(1);
    expect(entry.keys[0]).toMatchObject({ status: "Active", ageDays: 0, lastUsedTracked: false });
    expect(listed.stdout).not.toContain(keys.AWS_ACCESS_KEY_ID);

    const removed = await runAgainstMinio(["iam", "remove-dev", user, "--yes"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toContain(`✓ access keys deleted: ${keys.AWS_ACCESS_KEY_ID}`);
    expect(removed.stderr).toContain(`✓ user ${user} deleted`);
    const after = await runAgainstMinio(["cp", file, `s3://${bucket}/uploads/b.txt`], as(keys));
    expect(after.code).toBe(4);
    expect(await getUser(admin, user)).toBeUndefined();
    const again = await runAgainstMinio(["iam", "remove-dev", user, "--yes", "--if-exists"]);
    expect(again.code).toBe(0);
  });

  it("converges when run again, and a new level for the bucket replaces the old grant", async () => {
    const user = uniqueName("conv");
    expect((await addDev(user, "--attach", "user")).code).toBe(0);
    const second = await addDev(user);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain("policy s3kit-");
    expect(second.stderr).toContain("up to date");
    expect(second.stderr).toContain("No new access key");
    const info = await getUser(admin, user);
    // Converged from --attach user to the group: the policy comes through the group only.
    expect(info?.policyName ?? "").toBe("");
    expect(info?.memberOf).toEqual([`s3kit-${bucket}-read-write`]);

    const read = await runAgainstMinio([
      "iam",
      "add-dev",
      user,
      "--bucket",
      bucket,
      "--access",
      "read",
      "--json",
    ]);
    expect(read.code, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({
      replacedGrant: { access: "read-write", policyName: `s3kit-${bucket}-read-write` },
      policy: { name: `s3kit-${bucket}-read`, arn: null },
      accessKey: null,
    });
    expect((await getUser(admin, user))?.memberOf).toEqual([`s3kit-${bucket}-read`]);
    expect((await runAgainstMinio(["iam", "remove-dev", user, "--yes"])).code).toBe(0);
  });

  it("gives each user its own folder with --per-user-prefix (the user name is the folder)", async () => {
    const user = uniqueName("carol");
    const added = await addDev(user, "--per-user-prefix");
    expect(added.code, added.stderr).toBe(0);
    const keys = parseDotenv(added.stdout);
    const own = await runAgainstMinio(["cp", file, `s3://${bucket}/${user}/x.txt`], as(keys));
    expect(own.code, own.stderr).toBe(0);
    const other = await runAgainstMinio(["cp", file, `s3://${bucket}/someone/x.txt`], as(keys));
    expect(other.code).toBe(4);
    expect((await runAgainstMinio(["iam", "remove-dev", user, "--yes"])).code).toBe(0);
  });

  it("every level's generated policy works on MinIO and is read back as the same grant", async () => {
    const user = uniqueName("levels");
    for (const access of ["read", "upload", "read-write", "read-write-delete", "admin"]) {
      const r = await runAgainstMinio([
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        access,
        "--prefix",
        "a/",
        "--prefix",
        "b/",
        "--no-key",
      ]);
      expect(r.code, `${access}: ${r.stderr}`).toBe(0);
      // admin names bucket settings MinIO lacks: learned from its answer, left out, said so.
      if (access === "admin") {
        expect(r.stderr).toContain(
          "not supported by this endpoint: s3:GetBucketAcl, s3:GetBucketCORS",
        );
      } else {
        expect(r.stderr).not.toContain("not supported");
      }
      const listed = await runAgainstMinio(["iam", "list-devs", "--json"]);
      const entry = JSON.parse(listed.stdout).devs.find((d: { name: string }) => d.name === user);
      expect(entry, `${access}: ${listed.stdout}`).toMatchObject({
        bucket,
        access,
        prefix: "a/ b/",
      });
    }
    expect((await runAgainstMinio(["iam", "remove-dev", user, "--yes"])).code).toBe(0);
  });
});

describe("names of the project's choosing, on MinIO", () => {
  it("--policy-name: s3kit- names only (MinIO keeps no tags), and one name holds one grant", async () => {
    const bare = await addDev(uniqueName("pn"), "--policy-name", "shop-media");
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("use --policy-name s3kit-shop-media");

    const name = uniqueName("s3kit-shop-media");
    const user = uniqueName("pn");
    const added = await addDev(user, "--prefix", "media/", "--policy-name", name, "--no-key");
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain(`✓ ${user} is in group ${name}`);
    const listed = await runAgainstMinio(["iam", "list-devs", "--bucket", bucket, "--json"]);
    const entry = JSON.parse(listed.stdout).devs.find((d: { name: string }) => d.name === user);
    expect(entry.grants).toEqual([{ bucket, access: "read-write", policyName: name }]);

    const other = await runAgainstMinio([
      "iam",
      "add-dev",
      uniqueName("pn"),
      "--bucket",
      bucket,
      "--access",
      "read",
      "--policy-name",
      name,
    ]);
    expect(other.code).toBe(5);
    expect(other.stderr).toContain(`Policy ${name} holds another grant`);
  });

  it("a file rotation follows on MinIO too: its own names, the old key nowhere", async () => {
    const user = uniqueName("mfollow");
    // A folder of its own: --env-style s3 is saved to its .s3kit.json.
    const app = mkdtempSync(join(tmpdir(), "s3kit-minio-app-"));
    const added = await runAgainstMinio(
      [
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        "read",
        "--env-style",
        "s3",
        "--out",
        "app.env",
      ],
      { cwd: app },
    );
    expect(added.code, added.stderr).toBe(0);
    const before = parseDotenv(readFileSync(join(app, "app.env"), "utf8"));
    const rotated = await runAgainstMinio(["iam", "rotate-key", user, "--out", "app.env"], {
      cwd: app,
    });
    expect(rotated.code, rotated.stderr).toBe(0);
    const text = readFileSync(join(app, "app.env"), "utf8");
    expect(text).not.toContain("AWS_");
    expect(text).not.toContain(before.S3_ACCESS_KEY_ID as string);
    expect(text).not.toContain(before.S3_SECRET_ACCESS_KEY as string);
    const accounts = await listServiceAccounts(admin, user);
    const active = accounts.filter((a) => a.accountStatus !== "off").map((a) => a.accessKey);
    expect(active).toEqual([parseDotenv(text).S3_ACCESS_KEY_ID]);
  });
});

describe("iam rotate-key on MinIO", () => {
  it("hands the new key over before the old one is switched off", async () => {
    const user = uniqueName("rot");
    const envFile = join(dir, `${user}.env`);
    writeFileSync(envFile, "DEBUG=true\n");
    expect((await addDev(user, "--out", envFile)).code).toBe(0);
    const first = parseDotenv(readFileSync(envFile, "utf8"));

    const rotated = await runAgainstMinio(["iam", "rotate-key", user, "--out", envFile]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const second = parseDotenv(readFileSync(envFile, "utf8"));
    expect(second.DEBUG).toBe("true");
    expect(second.AWS_ACCESS_KEY_ID).not.toBe(first.AWS_ACCESS_KEY_ID);
    const steps = rotated.stderr.split("\n");
    expect(steps.findIndex((l) => l.includes("credentials merged into"))).toBeGreaterThan(-1);
    expect(rotated.stderr).toContain(`✓ old key ${first.AWS_ACCESS_KEY_ID} made inactive`);
    expect((await runAgainstMinio(["ls", `s3://${bucket}/`], as(second))).code).toBe(0);
    expect((await runAgainstMinio(["ls", `s3://${bucket}/`], as(first))).code).toBe(4);

    // Two active keys after --keep-old: s3kit will not guess which one to rotate.
    const kept = await runAgainstMinio(["iam", "rotate-key", user, "--keep-old", "--json"]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(JSON.parse(kept.stdout).oldKey).toMatchObject({ status: "active" });
    expect(kept.stderr).toContain("mc admin user svcacct disable");
    const ambiguous = await runAgainstMinio(["iam", "rotate-key", user]);
    expect(ambiguous.code).toBe(5);
    expect(ambiguous.stderr).toContain("--key-id");

    const deleted = await runAgainstMinio([
      "iam",
      "rotate-key",
      user,
      "--key-id",
      second.AWS_ACCESS_KEY_ID as string,
      "--delete-old",
    ]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const ids = (await listServiceAccounts(admin, user)).map((k) => k.accessKey);
    expect(ids).not.toContain(second.AWS_ACCESS_KEY_ID);
    // add-dev, rotate, rotate --keep-old, rotate --delete-old: three keys left.
    expect(ids).toHaveLength(3);
    expect((await runAgainstMinio(["iam", "remove-dev", user, "--yes"])).code).toBe(0);
  });

  it("refuses, before any change, a --out file holding someone else's key", async () => {
    const user = uniqueName("rot-file");
    expect((await addDev(user)).code).toBe(0);
    const before = await listServiceAccounts(admin, user);
    const other = join(dir, `${user}-other.env`);
    writeFileSync(other, "AWS_ACCESS_KEY_ID=SOMEONEELSE000000000\nAWS_SECRET_ACCESS_KEY=x\n");
    const refused = await runAgainstMinio(["iam", "rotate-key", user, "--out", other]);
    expect(refused.code).toBe(5);
    expect(await listServiceAccounts(admin, user)).toEqual(before);
    expect((await runAgainstMinio(["iam", "remove-dev", user, "--yes"])).code).toBe(0);
  });
});

describe("bad input and other endpoints", () => {
  it("refuses names MinIO would refuse, before anything is created", async () => {
    for (const name of ["ab", "a=b", "x,y"]) {
      const r = await addDev(name, "--prefix", "never/");
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(/Invalid (MinIO|IAM) user name/);
      expect(await getUser(admin, name)).toBeUndefined();
    }
    expect(await getPolicy(admin, `s3kit-${bucket}-read-write-never`)).toBeUndefined();
    const kms = await addDev(
      uniqueName("kms"),
      "--kms-key",
      "arn:aws:kms:us-east-1:123456789012:key/abcd-1234",
    );
    expect(kms.code).toBe(2);
    expect(kms.stderr).toContain("--kms-key");
  });

  it("says in one line that versitygw has no user management (exit 2)", async () => {
    for (const args of [
      ["iam", "add-dev", "bob", "--bucket", "some-bucket", "--access", "read"],
      ["iam", "list-devs"],
      ["iam", "rotate-key", "bob"],
      ["iam", "remove-dev", "bob", "--yes"],
    ]) {
      const r = await runAgainstVersitygw(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("has no user management");
      expect(r.stderr).toContain("policy generate");
    }
  });

  it("exits 4 with a hint when the keys may not manage users", async () => {
    const user = uniqueName("plain");
    const added = await addDev(user);
    expect(added.code).toBe(0);
    const keys = parseDotenv(added.stdout);
    const r = await runAgainstMinio(
      ["iam", "add-dev", uniqueName("bob"), "--bucket", bucket, "--access", "read"],
      as(keys),
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("consoleAdmin");
    const list = await runAgainstMinio(["iam", "list-devs"], as(keys));
    expect(list.code).toBe(4);
    expect((await runAgainstMinio(["iam", "remove-dev", user, "--yes"])).code).toBe(0);
  });

  it("removes what the run created when attaching the policy fails, and says so", async () => {
    // An operator who may create users, policies and groups but not attach policies.
    const operator = uniqueName("oper").slice(0, 20);
    const secret = "operator-secret-0123456789";
    await putPolicy(admin, `${operator}-policy`, {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            "admin:CreateUser",
            "admin:DeleteUser",
            "admin:GetUser",
            "admin:ListUsers",
            "admin:CreatePolicy",
            "admin:DeletePolicy",
            "admin:GetPolicy",
            "admin:AddUserToGroup",
            "admin:RemoveUserFromGroup",
            "admin:GetGroup",
            "admin:CreateServiceAccount",
            "admin:ListServiceAccounts",
            "admin:RemoveServiceAccount",
          ],
        },
        { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [`arn:aws:s3:::${bucket}`] },
      ],
    });
    await addUser(admin, operator, secret);
    await changePolicyAttachment(admin, "attach", [`${operator}-policy`], { user: operator });

    const user = uniqueName("partial");
    const r = await runAgainstMinio(
      ["iam", "add-dev", user, "--bucket", bucket, "--access", "upload", "--prefix", "p/"],
      { env: { AWS_ACCESS_KEY_ID: operator, AWS_SECRET_ACCESS_KEY: secret } },
    );
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain("✓ rolled back:");
    expect(r.stderr).toContain(
      `removed what this run had created: group s3kit-${bucket}-upload-p, user ${user}, policy s3kit-${bucket}-upload-p`,
    );
    expect(await getUser(admin, user)).toBeUndefined();
    expect(await getGroup(admin, `s3kit-${bucket}-upload-p`)).toBeUndefined();
    expect(await getPolicy(admin, `s3kit-${bucket}-upload-p`)).toBeUndefined();
    clients(endpoint).s3.destroy();
  });
});

describe("credentials that cannot be written, on MinIO", () => {
  const disks: SmallDisk[] = [];
  const proxies: TestProxy[] = [];
  afterEach(async () => {
    for (const disk of disks.splice(0)) disk.unmount();
    for (const proxy of proxies.splice(0)) await proxy.close();
  });
  function smallDisk(ctx: TestContext): SmallDisk {
    const disk = mountSmallDisk(256);
    if ("unavailable" in disk) {
      ctx.skip(disk.unavailable);
      throw new Error("unreachable");
    }
    disks.push(disk);
    return disk;
  }
  /** A proxy in front of MinIO that fills the disk the moment s3kit asks for a new key. */
  async function fillingOnNewKey(disk: SmallDisk): Promise<string> {
    const proxy = await startProxy({
      target: endpoint,
      inspect: (chunk) => {
        if (chunk.toString("latin1").includes("/minio/admin/v3/add-service-account")) disk.fill();
        return "pass";
      },
    });
    proxies.push(proxy);
    return proxy.endpoint;
  }

  it("rotate-key: the new key is deleted again and the old one stays active", async (ctx) => {
    const disk = smallDisk(ctx);
    const user = uniqueName("rot-full");
    const added = await addDev(user);
    expect(added.code).toBe(0);
    const { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret } = parseDotenv(added.stdout);
    const file = join(disk.dir, ".env");
    const before = `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`;
    writeFileSync(file, before);
    const r = await runAgainstMinio(["iam", "rotate-key", user, "--out", file, "--delete-old"], {
      env: { AWS_ENDPOINT_URL: await fillingOnNewKey(disk) },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`Could not save the new key to ${file}: no space left on the disk.`);
    expect(r.stderr).toMatch(/was deleted again; the old key \w{4}\*+\w{4} stays active/);
    const keys = await listServiceAccounts(admin, user);
    expect(keys.map((k) => [k.accessKey, k.accountStatus])).toEqual([[id, "on"]]);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect((await runAgainstMinio(["iam", "remove-dev", user, "--yes"])).code).toBe(0);
  });

  it("add-dev: the key, the user, the group and the policy this run created are removed; it says so", async (ctx) => {
    const disk = smallDisk(ctx);
    const user = uniqueName("add-full");
    const file = join(disk.dir, ".env");
    const r = await runAgainstMinio(
      [
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        "read",
        "--prefix",
        "full/",
        "--out",
        file,
      ],
      { env: { AWS_ENDPOINT_URL: await fillingOnNewKey(disk) } },
    );
    expect(r.code, r.stderr).toBe(1);
    const name = `s3kit-${bucket}-read-full`;
    expect(r.stderr).toContain("no space left on the disk");
    expect(r.stderr).toContain(
      `was deleted again. s3kit removed what this run had created: policy ${name} on group ${name}, group ${name}, user ${user}, policy ${name}.`,
    );
    expect(await getUser(admin, user)).toBeUndefined();
    expect(await getGroup(admin, name)).toBeUndefined();
    expect(await getPolicy(admin, name)).toBeUndefined();
  });
});
