import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { minioEnv, runAgainstMinio } from "../support/cli.js";

// MinIO is the server teams run locally: the object commands must work on it as on AWS.
describe("objects on MinIO", () => {
  const bucket = "s3kit-minio-objects";
  const dir = mkdtempSync(join(tmpdir(), "s3kit-minio-objects-"));

  it("uploads, lists, stats, downloads and removes an object", async () => {
    const env = minioEnv();
    const s3 = new S3Client({
      endpoint: env.AWS_ENDPOINT_URL,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();

    const src = join(dir, "hello.txt");
    writeFileSync(src, "hello from s3kit\n");
    const up = await runAgainstMinio(["cp", src, `s3://${bucket}/docs/hello.txt`]);
    expect(up.stderr).not.toMatch(/error/i);
    expect(up.code).toBe(0);

    const ls = await runAgainstMinio(["ls", `s3://${bucket}/docs/`, "--json"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('"key":"docs/hello.txt"');

    const stat = await runAgainstMinio(["stat", `s3://${bucket}/docs/hello.txt`, "--json"]);
    expect(stat.code).toBe(0);
    expect(JSON.parse(stat.stdout)).toMatchObject({ size: 17 });

    const dst = join(dir, "copy.txt");
    const down = await runAgainstMinio(["cp", `s3://${bucket}/docs/hello.txt`, dst]);
    expect(down.code).toBe(0);
    expect(readFileSync(dst, "utf8")).toBe("hello from s3kit\n");

    const rm = await runAgainstMinio(["rm", `s3://${bucket}/docs/hello.txt`]);
    expect(rm.code).toBe(0);
    const gone = await runAgainstMinio(["exists", `s3://${bucket}/docs/hello.txt`]);
    expect(gone.code).toBe(3);
  });

  it("uploads and downloads in concurrent parts, byte for byte", async () => {
    const src = join(dir, "big.bin");
    const bytes = randomBytes(12 * 1024 * 1024 + 123);
    writeFileSync(src, bytes);
    const up = await runAgainstMinio([
      "cp",
      src,
      `s3://${bucket}/big/big.bin`,
      "--multipart-threshold",
      "5MiB",
      "--part-size",
      "5MiB",
    ]);
    expect(up.code, up.stderr).toBe(0);
    const stat = await runAgainstMinio(["stat", `s3://${bucket}/big/big.bin`, "--json"]);
    expect(JSON.parse(stat.stdout)).toMatchObject({ size: bytes.length });
    const dst = join(dir, "big-copy.bin");
    const down = await runAgainstMinio([
      "cp",
      `s3://${bucket}/big/big.bin`,
      dst,
      "--part-size",
      "5MiB",
    ]);
    expect(down.code, down.stderr).toBe(0);
    expect(readFileSync(dst).equals(bytes)).toBe(true);
  });

  it("copies a folder up and down recursively, copies server-side, and removes a prefix", async () => {
    const tree = join(dir, "site");
    mkdirSync(join(tree, "css"), { recursive: true });
    writeFileSync(join(tree, "index.html"), "<h1>hi</h1>");
    writeFileSync(join(tree, "css", "app.css"), "h1{}");
    const up = await runAgainstMinio(["cp", "--recursive", tree, `s3://${bucket}/site/`]);
    expect(up.code, up.stderr).toBe(0);
    const stat = await runAgainstMinio(["stat", `s3://${bucket}/site/index.html`, "--json"]);
    expect(JSON.parse(stat.stdout).contentType).toMatch(/^text\/html/);

    const copy = await runAgainstMinio([
      "cp",
      `s3://${bucket}/site/css/app.css`,
      `s3://${bucket}/backup/app.css`,
    ]);
    expect(copy.code, copy.stderr).toBe(0);

    const back = join(dir, "site-copy");
    const down = await runAgainstMinio(["cp", "--recursive", `s3://${bucket}/site/`, `${back}/`]);
    expect(down.code, down.stderr).toBe(0);
    expect(readdirSync(back).sort()).toEqual(["css", "index.html"]);
    expect(readFileSync(join(back, "css", "app.css"), "utf8")).toBe("h1{}");

    const rm = await runAgainstMinio(["rm", "--recursive", "--yes", `s3://${bucket}/site/`]);
    expect(rm.code, rm.stderr).toBe(0);
    const left = await runAgainstMinio(["ls", `s3://${bucket}/site/`, "--json"]);
    expect(left.stdout.trim()).toBe("");
  });
});
