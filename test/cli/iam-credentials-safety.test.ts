// Credentials are never lost: a new secret is on disk before an old key is deactivated or
// deleted, and a key (or user) nobody could receive is removed again. The disks that fail
// are real: a tmpfs of a few KiB that is full or read-only (chmod stops nothing as root).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
} from "@aws-sdk/client-iam";
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  inject,
  it,
  type TestContext,
} from "vitest";
import { type CliResult, motoEnv, runCli } from "../support/cli.js";
import { clients, createBucket, parseDotenv, uniqueName } from "../support/iam-clients.js";
import { mountSmallDisk, type SmallDisk } from "../support/mounts.js";
import { finished, removeDir, spawnCli, tempDir } from "../support/objects.js";
import { startProxy, type TestProxy } from "../support/proxy.js";

const endpoint = inject("motoEndpoint");
const { iam } = clients(endpoint);
const ACCOUNT = "123456789012";
// Nothing listens here: a command that reached for the API would fail with exit 1, not 2.
const DEAD_ENDPOINT = "http://127.0.0.1:9";

let work: string;
const disks: SmallDisk[] = [];
const proxies: TestProxy[] = [];

beforeAll(() => {
  work = tempDir("s3kit-creds-");
});
afterEach(async () => {
  for (const disk of disks.splice(0)) disk.unmount();
  for (const proxy of proxies.splice(0)) await proxy.close();
});
afterAll(() => removeDir(work));

/** A small disk for this test, or the test is skipped with the reason there is none. */
function smallDisk(ctx: TestContext, sizeKiB = 256): SmallDisk {
  const disk = mountSmallDisk(sizeKiB);
  if ("unavailable" in disk) {
    ctx.skip(disk.unavailable);
    throw new Error("unreachable");
  }
  disks.push(disk);
  return disk;
}

/**
 * A proxy in front of moto that runs `onCreateKey` the moment s3kit asks for a new access
 * key: after every check s3kit makes before it starts, before the key exists. `dropDeletes`
 * cuts off every DeleteAccessKey, as a network failure would.
 */
async function proxyThat(onCreateKey: () => void, dropDeletes = false): Promise<string> {
  const proxy = await startProxy({
    target: endpoint,
    inspect: (chunk) => {
      const text = chunk.toString("latin1");
      if (text.includes("Action=CreateAccessKey")) onCreateKey();
      if (dropDeletes && text.includes("Action=DeleteAccessKey")) return "reset";
      return "pass";
    },
  });
  proxies.push(proxy);
  return proxy.endpoint;
}

function s3kit(args: string[], via: string, cwd = work): Promise<CliResult> {
  return runCli(args, { env: { ...motoEnv(), AWS_ENDPOINT_URL: via }, cwd, timeoutMs: 60_000 });
}

