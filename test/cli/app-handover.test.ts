// Done when each guide's app starts on what s3kit wrote: the apps in test/fixtures/apps
// read the file the way their framework does (boto3 on its own after python-dotenv, a
// django-storages settings module, provider-neutral S3_* names, a pydantic-settings service
// with names of its own), run with the project's Python, and upload under their prefix. On
// moto and on MinIO (which enforces the prefix for real); then a rotation, after which the
// app starts on the new key and no variable holds an inactive one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ensureAppLibraries, root } from "../../scripts/servers.mjs";
import { type CliResult, runAgainstMinio, runAgainstMoto } from "../support/cli.js";
import { clients, createBucket, parseDotenv, uniqueName } from "../support/iam-clients.js";
import { minioBucket, minioS3 } from "../support/minio.js";

const apps = join(root, "test", "fixtures", "apps");
let python: string;

beforeAll(() => {
  python = ensureAppLibraries();
});

/** The app in its folder, with nothing of the test's environment: only what the file says. */
function runApp(script: string, cwd: string, name: string) {
  const result = spawnSync(python, [join(apps, script), name], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, NO_PROXY: "*" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface AppCase {
  name: string;
  script: string;
  prefix: string;
  flags: string[];
}

const PYDANTIC_NAMES = [
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
];

const CASES: AppCase[] = [
  {
    name: "aws style: boto3 on its own",
    script: "boto3_defaults_app.py",
    prefix: "uploads/",
    flags: [],
  },
  {
    name: "django style: django-storages settings",
    script: "django_storages_app.py",
    prefix: "media/",
    flags: ["--env-style", "django"],
  },
  {
    name: "s3 style: S3_* names",
    script: "s3_names_app.py",
    prefix: "files/",
    flags: ["--env-style", "s3"],
  },
  {
    name: "the app's own names: a pydantic-settings service",
    script: "pydantic_settings_app.py",
    prefix: "uploads/",
    flags: PYDANTIC_NAMES,
  },
];

interface Backend {
  label: string;
  bucket: () => Promise<string>;
  s3kit: (args: readonly string[], cwd: string) => Promise<CliResult>;
  s3: () => S3Client;
}

const backends: Backend[] = [
  {
    label: "moto",
    bucket: async () => {
      const bucket = uniqueName("apps");
      await createBucket(inject("motoEndpoint"), bucket);
      return bucket;
    },
    s3kit: (args, cwd) => runAgainstMoto(args, { cwd }),
    s3: () => clients(inject("motoEndpoint")).s3,
  },
  {
    label: "MinIO",
    bucket: () => minioBucket("apps"),
    s3kit: (args, cwd) => runAgainstMinio(args, { cwd }),
    s3: () => minioS3(),
  },
];

async function stored(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

for (const backend of backends) {
  describe(`apps start on what s3kit wrote, on ${backend.label}`, () => {
    let bucket: string;
    beforeAll(async () => {
      bucket = await backend.bucket();
    });

    it.each(CASES)("$name", async ({ script, prefix, flags }) => {
      const dir = mkdtempSync(join(tmpdir(), "s3kit-app-"));
      const user = uniqueName("app");
      const added = await backend.s3kit(
        [
          "iam",
          "add-dev",
          user,
          "--bucket",
          bucket,
          "--access",
          "read-write",
          "--prefix",
          prefix,
          "--out",
          ".env",
          ...flags,
        ],
        dir,
      );
      expect(added.code, added.stderr).toBe(0);
      const object = `${uniqueName("photo")}.jpg`;
      const app = runApp(script, dir, object);
      expect(app.code, `${app.stdout}\n${app.stderr}`).toBe(0);
      expect(app.stdout).toContain(`uploaded s3://${bucket}/${prefix}${object}`);
      expect(await stored(backend.s3(), bucket, `${prefix}${object}`)).toBe(true);
    });

    it("the pydantic-settings service refuses to start on the preset names alone, then starts on its own", async () => {
      const dir = mkdtempSync(join(tmpdir(), "s3kit-app-"));
      const user = uniqueName("pyd");
      const base = [
        "iam",
        "add-dev",
        user,
        "--bucket",
        bucket,
        "--access",
        "read-write",
        "--prefix",
        "uploads/",
        "--out",
        ".env",
      ];
      expect((await backend.s3kit(base, dir)).code).toBe(0);
      const before = runApp("pydantic_settings_app.py", dir, "x.txt");
      expect(before.code).not.toBe(0);
      expect(before.stderr).toContain("AWS_S3_BUCKET\n  Field required");

      // Names of its own, for the same developer (a new key into the same file).
      const named = await backend.s3kit(
        ["iam", "rotate-key", user, "--out", ".env", ...PYDANTIC_NAMES],
        dir,
      );
      expect(named.code, named.stderr).toBe(0);
      const after = runApp("pydantic_settings_app.py", dir, "y.txt");
      expect(after.code, after.stderr).toBe(0);
      expect(await stored(backend.s3(), bucket, "uploads/y.txt")).toBe(true);
    });

    it("after rotate-key the app starts on the new key, and no variable holds an inactive one", async () => {
      const dir = mkdtempSync(join(tmpdir(), "s3kit-app-"));
      const user = uniqueName("rot");
      const added = await backend.s3kit(
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
          "--out",
          ".env",
          ...PYDANTIC_NAMES,
        ],
        dir,
      );
      expect(added.code, added.stderr).toBe(0);
      const old = parseDotenv(readFileSync(join(dir, ".env"), "utf8"));
      // The project file remembers the names: rotate-key needs no flags.
      const rotated = await backend.s3kit(["iam", "rotate-key", user, "--out", ".env"], dir);
      expect(rotated.code, rotated.stderr).toBe(0);
      const text = readFileSync(join(dir, ".env"), "utf8");
      expect(text).not.toContain(old.AWS_ACCESS_KEY_ID as string);
      expect(text).not.toContain(old.AWS_SECRET_ACCESS_KEY as string);
      const now = parseDotenv(text);
      expect(now.AWS_S3_BUCKET).toBe(bucket);
      if (backend.label === "moto") {
        const { iam } = clients(inject("motoEndpoint"));
        const keys =
          (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
        const inactive = keys
          .filter((k) => k.Status !== "Active")
          .map((k) => k.AccessKeyId as string);
        expect(inactive).toEqual([old.AWS_ACCESS_KEY_ID]);
        for (const id of inactive) expect(text).not.toContain(id);
      }
      const app = runApp("pydantic_settings_app.py", dir, "after-rotation.txt");
      expect(app.code, app.stderr).toBe(0);
      expect(await stored(backend.s3(), bucket, "uploads/after-rotation.txt")).toBe(true);
    });
  });
}
