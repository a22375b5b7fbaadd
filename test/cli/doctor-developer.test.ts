// `doctor` for a least-privilege developer: what the key is meant to do under its prefix,
// proven with real requests, nothing left behind, and hints that never need rights the
// developer lacks. On MinIO, which enforces the policies for real (prefix conditions
// included), and on moto with its IAM access control (which has STS, so doctor knows the
// user and names the admin's exact `policy debug` command).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutUserPolicyCommand } from "@aws-sdk/client-iam";
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgainstMinio, runCli } from "../support/cli.js";
import { clients, parseDotenv } from "../support/iam-clients.js";
import { minioBucket, minioS3 } from "../support/minio.js";
import { type AuthMoto, startAuthMoto } from "../support/moto-auth.js";

const folder = () => mkdtempSync(join(tmpdir(), "s3kit-doctor-dev-"));

interface Check {
  id: string;
  title: string;
  status: string;
  detail: string;
  hint?: string;
}

const byTitle = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.title, c]));

describe("doctor for a developer, on MinIO", () => {
  let bucket: string;
  const dir = folder();

  beforeAll(async () => {
    bucket = await minioBucket("doctor-dev");
    const s3 = minioS3();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "uploads/seed.txt", Body: "seed" }));
    s3.destroy();
    for (const [user, access, prefix] of [
      ["doc-rw", "read-write", "uploads/"],
      ["doc-ro", "read", "uploads/"],
    ] as const) {
      const r = await runAgainstMinio(
        [
          "iam",
          "add-dev",
          user,
          "--bucket",
          bucket,
          "--access",
          access,
          "--prefix",
          prefix,
          "--out",
          `.env.${user}`,
        ],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
    }
  });

  /** The developer's view: only the file, none of the admin's keys in the environment. */
  const asDeveloper = (args: string[]) =>
    runAgainstMinio(args, {
      cwd: dir,
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });

  it("--env-file: the bucket and prefix of the file; list, read and upload work, nothing is left behind", async () => {
    const { code, stdout, stderr } = await asDeveloper(["doctor", "--env-file", ".env.doc-rw"]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain(
      `✓ Bucket exists: ${bucket} (this key may not look at the bucket as a whole`,
    );
    expect(stdout).toContain("✓ List uploads/: listing works under uploads/ (not empty)");
    expect(stdout).toContain("✓ Read uploads/: reading works under uploads/ (uploads/seed.txt)");
    expect(stdout).toMatch(
      /✓ Upload uploads\/: uploading works under uploads\/ \(a probe upload to uploads\/\.s3kit-doctor-[0-9a-f]{8}, aborted: nothing was left behind\)/,
    );
    expect(stdout).toContain(`- Bucket settings: skipped for a developer's key`);
    // The developer's keys, not the admin's: no check needed admin rights.
    expect(stdout).not.toMatch(/^✗|^!/m);
    const s3 = minioS3();
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(objects.Contents?.map((o) => o.Key)).toEqual(["uploads/seed.txt"]);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
    s3.destroy();
  });

  it("the same from flags: doctor --bucket B --prefix P with the developer's keys in the environment", async () => {
    const keys = parseDotenv(readFileSync(join(dir, ".env.doc-rw"), "utf8"));
    const { code, stdout } = await runAgainstMinio(
      ["doctor", "--bucket", bucket, "--prefix", "uploads/", "--access", "read-write", "--json"],
      {
        env: {
          AWS_ACCESS_KEY_ID: keys.AWS_ACCESS_KEY_ID as string,
          AWS_SECRET_ACCESS_KEY: keys.AWS_SECRET_ACCESS_KEY as string,
        },
      },
    );
    expect(code, stdout).toBe(0);
    const checks = byTitle(JSON.parse(stdout).checks as Check[]);
    expect(
      ["List uploads/", "Read uploads/", "Upload uploads/"].map((t) => checks[t]?.status),
    ).toEqual(["pass", "pass", "pass"]);
  });

  it("outside its prefix: each denied action fails, and the hint says what to ask an admin (no rights needed)", async () => {
    const { code, stdout } = await asDeveloper([
      "doctor",
      "--env-file",
      ".env.doc-rw",
      "--prefix",
      "private/",
      "--json",
    ]);
    expect(code).toBe(6);
    const checks = byTitle(JSON.parse(stdout).checks as Check[]);
    expect(checks["List private/"]).toMatchObject({
      status: "fail",
      detail: "listing under private/ is denied",
    });
    expect(checks["Upload private/"]).toMatchObject({ status: "fail" });
    const hint = checks["List private/"]?.hint ?? "";
    // MinIO has no STS: the key is named so that an admin can find its owner.
    expect(hint).toMatch(
      /^Ask an admin to check the grant of the key [A-Z0-9]{4}\*+[A-Z0-9]{4}: `s3kit iam list-devs --bucket /,
    );
    for (const c of Object.values(checks))
      expect(c.hint ?? "").not.toMatch(/policy debug --bucket/);
  });

  it("a read key: upload denied is a warning, expected with --access read, a failure with --access read-write", async () => {
    const plain = await asDeveloper(["doctor", "--env-file", ".env.doc-ro", "--json"]);
    expect(plain.code).toBe(0);
    const checks = byTitle(JSON.parse(plain.stdout).checks as Check[]);
    expect(checks["Upload uploads/"]).toMatchObject({
      status: "warn",
      detail: "uploading under uploads/ is denied",
    });
    expect(checks["List uploads/"]?.status).toBe("pass");

    const read = await asDeveloper([
      "doctor",
      "--env-file",
      ".env.doc-ro",
      "--access",
      "read",
      "--json",
    ]);
    expect(read.code).toBe(0);
    expect(byTitle(JSON.parse(read.stdout).checks)["Upload uploads/"]).toMatchObject({
      status: "pass",
      detail: "uploading under uploads/ is denied, as read access should be",
    });

    const rw = await asDeveloper(["doctor", "--env-file", ".env.doc-ro", "--access", "read-write"]);
    expect(rw.code).toBe(6);
    expect(rw.stdout).toContain("✗ Upload uploads/: uploading under uploads/ is denied");
  });

  it("--prefix or --access without a bucket is exit 2; a bad --access too", async () => {
    const r = await runAgainstMinio(["doctor", "--prefix", "uploads/"], {
      env: { AWS_ENDPOINT_URL: "http://127.0.0.1:9" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--prefix needs a bucket");
    const bad = await runAgainstMinio(["doctor", "--bucket", "b", "--access", "write"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown --access "write"');
  });
});

describe("doctor for a developer, on moto with IAM access control", () => {
  const bucket = "s3kit-doctor-dev";
  const dir = folder();
  let moto: AuthMoto;

  beforeAll(async () => {
    moto = await startAuthMoto([bucket]);
    // moto evaluates no condition keys (a prefix-limited listing is always denied there:
    // MinIO above proves prefixes), so these grants are for the whole bucket.
    for (const [user, access] of [
      ["pat", "read-write"],
      ["rex", "read"],
    ] as const) {
      const r = await runCli(
        ["iam", "add-dev", user, "--bucket", bucket, "--access", access, "--out", `.env.${user}`],
        { env: moto.adminEnv, cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
    }
    // moto authorizes some requests by their operation's name, which AWS has no action for:
    // CreateMultipartUpload as s3:CreateMultipartUpload (AWS and MinIO: s3:PutObject) and
    // ListObjectsV2 as s3:ListObjectsV2 (AWS and MinIO: s3:ListBucket). pat gets moto's names too.
    const { iam } = clients(moto.endpoint);
    await iam.send(
      new PutUserPolicyCommand({
        UserName: "pat",
        PolicyName: "moto-action-names",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "s3:CreateMultipartUpload",
              Resource: `arn:aws:s3:::${bucket}/*`,
            },
            { Effect: "Allow", Action: "s3:ListObjectsV2", Resource: `arn:aws:s3:::${bucket}` },
          ],
        }),
      }),
    );
    await moto.enforce();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  const asDeveloper = (args: string[], cwd = dir) =>
    runCli(args, { cwd, env: { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" } });

  it("a read-write key: the identity from STS, and list, read and upload work", async () => {
    const { code, stdout } = await asDeveloper(["doctor", "--env-file", ".env.pat", "--json"]);
    const checks = byTitle(JSON.parse(stdout).checks as Check[]);
    expect(checks["Credentials valid"]?.detail).toBe(
      "arn:aws:iam::123456789012:user/s3kit/pat (from --env-file .env.pat (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY))",
    );
    expect(
      ["List (whole bucket)", "Read (whole bucket)", "Upload (whole bucket)"].map(
        (t) => checks[t]?.status,
      ),
    ).toEqual(["pass", "pass", "pass"]);
    expect(code, stdout).toBe(0);
  });

  it("a read key: the denied upload names the admin's exact policy debug command", async () => {
    const { code, stdout } = await asDeveloper(["doctor", "--env-file", ".env.rex", "--json"]);
    expect(code, stdout).toBe(0);
    const upload = byTitle(JSON.parse(stdout).checks as Check[])["Upload (whole bucket)"];
    expect(upload?.status).toBe("warn");
    expect(upload?.hint).toMatch(
      new RegExp(
        `^Ask an admin to run \`s3kit policy debug --user rex --bucket ${bucket} --action s3:PutObject --key \\.s3kit-doctor-[0-9a-f]{8}\` \\(it needs IAM read rights this key does not have\\)\\.$`,
      ),
    );
  });

  it("a key that was rotated away: exit 4, and the hint says to ask for the current key", async () => {
    const rotatedDir = folder();
    writeFileSync(join(rotatedDir, ".env"), readFileSync(join(dir, ".env.rex")));
    const r = await runCli(
      ["iam", "rotate-key", "rex", "--delete-old", "--out", join(dir, ".env.rex")],
      { env: moto.adminEnv },
    );
    expect(r.code, r.stderr).toBe(0);
    const { code, stdout } = await asDeveloper(["doctor", "--env-file", ".env"], rotatedDir);
    expect(code).toBe(4);
    expect(stdout).toContain("✗ Credentials valid:");
    expect(stdout).toContain(
      "The keys in .env were refused: a rotation makes the old key inactive, and the file may hold it. Ask an admin for the current key.",
    );
  });
});