async function keysOf(user: string) {
  return (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
}

/** A user with one active key, as a developer has before a rotation. */
async function userWithKey(base: string) {
  const user = uniqueName(base);
  await iam.send(new CreateUserCommand({ UserName: user }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey;
  return { user, id: key?.AccessKeyId as string, secret: key?.SecretAccessKey as string };
}

function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("error:"));
}

/** A credentials file of each format holding the current key, plus lines of the app's own. */
const FILES: Record<string, (user: string, id: string, secret: string) => string> = {
  dotenv: (_u, id, secret) =>
    `# my app\nDEBUG=true\nAWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`,
  shell: (_u, id, secret) =>
    `export DEBUG=true\nexport AWS_ACCESS_KEY_ID='${id}'\nexport AWS_SECRET_ACCESS_KEY='${secret}'\n`,
  json: (_u, id, secret) =>
    `${JSON.stringify({ DEBUG: "true", AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret }, null, 2)}\n`,
  csv: (user, id, secret) => `User name,Access key ID,Secret access key\n${user},${id},${secret}\n`,
  "aws-profile": (user, id, secret) =>
    `[default]\nregion = eu-west-1\n\n[${user}]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = us-east-1\n`,
};

describe("iam rotate-key --out: nothing is deactivated until the new secret is on disk", () => {
  it.for(Object.keys(FILES))(
    "--format %s: the disk fills up after the checks; the new key is deleted again, the old one stays active, the file is untouched",
    async (format, ctx) => {
      const disk = smallDisk(ctx);
      const { user, id, secret } = await userWithKey(`rot-${format}`);
      const file = join(disk.dir, "credentials.out");
      const before = (FILES[format] as (typeof FILES)[string])(user, id, secret);
      writeFileSync(file, before, { mode: 0o600 });
      const via = await proxyThat(() => disk.fill());
      const { code, stdout, stderr } = await s3kit(
        [
          "iam",
          "rotate-key",
          user,
          "--out",
          file,
          "--format",
          format,
          ...(format === "csv" ? ["--force"] : []),
        ],
        via,
      );
      expect(code).toBe(1);
      expect(stdout).toBe("");
      const [message, ...more] = errorLines(stderr);
      expect(more).toEqual([]);
      expect(message).toContain(
        `Could not save the new key to ${file}: no space left on the disk.`,
      );
      expect(message).toMatch(
        /The new key AKIA\*+\w{4} was deleted again; the old key AKIA\*+\w{4} stays active\./,
      );
      expect(stderr).not.toMatch(/ENOSPC|EROFS/);
      expect(stderr).not.toContain("made inactive");
      const keys = await keysOf(user);
      expect(keys.map((k) => [k.AccessKeyId, k.Status])).toEqual([[id, "Active"]]);
      expect(readFileSync(file, "utf8")).toBe(before);
      expect(readdirSync(disk.dir).sort()).toEqual([".filler", "credentials.out"]);
    },
  );

  it("once there is room again, the same command rotates: the new key in the file, the old one inactive", async (ctx) => {
    const disk = smallDisk(ctx);
    const { user, id, secret } = await userWithKey("rot-again");
    const file = join(disk.dir, ".env");
    writeFileSync(file, `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
    const failed = await s3kit(
      ["iam", "rotate-key", user, "--out", file, "--delete-old"],
      await proxyThat(() => disk.fill()),
    );
    expect(failed.code).toBe(1);
    // --delete-old did not delete anything either.
    expect((await keysOf(user)).map((k) => [k.AccessKeyId, k.Status])).toEqual([[id, "Active"]]);
    disk.free();
    const { code, stderr } = await s3kit(["iam", "rotate-key", user, "--out", file], endpoint);
    expect(code).toBe(0);
    const written = parseDotenv(readFileSync(file, "utf8"));
    const keys = await keysOf(user);
    expect(keys).toHaveLength(2);
    const fresh = keys.find((k) => k.AccessKeyId !== id);
    expect(written.AWS_ACCESS_KEY_ID).toBe(fresh?.AccessKeyId);
    expect(fresh?.Status).toBe("Active");
    expect(keys.find((k) => k.AccessKeyId === id)?.Status).toBe("Inactive");
    // The file was written before the old key was made inactive.
    expect(stderr.indexOf("credentials merged into")).toBeLessThan(stderr.indexOf("made inactive"));
  });

  it("the folder becomes read-only after the checks: the same, with a clear message", async (ctx) => {
    const disk = smallDisk(ctx);
    const { user, id, secret } = await userWithKey("rot-erofs");
    const file = join(disk.dir, ".env");
    const before = `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`;
    writeFileSync(file, before);
    const { code, stderr } = await s3kit(
      ["iam", "rotate-key", user, "--out", file],
      await proxyThat(() => disk.readOnly()),
    );
    expect(code).toBe(1);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(stderr).toContain(
      `Could not save the new key to ${file}: the file system is read-only.`,
    );
    expect(stderr).toContain("was deleted again");
    expect((await keysOf(user)).map((k) => [k.AccessKeyId, k.Status])).toEqual([[id, "Active"]]);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("when deleting the new key fails too, its secret is printed once on stdout and the old key stays active", async (ctx) => {
    const disk = smallDisk(ctx);
    const { user, id, secret } = await userWithKey("rot-print");
    const file = join(disk.dir, ".env");
    writeFileSync(file, `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
    const { code, stdout, stderr } = await s3kit(
      ["iam", "rotate-key", user, "--out", file],
      await proxyThat(() => disk.fill(), true),
    );
    expect(code).toBe(1);
    const keys = await keysOf(user);
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.Status === "Active")).toBe(true);
    const fresh = keys.find((k) => k.AccessKeyId !== id)?.AccessKeyId as string;
    const printed = parseDotenv(stdout);
    expect(printed.AWS_ACCESS_KEY_ID).toBe(fresh);
    expect(printed.AWS_SECRET_ACCESS_KEY).toMatch(/.{20,}/);
    expect(stdout.split(printed.AWS_SECRET_ACCESS_KEY as string)).toHaveLength(2);
    expect(stderr).not.toContain(printed.AWS_SECRET_ACCESS_KEY);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(stderr).toContain(`Could not save the new key to ${file}: no space left on the disk.`);
    expect(stderr).toContain(`Deleting the new key ${fresh} failed too`);
    expect(stderr).toContain("its secret is printed on standard output, this once");
    expect(stderr).toMatch(/the old key AKIA\*+\w{4} stays active/);
  });
});

