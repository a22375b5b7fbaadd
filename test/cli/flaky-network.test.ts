import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoEnv } from "../support/cli.js";
import {
  createBucket,
  directS3,
  randomFile,
  removeDir,
  runBinary,
  sha256,
  tempDir,
} from "../support/objects.js";
import { startProxy } from "../support/proxy.js";

const MiB = 1024 * 1024;
const s3 = directS3();
let bucket: string;
let dir: string;

beforeAll(async () => {
  bucket = await createBucket(s3, "s3kit-flaky");
  dir = tempDir();
});
afterAll(() => removeDir(dir));

// Every third connection is cut off after 256 KiB, in the middle of a part or a range.
const flaky = () =>
  startProxy({
    target: motoEnv().AWS_ENDPOINT_URL as string,
    reset: (n) => n % 3 === 1,
    resetAfterBytes: 256 * 1024,
    maxResets: 6,
  });

describe("connections reset mid-transfer", () => {
  it("a multipart upload retries the broken parts and completes with the right bytes", async () => {
    const file = randomFile(dir, "flaky-up.bin", 26 * MiB);
    const proxy = await flaky();
    try {
      const result = await runBinary(
        [
          "cp",
          file,
          `s3://${bucket}/flaky.bin`,
          "--part-size",
          "5MiB",
          "--concurrency",
          "4",
          "--debug",
        ],
        { endpoint: proxy.endpoint },
      );
      expect(result.stderr).toContain("✓ Uploaded");
      expect(result.code).toBe(0);
      expect(proxy.resets).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
    // Read back directly, not through the proxy.
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "flaky.bin" }));
    const stored = Buffer.from(
      await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(sha256(stored)).toBe(sha256(file));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it("a ranged download resumes the broken ranges and the file is exact", async () => {
    const file = randomFile(dir, "flaky-src.bin", 26 * MiB);
    expect(
      (await runBinary(["cp", file, `s3://${bucket}/flaky-down.bin`, "--part-size", "5MiB"])).code,
    ).toBe(0);
    const proxy = await flaky();
    const target = join(dir, "flaky-down.bin");
    try {
      const result = await runBinary(
        ["cp", `s3://${bucket}/flaky-down.bin`, target, "--part-size", "5MiB", "--debug"],
        { endpoint: proxy.endpoint },
      );
      expect(result.stderr).toContain("✓ Downloaded");
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/retrying bytes \d+-\d+ of flaky-down\.bin/);
      expect(proxy.resets).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
    expect(sha256(readFileSync(target))).toBe(sha256(file));
  });

  it("a download to stdout resumes where the stream broke", async () => {
    const file = randomFile(dir, "flaky-stream.bin", 3 * MiB);
    expect((await runBinary(["cp", file, `s3://${bucket}/flaky-stream.bin`])).code).toBe(0);
    const proxy = await startProxy({
      target: motoEnv().AWS_ENDPOINT_URL as string,
      reset: (n) => n === 1,
      resetAfterBytes: 1 * MiB,
    });
    try {
      const result = await runBinary(["cp", `s3://${bucket}/flaky-stream.bin`, "-"], {
        endpoint: proxy.endpoint,
      });
      expect(result.code).toBe(0);
      expect(proxy.resets).toBe(1);
      expect(sha256(result.stdout)).toBe(sha256(file));
    } finally {
      await proxy.close();
    }
  });
});
