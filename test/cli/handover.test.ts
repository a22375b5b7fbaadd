// The app starts on what s3kit hands over: variable names of the project's choosing
// (`--env NAME=FIELD`, remembered in .s3kit.json), rotation that follows the file whatever
// its format and names, and `whoami --env-file` reading any of it back. Against moto.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runAgainstMoto } from "../support/cli.js";
import { clients, createBucket, parseDotenv, uniqueName } from "../support/iam-clients.js";

const endpoint = inject("motoEndpoint");
const { iam } = clients(endpoint);
const bucket = uniqueName("handover");
// Nothing listens here: a command that reached for the API would fail with exit 1, not 2.
const DEAD = { AWS_ENDPOINT_URL: "http://127.0.0.1:9" };

beforeAll(async () => {
  await createBucket(endpoint, bucket);
});

const folder = () => mkdtempSync(join(tmpdir(), "s3kit-handover-"));

async function keysOf(user: string) {
  return (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
}

/** Every value in the file that is one of the user's inactive keys: none may be left. */
async function inactiveKeysIn(user: string, text: string): Promise<string[]> {
  const inactive = (await keysOf(user))
    .filter((k) => k.Status !== "Active")
    .map((k) => k.AccessKeyId as string);
  return inactive.filter((id) => text.includes(id));
}

async function activeKey(user: string): Promise<string> {
  const active = (await keysOf(user)).filter((k) => k.Status === "Active");
  expect(active).toHaveLength(1);
  return active[0]?.AccessKeyId as string;
}

describe("variable names of the project's choosing", () => {
  it("--env NAME=FIELD writes the app's names beside the style's, and .s3kit.json remembers them for rotate-key", async () => {
    const dir = folder();
    const user = uniqueName("pyd");
    const added = await runAgainstMoto(
      [
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        "read-write",
        "--prefix",
        "uploads/",
        "--env",
        "AWS_S3_BUCKET=bucket",
        "--env",
        "AWS_S3_ENDPOINT_URL=endpoint",
        "--env",
        "AWS_MAIN_REGION=region",
        "--env",
        "AWS_S3_USE_SSL=false",
        "--env",
        "UPLOAD_PREFIX=prefix",
        "--out",
        ".env",
      ],
      { cwd: dir },
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain(
      "Variable names saved to .s3kit.json (style aws, AWS_S3_BUCKET=bucket, AWS_S3_ENDPOINT_URL=endpoint, AWS_MAIN_REGION=region, AWS_S3_USE_SSL=false, UPLOAD_PREFIX=prefix)",
    );
    const env = parseDotenv(readFileSync(join(dir, ".env"), "utf8"));
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: await activeKey(user),
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ENDPOINT_URL: endpoint,
      AWS_S3_BUCKET: bucket,
      AWS_S3_ENDPOINT_URL: endpoint,
      AWS_MAIN_REGION: "us-east-1",
      AWS_S3_USE_SSL: "false",
      UPLOAD_PREFIX: "uploads/",
      S3_PREFIX: "uploads/",
    });
    expect(JSON.parse(readFileSync(join(dir, ".s3kit.json"), "utf8"))).toEqual({
      env: {
        style: "aws",
        variables: {
          AWS_S3_BUCKET: "bucket",
          AWS_S3_ENDPOINT_URL: "endpoint",
          AWS_MAIN_REGION: "region",
          AWS_S3_USE_SSL: "false",
          UPLOAD_PREFIX: "prefix",
        },
      },
    });

    // A file the app edited since: a variable of its own and one of ours removed.
    const edited = readFileSync(join(dir, ".env"), "utf8")
      .replace(/^AWS_S3_USE_SSL=.*\n/m, "")
      .concat("DATABASE_URL=postgres://db/app\n");
    writeFileSync(join(dir, ".env"), edited, { mode: 0o600 });
    const rotated = await runAgainstMoto(["iam", "rotate-key", user, "--out", ".env"], {
      cwd: dir,
    });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stderr).not.toContain("saved to .s3kit.json");
    const text = readFileSync(join(dir, ".env"), "utf8");
    const after = parseDotenv(text);
    expect(after.AWS_ACCESS_KEY_ID).toBe(await activeKey(user));
    // The project's names come back, the app's own line stays, the prefix is kept.
    expect(after).toMatchObject({
      AWS_S3_USE_SSL: "false",
      DATABASE_URL: "postgres://db/app",
      UPLOAD_PREFIX: "uploads/",
      AWS_S3_BUCKET: bucket,
    });
    expect(await inactiveKeysIn(user, text)).toEqual([]);
  });

  it("--env-style none writes only the project's names", async () => {
    const dir = folder();
    const user = uniqueName("own");
    const { code, stdout, stderr } = await runAgainstMoto(
      [
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        "read",
        "--env-style",
        "none",
        "--env",
        "STORAGE_KEY=access-key-id",
        "--env",
        "STORAGE_SECRET=secret-access-key",
        "--env",
        "STORAGE_BUCKET=bucket",
        "--env",
        "STORAGE_PREFIX=prefix",
      ],
      { cwd: dir },
    );
    expect(code, stderr).toBe(0);
    expect(Object.keys(parseDotenv(stdout))).toEqual([
      "STORAGE_KEY",
      "STORAGE_SECRET",
      "STORAGE_BUCKET",
      "STORAGE_PREFIX",
    ]);
    // The whole bucket: the app's prefix setting is there, and empty.
    expect(stdout).toContain("STORAGE_PREFIX=\n");
  });

  it.each([
    [["--env", "MY-VAR=bucket"], "is not a variable name", "InvalidEnvName"],
    [["--env", "AWS_S3_BUCKET=bukcet"], 'unknown field "bukcet"', "UnknownEnvField"],
    [
      ["--env", "X=bucket", "--env", "X=region"],
      "two mappings: bucket and region",
      "DuplicateEnvMapping",
    ],
    [["--env", "AWS_S3_BUCKET"], "is not NAME=FIELD", "InvalidEnvMapping"],
    [
      ["--env-style", "none", "--env", "X=bucket"],
      "writes no variable for access-key-id",
      "EnvWithoutCredentials",
    ],
    [["--format", "csv", "--env", "X=bucket"], "--format csv has none", "EnvWithoutVariables"],
  ])(
    "add-dev, rotate-key and init refuse %j with exit 2 naming the fields, before any call",
    async (flags, message, code) => {
      for (const args of [
        ["iam", "add-dev", "someone", "--bucket", bucket, "--access", "read", ...flags],
        ["iam", "rotate-key", "someone", ...flags],
        ["init", "--yes", "--bucket", "some-bucket-0", "--dev", "someone:read", ...flags],
      ]) {
        if (args[0] === "init" && flags.includes("--format")) continue;
        const dir = folder();
        const r = await runAgainstMoto([...args, "--json"], { cwd: dir, env: DEAD });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
        const error = JSON.parse(r.stderr).error;
        expect(error.code).toBe(code);
        expect(error.message).toContain(message);
        if (code !== "EnvWithoutVariables") {
          expect(`${error.message} ${error.hint}`).toMatch(/access-key-id|secret-access-key/);
        }
        expect(existsSync(join(dir, ".s3kit.json"))).toBe(false);
      }
    },
  );

  it("a broken .s3kit.json is exit 2 before any call, and is not overwritten", async () => {
    const dir = folder();
    const broken = '{"env": {"variables": {"AWS_S3_BUCKET": "bukket"}}}\n';
    writeFileSync(join(dir, ".s3kit.json"), broken);
    const r = await runAgainstMoto(
      ["iam", "add-dev", "someone", "--bucket", bucket, "--access", "read", "--env", "X=bucket"],
      { cwd: dir, env: DEAD },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`.s3kit.json: env.variables.AWS_S3_BUCKET: unknown field "bukket"`);
    expect(r.stderr).toContain(
      "Fields: access-key-id, secret-access-key, region, bucket, endpoint, prefix",
    );
    expect(readFileSync(join(dir, ".s3kit.json"), "utf8")).toBe(broken);
  });
});