describe("iam rotate-key when the old key cannot be retired", () => {
  it("the new key is saved; the failure to deactivate the old one is an error that says both still work", async () => {
    const { user, id, secret } = await userWithKey("rot-retire");
    const dir = join(work, "retire");
    mkdirSync(dir);
    const file = join(dir, ".env");
    writeFileSync(file, `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
    const proxy = await startProxy({
      target: endpoint,
      inspect: (chunk) =>
        chunk.toString("latin1").includes("Action=UpdateAccessKey") ? "reset" : "pass",
    });
    proxies.push(proxy);
    const { code, stderr } = await s3kit(
      ["iam", "rotate-key", user, "--out", file],
      proxy.endpoint,
    );
    expect(code).toBe(1);
    const keys = await keysOf(user);
    const fresh = keys.find((k) => k.AccessKeyId !== id)?.AccessKeyId;
    expect(parseDotenv(readFileSync(file, "utf8")).AWS_ACCESS_KEY_ID).toBe(fresh);
    expect(keys.every((k) => k.Status === "Active")).toBe(true);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(stderr).toContain(
      `error: The new key ${fresh} is saved in ${file}, but deactivating the old key ${id} failed:`,
    );
    expect(stderr).toContain("The old key still works.");
    expect(stderr).toContain(`--access-key-id ${id} --status Inactive`);
  });
});

describe("iam rotate-key and Ctrl-C", () => {
  it("Ctrl-C while the new key is being created: it is deleted once it exists; the old key stays active", async () => {
    const { user, id, secret } = await userWithKey("rot-sigint");
    const dir = join(work, "sigint");
    mkdirSync(dir);
    const file = join(dir, ".env");
    const before = `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`;
    writeFileSync(file, before);
    let child: ReturnType<typeof spawnCli> | undefined;
    // Requests take half a second to arrive: Ctrl-C comes while CreateAccessKey is on its way.
    const proxy = await startProxy({
      target: endpoint,
      latencyMs: 500,
      inspect: (chunk) => {
        if (chunk.toString("latin1").includes("Action=CreateAccessKey")) child?.kill("SIGINT");
        return "pass";
      },
    });
    proxies.push(proxy);
    child = spawnCli(["iam", "rotate-key", user, "--out", file], { endpoint: proxy.endpoint });
    const { code, stderr } = await finished(child);
    expect(code).toBe(130);
    // The key came into being after Ctrl-C, and was then deleted.
    expect(stderr).toMatch(/✓ new access key AKIA\w+ created/);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(stderr).toContain(`Could not save the new key to ${file}: interrupted (Ctrl-C).`);
    expect(stderr).toMatch(
      /The new key AKIA\*+\w{4} was deleted again; the old key AKIA\*+\w{4} stays active\./,
    );
    expect((await keysOf(user)).map((k) => [k.AccessKeyId, k.Status])).toEqual([[id, "Active"]]);
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});

describe("iam rotate-key --out: checked before any call", () => {
  it("a directory is exit 2", async () => {
    const dir = join(work, "a-folder");
    mkdirSync(dir);
    const { code, stderr } = await s3kit(
      ["iam", "rotate-key", "someone", "--out", dir],
      DEAD_ENDPOINT,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`--out ${dir} is a directory`);
    expect(stderr).toContain("hint: Give the path of a file");
    expect(stderr).not.toContain("EISDIR");
  });

  it("a path under a file is exit 2", async () => {
    const file = join(work, "plain-file");
    writeFileSync(file, "x");
    const { code, stderr } = await s3kit(
      ["iam", "rotate-key", "someone", "--out", join(file, ".env")],
      DEAD_ENDPOINT,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`${file} is not a directory`);
    expect(stderr).not.toContain("ENOTDIR");
  });

  it("a read-only folder is exit 1 before anything is created", async (ctx) => {
    const disk = smallDisk(ctx);
    disk.readOnly();
    const { code, stderr } = await s3kit(
      ["iam", "rotate-key", "someone", "--out", join(disk.dir, ".env")],
      DEAD_ENDPOINT,
    );
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([
      `error: Cannot write ${join(disk.dir, ".env")}: the file system is read-only.`,
    ]);
  });

  it("a full disk is exit 1 before anything is created", async (ctx) => {
    const disk = smallDisk(ctx);
    disk.fill();
    const { code, stderr } = await s3kit(
      ["iam", "rotate-key", "someone", "--out", join(disk.dir, ".env")],
      DEAD_ENDPOINT,
    );
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([
      `error: Cannot write ${join(disk.dir, ".env")}: no space left on the disk.`,
    ]);
    expect(readdirSync(disk.dir)).toEqual([".filler"]);
  });
});

describe("iam add-dev --out: a developer nobody could receive is removed again", () => {
  it("a new user: the key, the membership, the user, and the group and policy this run created are deleted; it says so", async (ctx) => {
    const disk = smallDisk(ctx);
    const bucket = uniqueName("cleanup");
    await createBucket(endpoint, bucket);
    const user = uniqueName("newdev");
    const file = join(disk.dir, ".env");
    writeFileSync(file, "DEBUG=true\n");
    const { code, stderr } = await s3kit(
      ["iam", "add-dev", user, "--bucket", bucket, "--access", "read", "--out", file],
      await proxyThat(() => disk.fill()),
    );
    expect(code).toBe(1);
    const group = `s3kit-${bucket}-read`;
    expect(errorLines(stderr)).toEqual([
      `error: Could not save the credentials of ${user} to ${file}: no space left on the disk. Nothing was left behind: deleted the new access key, removed ${user} from group ${group}, deleted user ${user}, deleted group ${group}, deleted policy ${group}.`,
    ]);
    await expect(iam.send(new GetUserCommand({ UserName: user }))).rejects.toMatchObject({
      Code: "NoSuchEntity",
    });
    await expect(iam.send(new GetGroupCommand({ GroupName: group }))).rejects.toMatchObject({
      Code: "NoSuchEntity",
    });
    await expect(
      iam.send(
        new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/s3kit/${group}` }),
      ),
    ).rejects.toMatchObject({ Code: "NoSuchEntity" });
    expect(readFileSync(file, "utf8")).toBe("DEBUG=true\n");
  });

  it("an existing developer (--new-key): only the new key goes; the user, the group and its policy stay", async (ctx) => {
    const disk = smallDisk(ctx);
    const bucket = uniqueName("keep");
    await createBucket(endpoint, bucket);
    const user = uniqueName("olddev");
    const first = await s3kit(
      ["iam", "add-dev", user, "--bucket", bucket, "--access", "read"],
      endpoint,
    );
    expect(first.code).toBe(0);
    const [existing] = await keysOf(user);
    const file = join(disk.dir, ".env");
    const { code, stderr } = await s3kit(
      ["iam", "add-dev", user, "--bucket", bucket, "--access", "read", "--new-key", "--out", file],
      await proxyThat(() => disk.fill()),
    );
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([
      `error: Could not save the credentials of ${user} to ${file}: no space left on the disk. Nothing was left behind: deleted the new access key; ${user} existed before and keeps its access and its other keys.`,
    ]);
    expect((await keysOf(user)).map((k) => k.AccessKeyId)).toEqual([existing?.AccessKeyId]);
    const groups = (await iam.send(new ListGroupsForUserCommand({ UserName: user }))).Groups ?? [];
    expect(groups.map((g) => g.GroupName)).toEqual([`s3kit-${bucket}-read`]);
  });

  it("--out a directory is exit 2 before any call", async () => {
    const dir = join(work, "env-folder");
    mkdirSync(dir);
    const { code, stderr } = await s3kit(
      ["iam", "add-dev", "someone", "--bucket", "b-1", "--access", "read", "--out", dir],
      DEAD_ENDPOINT,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`--out ${dir} is a directory`);
  });

  it("a read-only folder is exit 1 before any call", async (ctx) => {
    const disk = smallDisk(ctx);
    disk.readOnly();
    const { code, stderr } = await s3kit(
      [
        "iam",
        "add-dev",
        "someone",
        "--bucket",
        "b-1",
        "--access",
        "read",
        "--out",
        join(disk.dir, ".env"),
      ],
      DEAD_ENDPOINT,
    );
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([
      `error: Cannot write ${join(disk.dir, ".env")}: the file system is read-only.`,
    ]);
  });
});
