import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, motoEnv } from "../support/cli.js";
import {
  createBucket,
  directS3,
  finished,
  randomFile,
  removeDir,
  spawnCli,
  tempDir,
  waitFor,
} from "../support/objects.js";
import { startProxy, type TestProxy } from "../support/proxy.js";

const MiB = 1024 * 1024;
const s3 = directS3();
let bucket: string;
let dir: string;
let slow: TestProxy;
let distant: TestProxy;

beforeAll(async () => {
  bucket = await createBucket(s3, "s3kit-sigint");
  dir = tempDir();
  // A slow network (2 MiB/s per connection), so there is time to press Ctrl-C mid-transfer.
  slow = await startProxy({
    target: motoEnv().AWS_ENDPOINT_URL as string,
    bytesPerSecond: 2 * MiB,
  });
  // A distant endpoint: every request takes 1–1.5 s to arrive, the abort too.
  distant = await startProxy({
    target: motoEnv().AWS_ENDPOINT_URL as string,
    latencyMs: [1000, 1500],
  });
});
afterAll(async () => {
  await slow.close();
  await distant.close();
  removeDir(dir);
});

async function openUploads(): Promise<{ key: string; id: string }[]> {
  const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => ({ key: u.Key as string, id: u.UploadId as string }));
}

describe("Ctrl-C", () => {
  it("during an upload aborts the open multipart upload and exits 130", async () => {
    const file = randomFile(dir, "upload.bin", 40 * MiB);
    const child = spawnCli(
      ["cp", file, `s3://${bucket}/interrupted.bin`, "--part-size", "5MiB", "--concurrency", "2"],
      { endpoint: slow.endpoint },
    );
    const done = finished(child);
    // Wait until the upload is open and at least one part has gone up.
    const [upload] = await waitFor(async () => {
      const uploads = await openUploads();
      return uploads.length > 0 && uploads;
    }, "the multipart upload to start");
    await waitFor(async () => {
      const parts = await s3.send(
        new ListPartsCommand({ Bucket: bucket, Key: upload?.key, UploadId: upload?.id }),
      );
      return (parts.Parts?.length ?? 0) > 0;
    }, "a first part");
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("interrupted; aborted 1 multipart upload");
    // Read back with an independent client: nothing left open, no object created.
    expect(await openUploads()).toEqual([]);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "interrupted.bin" })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it("during a download removes the partial file and exits 130", async () => {
    const file = randomFile(dir, "source.bin", 24 * MiB);
    const { readFileSync } = await import("node:fs");
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "big.bin", Body: readFileSync(file) }),
    );
    const target = join(dir, "downloads");
    const child = spawnCli(["cp", `s3://${bucket}/big.bin`, `${target}/`, "--concurrency", "2"], {
      endpoint: slow.endpoint,
    });
    const done = finished(child);
    // The partial file appears in the target folder while the download runs.
    const partial = await waitFor(() => {
      try {
        return readdirSync(target).find((f) => f.endsWith(".part"));
      } catch {
        return undefined;
      }
    }, "the partial download file");
    expect(partial).toMatch(/^\.big\.bin\.s3kit-[0-9a-f]+\.part$/);
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("interrupted; removed 1 partial file");
    expect(readdirSync(target)).toEqual([]);
  });

  it("during a recursive download removes every partial file", async () => {
    for (const name of ["a", "b", "c"]) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `many/${name}.bin`,
          Body: Buffer.alloc(6 * MiB, 1),
        }),
      );
    }
    const target = join(dir, "many-down");
    const child = spawnCli(["cp", `s3://${bucket}/many/`, target, "--recursive"], {
      endpoint: slow.endpoint,
    });
    const done = finished(child);
    await waitFor(() => {
      try {
        return readdirSync(target).filter((f) => f.endsWith(".part")).length >= 2;
      } catch {
        return false;
      }
    }, "partial files");
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(readdirSync(target).filter((f) => f.endsWith(".part"))).toEqual([]);
  });
});

describe("Ctrl-C pressed again while cleaning up (1–1.5 s latency)", () => {
  /** Starts a multipart upload through the distant endpoint and waits until it is open. */
  async function startUpload(key: string) {
    const file = randomFile(dir, `${key}.src`, 16 * MiB);
    const child = spawnCli(
      ["cp", file, `s3://${bucket}/${key}`, "--part-size", "5MiB", "--concurrency", "2"],
      { endpoint: distant.endpoint },
    );
    const done = finished(child);
    const [upload] = await waitFor(async () => {
      const uploads = (await openUploads()).filter((u) => u.key === key);
      return uploads.length > 0 && uploads;
    }, "the multipart upload to start");
    return { child, done, upload: upload as { key: string; id: string } };
  }

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("a second Ctrl-C 0.3 s later does not abandon the abort: it says so and finishes it", async () => {
    const { child, done, upload } = await startUpload("twice.bin");
    child.kill("SIGINT");
    await pause(300);
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      `still cleaning up: aborting multipart upload s3://${bucket}/twice.bin`,
    );
    expect(result.stderr).toContain("press Ctrl-C again to quit without cleaning up");
    expect(result.stderr).toContain("interrupted; aborted 1 multipart upload");
    expect((await openUploads()).filter((u) => u.id === upload.id)).toEqual([]);
  });

  it("a third Ctrl-C quits at once and prints the command that aborts the upload", async () => {
    const { child, done, upload } = await startUpload("thrice.bin");
    child.kill("SIGINT");
    await pause(300);
    child.kill("SIGINT");
    await pause(300);
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("quit without cleaning up; still to do by hand:");
    const command = result.stderr
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.startsWith("aws s3api abort-multipart-upload"));
    expect(command).toBe(
      `aws s3api abort-multipart-upload --bucket ${bucket} --key thrice.bin --upload-id ${upload.id} --region us-east-1 --endpoint-url ${distant.endpoint}`,
    );
    // The abort s3kit had sent never arrived: the upload is still open until the command runs.
    expect((await openUploads()).filter((u) => u.id === upload.id)).toHaveLength(1);
    // The printed command, run as printed (the AWS CLI with the same keys), aborts it.
    // (Asynchronously: the proxy it goes through runs in this process.)
    await promisify(execFile)("sh", ["-c", command as string], {
      env: { ...cleanEnv(), ...motoEnv() } as NodeJS.ProcessEnv,
    });
    expect((await openUploads()).filter((u) => u.id === upload.id)).toEqual([]);
  });
});
