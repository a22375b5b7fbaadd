// Presigned URLs from the built binary, used against MinIO, which verifies SigV4 signatures,
// expiry and POST policies, the server teams run locally and in CI.
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { runAgainstMinio } from "../support/cli.js";
import { minioBucket, minioS3 } from "../support/minio.js";

const s3 = minioS3();
let bucket: string;

beforeAll(async () => {
  bucket = await minioBucket("minio-presign");
});

async function sign(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runAgainstMinio(["presign", ...args]);
  expect(stderr, `stderr of presign ${args.join(" ")}`).not.toMatch(/error/i);
  expect(code).toBe(0);
  return stdout.trim();
}

function tamper(url: string): string {
  const signature = new URL(url).searchParams.get("X-Amz-Signature") as string;
  const last = signature.at(-1) === "0" ? "1" : "0";
  return url.replace(signature, `${signature.slice(0, -1)}${last}`);
}

describe("presign on MinIO", () => {
  it("put: uploads with the signed content type; another type or a changed signature is refused", async () => {
    const url = await sign(["put", `s3://${bucket}/put/hello.txt`, "--content-type", "text/plain"]);
    expect(url).not.toMatch(/x-id=|checksum/i);
    const ok = await fetch(url, {
      method: "PUT",
      body: "hello, MinIO",
      headers: { "Content-Type": "text/plain" },
    });
    expect(ok.status).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "put/hello.txt" }));
    expect(head.ContentType).toBe("text/plain");

    const wrongType = await fetch(url, {
      method: "PUT",
      body: "<html>",
      headers: { "Content-Type": "text/html" },
    });
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain("SignatureDoesNotMatch");

    const forged = await fetch(tamper(url), {
      method: "PUT",
      body: "x",
      headers: { "Content-Type": "text/plain" },
    });
    expect(forged.status).toBe(403);
  });

  it("get: downloads the object until the URL expires", async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "get/report.txt", Body: "quarterly numbers" }),
    );
    const url = await sign(["get", `s3://${bucket}/get/report.txt`, "--expires", "1"]);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("quarterly numbers");
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const late = await fetch(url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain("expired");
  });

  it("post: a browser form upload within the policy works; a bigger file or another prefix does not", async () => {
    const post = JSON.parse(
      await sign([
        "post",
        `s3://${bucket}/avatars/`,
        "--max-size",
        "1KB",
        "--content-type-prefix",
        "image/",
        "--json",
      ]),
    );
    const send = (key: string, size: number, type = "image/png") => {
      const data = new FormData();
      for (const [name, value] of Object.entries({
        ...post.fields,
        key,
        "Content-Type": type,
      }))
        data.append(name, value as string);
      data.append("file", new Blob([new Uint8Array(size)]), "picture.png");
      return fetch(post.url, { method: "POST", body: data });
    };
    expect((await send("avatars/1.png", 600)).status).toBe(204);
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "avatars/1.png" }))).ContentType,
    ).toBe("image/png");
    // 1KB is 1,024 bytes, as in the AWS CLI.
    expect((await send("avatars/2.png", 1025)).status).toBe(400);
    expect((await send("avatars/5.png", 1024)).status).toBe(204);
    expect((await send("elsewhere/3.png", 600)).status).toBe(403);
    expect((await send("avatars/4.png", 600, "text/html")).status).toBe(403);
  });

  it("post --max-size 1MB means 1 MiB: a 1 MiB file uploads, one byte more is refused", async () => {
    const post = JSON.parse(
      await sign(["post", `s3://${bucket}/mib/`, "--max-size", "1MB", "--json"]),
    );
    const send = (key: string, size: number) => {
      const data = new FormData();
      for (const [name, value] of Object.entries({ ...post.fields, key }))
        data.append(name, value as string);
      data.append("file", new Blob([new Uint8Array(size)]), "data.bin");
      return fetch(post.url, { method: "POST", body: data });
    };
    expect((await send("mib/exact.bin", 1024 * 1024)).status).toBe(204);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "mib/exact.bin" }));
    expect(head.ContentLength).toBe(1024 * 1024);
    const over = await send("mib/over.bin", 1024 * 1024 + 1);
    expect(over.status).toBe(400);
    expect(await over.text()).toContain("EntityTooLarge");
  });
});
