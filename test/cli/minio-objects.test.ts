import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
});
