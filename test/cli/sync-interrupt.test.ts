import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoEnv } from "../support/cli.js";
import {
  createBucket,
  directS3,
  finished,
  randomFile,
  removeDir,
  sha256,
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

beforeAll(async () => {
  bucket = await createBucket(s3, "s3kit-sync-sigint");
  dir = tempDir("s3kit-sync-sigint-");
  // A slow network (2 MiB/s per connection), so there is time to press Ctrl-C mid-transfer.
  slow = await startProxy({
    target: motoEnv().AWS_ENDPOINT_URL as string,
    bytesPerSecond: 2 * MiB,
  });
});
afterAll(async () => {
  await slow.close();
  removeDir(dir);
});

async function openUploads(): Promise<{ key: string; id: string }[]> {
  const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => ({ key: u.Key as string, id: u.UploadId as string }));
}

async function exists(key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

/** Waits until a multipart upload of `key` is open with a part in it. */
async function partUploaded(key: string): Promise<void> {
  const upload = await waitFor(async () => {
    const found = (await openUploads()).find((u) => u.key === key);
    return found ?? false;
  }, `the multipart upload of ${key}`);
  await waitFor(async () => {
    const parts = await s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.id }),
    );
    return (parts.Parts?.length ?? 0) > 0;
  }, "a first part");
}

function partials(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true })
      .map(String)
      .filter((f) => f.includes(".s3kit-"));
  } catch {
    return [];
  }
}

describe("Ctrl-C during sync", () => {
  it("up, with --delete: aborts the open multipart upload, deletes nothing, exits 130", async () => {
    const site = join(dir, "up");
    randomFile(tempDirIn(site), "big.bin", 40 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "up/extra.txt", Body: "extra" }));
    const child = spawnCli(
      ["sync", site, `s3://${bucket}/up/`, "--delete", "--part-size", "5MiB", "--concurrency", "2"],
      { endpoint: slow.endpoint },
    );
    const done = finished(child);
    await partUploaded("up/big.bin");
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      "interrupted; aborted 1 multipart upload; nothing more was deleted.",
    );
    expect(await openUploads()).toEqual([]);
    expect(await exists("up/big.bin")).toBe(false);
    // Deletions come after every transfer: the extra key is still there.
    expect(await exists("up/extra.txt")).toBe(true);
  });

  it("down: removes the partial file and exits 130; the next run completes it", async () => {
    const source = randomFile(dir, "down-source.bin", 24 * MiB);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "down/big.bin", Body: readFileSync(source) }),
    );
    const target = join(dir, "down");
    const child = spawnCli(["sync", `s3://${bucket}/down/`, target, "--concurrency", "2"], {
      endpoint: slow.endpoint,
    });
    const done = finished(child);
    await waitFor(() => partials(target).length > 0, "the partial download file");
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(partials(target)).toEqual([]);
    expect(readdirSync(target)).toEqual([]);
    const again = await finished(spawnCli(["sync", `s3://${bucket}/down/`, target]));
    expect(again.code, again.stderr).toBe(0);
    expect(sha256(join(target, "big.bin"))).toBe(sha256(source));
  });
});

describe("Ctrl-C during mv never loses a file", () => {
  it("up: the file stays, no upload is left open, nothing is created", async () => {
    const file = randomFile(dir, "moving.bin", 40 * MiB);
    const before = sha256(file);
    const child = spawnCli(
      ["mv", file, `s3://${bucket}/mv/moving.bin`, "--part-size", "5MiB", "--concurrency", "2"],
      { endpoint: slow.endpoint },
    );
    const done = finished(child);
    await partUploaded("mv/moving.bin");
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("Every file not moved is still in the source.");
    expect(sha256(file)).toBe(before);
    expect(await openUploads()).toEqual([]);
    expect(await exists("mv/moving.bin")).toBe(false);
  });

  it("down, several files: each one is in the source or (whole) in the destination", async () => {
    const names = ["a", "b", "c", "d"];
    for (const name of names) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `many/${name}.bin`,
          Body: Buffer.alloc(3 * MiB, name.charCodeAt(0)),
        }),
      );
    }
    const target = join(dir, "many");
    const child = spawnCli(
      ["mv", `s3://${bucket}/many/`, target, "--recursive", "--concurrency", "2"],
      { endpoint: slow.endpoint },
    );
    const done = finished(child);
    await waitFor(() => partials(target).length > 0, "a partial download");
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(partials(target)).toEqual([]);
    let moved = 0;
    for (const name of names) {
      const local = join(target, `${name}.bin`);
      const inTarget = (() => {
        try {
          return statSync(local).size === 3 * MiB;
        } catch {
          return false;
        }
      })();
      const inSource = await exists(`many/${name}.bin`);
      expect(inTarget || inSource, `${name}.bin is somewhere`).toBe(true);
      if (inTarget) {
        expect(readFileSync(local).every((b) => b === name.charCodeAt(0))).toBe(true);
        if (!inSource) moved++;
      }
    }
    expect(moved).toBeLessThan(names.length);
  });
});

function tempDirIn(folder: string): string {
  mkdirSync(folder, { recursive: true });
  return folder;
}
