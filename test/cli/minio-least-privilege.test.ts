// The policies `s3kit policy generate` writes, enforced by MinIO for real (moto skips
// conditions): a key with exactly that policy may do what its level says under its prefix,
// and nothing else. The key comes from MinIO's STS AssumeRole with the policy as its session
// policy; the object commands then run with it as a developer's would.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { runAgainstMinio } from "../support/cli.js";
import { minioBucket, minioKeysFor, minioS3 } from "../support/minio.js";
import { tempDir } from "../support/objects.js";

let bucket: string;
const dir = tempDir("s3kit-minio-lp-");

async function keysFor(access: string, prefix: string): Promise<Record<string, string>> {
  const generated = await runAgainstMinio([
    "policy",
    "generate",
    "--bucket",
    bucket,
    "--access",
    access,
    "--prefix",
    prefix,
  ]);
  expect(generated.code, generated.stderr).toBe(0);
  return minioKeysFor(generated.stdout);
}

beforeAll(async () => {
  bucket = await minioBucket("minio-lp");
  const s3 = minioS3();
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: "private/secret.txt", Body: "not yours" }),
  );
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "uploads/seed.txt", Body: "seed" }));
  s3.destroy();
  writeFileSync(join(dir, "a.txt"), "from a developer\n");
});

describe("a read-write key limited to uploads/, on MinIO", () => {
  it("uploads, lists and downloads under uploads/ and nothing else", async () => {
    const env = await keysFor("read-write", "uploads/");
    const run = (args: string[]) => runAgainstMinio(args, { env });

    expect((await run(["cp", join(dir, "a.txt"), `s3://${bucket}/uploads/a.txt`])).code).toBe(0);
    const outside = await run(["cp", join(dir, "a.txt"), `s3://${bucket}/private/a.txt`]);
    expect(outside.code).toBe(4);
    expect(outside.stderr).toMatch(/Access Denied|AccessDenied/);

    const listed = await run(["ls", `s3://${bucket}/uploads/`, "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('"key":"uploads/a.txt"');
    expect((await run(["ls", `s3://${bucket}/private/`])).code).toBe(4);
    expect((await run(["ls", `s3://${bucket}/`])).code).toBe(4);

    expect((await run(["cp", `s3://${bucket}/uploads/seed.txt`, join(dir, "seed.txt")])).code).toBe(
      0,
    );
    expect(
      (await run(["cp", `s3://${bucket}/private/secret.txt`, join(dir, "secret.txt")])).code,
    ).toBe(4);
    // read-write does not delete.
    expect((await run(["rm", `s3://${bucket}/uploads/a.txt`])).code).toBe(4);
  });

  it("presigned URLs signed with the key work only where the key may act", async () => {
    const env = await keysFor("read-write", "uploads/");
    const sign = async (key: string) => {
      const out = await runAgainstMinio(["presign", "put", `s3://${bucket}/${key}`], { env });
      expect(out.code).toBe(0);
      return out.stdout.trim();
    };
    expect((await fetch(await sign("uploads/p.txt"), { method: "PUT", body: "p" })).status).toBe(
      200,
    );
    expect((await fetch(await sign("private/p.txt"), { method: "PUT", body: "p" })).status).toBe(
      403,
    );
  });
});

describe("a read key limited to reports/, on MinIO", () => {
  it("reads and lists under reports/ and cannot write", async () => {
    const s3 = minioS3();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "reports/q1.csv", Body: "a,b\n" }));
    s3.destroy();
    const env = await keysFor("read", "reports/");
    const run = (args: string[]) => runAgainstMinio(args, { env });
    expect((await run(["cp", `s3://${bucket}/reports/q1.csv`, join(dir, "q1.csv")])).code).toBe(0);
    expect((await run(["ls", `s3://${bucket}/reports/`])).code).toBe(0);
    expect((await run(["cp", join(dir, "a.txt"), `s3://${bucket}/reports/new.csv`])).code).toBe(4);
    expect((await run(["stat", `s3://${bucket}/uploads/seed.txt`])).code).toBe(4);
  });
});