describe("rotation follows the file", () => {
  /** A developer with a key in `file`, written by add-dev with these flags (no project file). */
  async function developer(base: string, file: string, flags: string[]) {
    const dir = folder();
    const user = uniqueName(base);
    const r = await runAgainstMoto(
      ["iam", "add-dev", user, "--bucket", bucket, "--access", "read", "--out", file, ...flags],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    // Rotation must not need the project file: the file alone says where the key is.
    if (existsSync(join(dir, ".s3kit.json"))) {
      const { rmSync } = await import("node:fs");
      rmSync(join(dir, ".s3kit.json"));
    }
    return { dir, user, before: readFileSync(join(dir, file), "utf8") };
  }

  it("an s3-style .env: S3_* replaced in place, no AWS_* lines appended, no inactive key left", async () => {
    const { dir, user, before } = await developer("s3style", ".env", ["--env-style", "s3"]);
    const old = parseDotenv(before);
    const r = await runAgainstMoto(["iam", "rotate-key", user, "--out", ".env"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "credentials merged into .env (mode 0600): S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY replaced",
    );
    const text = readFileSync(join(dir, ".env"), "utf8");
    expect(text).not.toContain("AWS_");
    const now = parseDotenv(text);
    expect(Object.keys(now)).toEqual(Object.keys(old));
    expect(now.S3_ACCESS_KEY_ID).toBe(await activeKey(user));
    expect(now.S3_SECRET_ACCESS_KEY).not.toBe(old.S3_SECRET_ACCESS_KEY);
    expect(await inactiveKeysIn(user, text)).toEqual([]);
    expect(statSync(join(dir, ".env")).mode & 0o777).toBe(0o600);
  });

  it("a file with the key under names of the app's own: every one of them, found by value", async () => {
    const { dir, user, before } = await developer("ownnames", ".env", []);
    const old = parseDotenv(before);
    writeFileSync(
      join(dir, ".env"),
      `${before}MEDIA_KEY_ID=${old.AWS_ACCESS_KEY_ID}\nMEDIA_SECRET=${old.AWS_SECRET_ACCESS_KEY}\n`,
    );
    const r = await runAgainstMoto(["iam", "rotate-key", user, "--out", ".env", "--delete-old"], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const now = parseDotenv(readFileSync(join(dir, ".env"), "utf8"));
    const current = await activeKey(user);
    expect([now.AWS_ACCESS_KEY_ID, now.MEDIA_KEY_ID]).toEqual([current, current]);
    expect(now.MEDIA_SECRET).toBe(now.AWS_SECRET_ACCESS_KEY);
    expect(now.MEDIA_SECRET).not.toBe(old.AWS_SECRET_ACCESS_KEY);
    expect(await keysOf(user)).toHaveLength(1);
  });

  it.each([
    ["json", "creds.json", ["--format", "json", "--env-style", "django"]],
    ["shell", "creds.sh", ["--format", "shell"]],
    ["aws-profile", "credentials", ["--format", "aws-profile"]],
    ["csv", "keys.csv", ["--format", "csv"]],
  ])(
    "%s: the format is read from the file, the old key replaced where it is",
    async (format, file, flags) => {
      const { dir, user, before } = await developer(`f-${format}`, file, flags);
      const oldKey = (await keysOf(user))[0]?.AccessKeyId as string;
      expect(before).toContain(oldKey);
      const r = await runAgainstMoto(["iam", "rotate-key", user, "--out", file], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(join(dir, file), "utf8");
      expect(text).toContain(await activeKey(user));
      expect(await inactiveKeysIn(user, text)).toEqual([]);
      // Same shape: the same lines, two of them changed (key and secret).
      const changed = text.split("\n").filter((line, i) => line !== before.split("\n")[i]);
      expect(text.split("\n")).toHaveLength(before.split("\n").length);
      expect(changed.length).toBe(format === "csv" ? 1 : 2);
    },
  );

  it("a CSV holding another key: exit 5 before any key is made, and how to proceed", async () => {
    const { dir } = await developer("csvother", "keys.csv", ["--format", "csv"]);
    const user = uniqueName("csvnew");
    await runAgainstMoto([
      "iam",
      "add-dev",
      user,
      "--bucket",
      bucket,
      "--access",
      "read",
      "--no-key",
    ]);
    const before = readFileSync(join(dir, "keys.csv"), "utf8");
    const r = await runAgainstMoto(["iam", "rotate-key", user, "--out", "keys.csv"], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("already holds another access key (AKIA");
    expect(r.stderr).toContain("A CSV file holds one key and is not merged into.");
    expect(r.stderr).toContain("hint: Write the new key to a file of its own (--out ");
    expect(r.stderr).toContain("keys-new.csv), or pass --force to replace");
    expect(await keysOf(user)).toEqual([]);
    expect(readFileSync(join(dir, "keys.csv"), "utf8")).toBe(before);
  });
});

describe("whoami --env-file reads any file s3kit wrote", () => {
  const cases: [string, string[]][] = [];
  for (const style of ["aws", "django", "s3"]) {
    for (const format of ["dotenv", "shell", "json"]) {
      cases.push([`${style} ${format}`, ["--env-style", style, "--format", format]]);
    }
  }
  cases.push(["csv", ["--format", "csv"]], ["aws-profile", ["--format", "aws-profile"]]);

  it.each(cases)("%s", async (_name, flags) => {
    const dir = folder();
    const user = uniqueName("who");
    const added = await runAgainstMoto(
      [
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        "read",
        "--prefix",
        "r/",
        "--out",
        "f",
        ...flags,
      ],
      { cwd: dir },
    );
    expect(added.code, added.stderr).toBe(0);
    // Not the admin's keys: the environment has none, the file has the developer's.
    const r = await runAgainstMoto(["whoami", "--env-file", "f", "--json"], {
      cwd: dir,
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });
    expect(r.code, r.stderr).toBe(0);
    const id = JSON.parse(r.stdout);
    expect(id.arn).toBe(`arn:aws:iam::123456789012:user/s3kit/${user}`);
    expect(id.accessKeyId).toBe(await activeKey(user));
    expect(id.credentialSource).toMatch(/^--env-file f/);
    const format = flags[flags.indexOf("--format") + 1];
    if (format !== "csv") expect(id.endpoints.s3).toBe(endpoint);
    if (format !== "csv" && format !== "aws-profile") {
      expect(id.envFile).toMatchObject({ bucket, prefix: "r/" });
    }
  });

  it("with the project's own names from .s3kit.json", async () => {
    const dir = folder();
    const user = uniqueName("whoown");
    const added = await runAgainstMoto(
      [
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        "read",
        "--env-style",
        "none",
        "--env",
        "APP_KEY=access-key-id",
        "--env",
        "APP_SECRET=secret-access-key",
        "--env",
        "APP_S3_URL=endpoint",
        "--env",
        "APP_BUCKET=bucket",
        "--out",
        ".env",
      ],
      { cwd: dir },
    );
    expect(added.code, added.stderr).toBe(0);
    const r = await runAgainstMoto(["whoami", "--env-file", ".env"], {
      cwd: dir,
      env: { AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_ACCESS_KEY_ID: undefined },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`ARN:\\s+arn:aws:iam::123456789012:user/s3kit/${user}`));
    expect(r.stdout).toMatch(/Endpoint:\s+http:\/\/127\.0\.0\.1:\d+ \(\.env APP_S3_URL\)/);
    expect(r.stdout).toMatch(/Credentials:\s+--env-file \.env \(APP_KEY, APP_SECRET\)/);
    expect(r.stdout).toMatch(new RegExp(`Bucket:\\s+${bucket}`));
  });

  it("a missing file is exit 3 (or Node's own exit 9: Node checks any --env-file argument); a file without keys exit 2", async () => {
    const dir = folder();
    const missing = await runAgainstMoto(["whoami", "--env-file", "nope.env"], { cwd: dir });
    expect([3, 9]).toContain(missing.code);
    expect(missing.stderr).toContain("nope.env");
    writeFileSync(join(dir, "app.env"), "DEBUG=1\n");
    const r = await runAgainstMoto(["whoami", "--env-file", "app.env"], { cwd: dir, env: DEAD });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("app.env holds no access key ID s3kit can find");
  });
});
