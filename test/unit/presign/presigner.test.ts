import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it, vi } from "vitest";
import { PresignInputError } from "../../../src/core/presign/errors.js";
import { createPresigner } from "../../../src/core/presign/presigner.js";
import { presignWithSdk } from "../../../src/core/presign/sdk-presigner.js";
import type { PresignerConfig } from "../../../src/core/presign/types.js";
import { randomGetOptions, randomKey, randomPutOptions, seededRandom } from "./random-inputs.js";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const signingDate = new Date("2026-01-02T03:04:05.678Z");
const base: PresignerConfig = { credentials, region: "us-east-1", signingDate };
const SHA256_EMPTY = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/** Query parameter names a clean URL must not carry unless the caller asked for them. */
const UNWANTED =
  /^(x-id|x-amz-checksum-.*|x-amz-sdk-checksum-algorithm|x-amz-user-agent|x-amz-trailer|amz-sdk-.*)$/i;

function queryNames(url: string): string[] {
  return [...new URL(url).searchParams.keys()];
}

describe("clean URLs", () => {
  const r = seededRandom(7);
  const presigner = createPresigner(base);

  it.each(Array.from({ length: 50 }, (_, i) => i))(
    "GET and PUT #%i carry no x-id or checksum parameters",
    async () => {
      const key = randomKey(r);
      const get = await presigner.get("my-bucket", key, randomGetOptions(r));
      const put = await presigner.put("my-bucket", key, randomPutOptions(r));
      expect(queryNames(get.url).filter((n) => UNWANTED.test(n))).toEqual([]);
      expect(queryNames(put.url).filter((n) => UNWANTED.test(n))).toEqual([]);
    },
  );

  it("differs from the SDK's defaults exactly by those parameters", async () => {
    // Why the reference client is configured the way it is: left to its defaults the
    // SDK adds x-id and checksum parameters, and a CRC32 of the empty body to PUTs.
    const sdk = new S3Client({ region: "us-east-1", credentials });
    const defaultGet = await getSignedUrl(
      sdk,
      new GetObjectCommand({ Bucket: "my-bucket", Key: "k" }),
      { signingDate },
    );
    const defaultPut = await getSignedUrl(
      sdk,
      new PutObjectCommand({ Bucket: "my-bucket", Key: "k" }),
      { signingDate },
    );
    expect(
      queryNames(defaultGet).filter((n) => UNWANTED.test(n) || n === "x-amz-checksum-mode"),
    ).toEqual(["x-amz-checksum-mode", "x-id"]);
    expect(new URL(defaultPut).searchParams.get("x-amz-checksum-crc32")).toBe("AAAAAA==");
    expect(queryNames(defaultPut)).toContain("x-amz-sdk-checksum-algorithm");

    const get = await presigner.get("my-bucket", "k");
    const put = await presigner.put("my-bucket", "k");
    const strip = (url: string): string[] =>
      queryNames(url).filter(
        (n) => !UNWANTED.test(n) && n !== "x-amz-checksum-mode" && n !== "X-Amz-Signature",
      );
    expect(queryNames(get.url).filter((n) => n !== "X-Amz-Signature")).toEqual(strip(defaultGet));
    expect(queryNames(put.url).filter((n) => n !== "X-Amz-Signature")).toEqual(strip(defaultPut));
  });

  it("keeps a requested SHA-256 checksum as a signed header, not a query parameter", async () => {
    const put = await presigner.put("my-bucket", "k", { checksumSha256: SHA256_EMPTY });
    const url = new URL(put.url);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-amz-checksum-sha256");
    expect(queryNames(put.url).filter((n) => /checksum/i.test(n))).toEqual([]);
    expect(put.headers).toEqual({ "x-amz-checksum-sha256": SHA256_EMPTY });
  });
});

describe("createPresigner", () => {
  it("returns the URL, method, headers to send and expiry", async () => {
    const presigner = createPresigner(base);
    const put = await presigner.put("my-bucket", "reports/q1 2026.pdf", {
      expiresIn: 3600,
      contentType: "application/pdf",
      contentLength: 1234,
      metadata: { Owner: "alice" },
      sse: "aws:kms",
      sseKmsKeyId: "alias/uploads",
    });
    expect(put.method).toBe("PUT");
    expect(put.expiresAt).toBe("2026-01-02T04:04:05.000Z"); // X-Amz-Date is truncated to the second
    expect(put.headers).toEqual({
      "content-type": "application/pdf",
      "content-length": "1234",
      "x-amz-meta-owner": "alice",
      "x-amz-server-side-encryption": "aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id": "alias/uploads",
    });
    const url = new URL(put.url);
    expect(url.origin + url.pathname).toBe(
      "https://my-bucket.s3.us-east-1.amazonaws.com/reports/q1%202026.pdf",
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe(
      "content-length;content-type;host;x-amz-meta-owner;x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id",
    );
    // Metadata is a signed header, not a query parameter: see request-spec.ts.
    expect(url.searchParams.has("x-amz-meta-owner")).toBe(false);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("3600");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20260102T030405Z");

    const get = await presigner.get("my-bucket", "reports/q1 2026.pdf", {
      versionId: "v1",
      responseContentDisposition: 'attachment; filename="q1.pdf"',
    });
    expect(get).toMatchObject({
      method: "GET",
      headers: {},
      expiresAt: "2026-01-02T03:19:05.000Z",
    });
    expect(new URL(get.url).searchParams.get("response-content-disposition")).toBe(
      'attachment; filename="q1.pdf"',
    );
  });

  it("uses the current time when no signing date is fixed", async () => {
    const presigner = createPresigner({ credentials, region: "eu-west-1" });
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { expiresAt } = await presigner.get("b-1", "k", { expiresIn: 60 });
    const after = Date.now();
    expect(Date.parse(expiresAt)).toBeGreaterThanOrEqual(before + 60_000);
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(after + 60_000);
  });

  it("derives the signing key once for a batch", () => {
    const presigner = createPresigner(base);
    for (let i = 0; i < 5000; i++) presigner.signLocally("GET", "my-bucket", `file-${i}.txt`);
    expect(presigner.keyDerivations).toBe(1);
  });

  it("uses path style for dotted buckets on an IP endpoint, where the SDK builds an invalid host", async () => {
    const config = { ...base, endpoint: "http://127.0.0.1:9000" };
    const { url } = await createPresigner(config).get("logs.example.com", "k");
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:9000\/logs\.example\.com\/k\?/);
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {}); // the SDK logs before throwing
    await expect(
      presignWithSdk(config, "GET", "logs.example.com", "k", {}, signingDate),
    ).rejects.toThrow(/Invalid URL/);
    quiet.mockRestore();
  });

  it.each([
    ["https://minio.example.com:9000", "my-bucket", "https://my-bucket.minio.example.com:9000/k"],
    ["http://localhost:9000", "logs.example.com", "http://logs.example.com.localhost:9000/k"],
    ["https://localhost:9000", "logs.example.com", "https://localhost:9000/logs.example.com/k"],
    ["http://[::1]:9000", "my-bucket", "http://[::1]:9000/my-bucket/k"],
    ["https://s3.example.com:443/base", "my-bucket", "https://my-bucket.s3.example.com/base/k"],
    [undefined, "My_Bucket", "https://s3.us-east-1.amazonaws.com/My_Bucket/k"],
  ])("endpoint %s, bucket %s → %s", async (endpoint, bucket, expected) => {
    const { url } = await createPresigner({ ...base, endpoint }).get(bucket, "k");
    expect(url.split("?")[0]).toBe(expected);
  });

  it("turns the SDK's refusal of an endpoint combination into an input error", async () => {
    const presigner = createPresigner({
      ...base,
      region: "us-east-1-fips",
      endpoint: "https://s3.example.com",
    });
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(presigner.get("my-bucket", "k")).rejects.toMatchObject({
      name: "PresignInputError",
      code: "InvalidEndpoint",
      exitCode: 2,
      message: expect.stringContaining("A custom endpoint cannot be combined with FIPS"),
    });
    quiet.mockRestore();
  });

  it("leaves ARNs to the SDK, still without x-id or checksum parameters", async () => {
    const presigner = createPresigner(base);
    const bucket = "arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap";
    expect(presigner.signLocally("GET", bucket, "k")).toBeUndefined();
    const get = await presigner.get(bucket, "k");
    expect(get.url).toMatch(
      /^https:\/\/my-ap-123456789012\.s3-accesspoint\.us-east-1\.amazonaws\.com\/k\?/,
    );
    expect(
      queryNames(get.url).filter((n) => UNWANTED.test(n) || n === "x-amz-checksum-mode"),
    ).toEqual([]);
    const put = await presigner.put(bucket, "k", { contentType: "text/plain" });
    expect(new URL(put.url).searchParams.get("X-Amz-SignedHeaders")).toBe("content-type;host");
    expect(put.headers).toEqual({ "content-type": "text/plain" });
  });

  it("leaves the aws-global pseudo-region to the SDK", async () => {
    const presigner = createPresigner({ ...base, region: "aws-global" });
    expect(presigner.signLocally("GET", "my-bucket", "k")).toBeUndefined();
    expect((await presigner.get("my-bucket", "k")).url).toMatch(
      /^https:\/\/my-bucket\.s3\.amazonaws\.com\/k\?/,
    );
  });
});

describe("input errors", () => {
  const presigner = createPresigner(base);
  const refuses = async (promise: Promise<unknown>, code: string): Promise<void> => {
    await expect(promise).rejects.toBeInstanceOf(PresignInputError);
    await expect(promise).rejects.toMatchObject({ code, hint: expect.any(String) });
  };

  it("refuses bad configuration", () => {
    expect(() => createPresigner({ ...base, region: "us_east_1" })).toThrow(
      expect.objectContaining({ code: "InvalidRegion" }),
    );
    expect(() => createPresigner({ ...base, region: "US-EAST-1" })).toThrow(/not a valid region/);
    expect(() => createPresigner({ ...base, region: "" })).toThrow(/not a valid region/);
    for (const endpoint of [
      "localhost:9000",
      "ftp://host",
      "http://h:9000/?x=1",
      "http://u:p@h",
      "not a url",
      "http://127.0.0.1:9000\r\n",
      "http://exa\nmple.com",
      "\u0001http://h",
    ]) {
      expect(() => createPresigner({ ...base, endpoint }), endpoint).toThrow(
        expect.objectContaining({ code: "InvalidEndpoint" }),
      );
    }
    expect(() =>
      createPresigner({ ...base, credentials: { accessKeyId: "", secretAccessKey: "x" } }),
    ).toThrow(/access key id/);
  });

  it("refuses bad locations", async () => {
    await refuses(presigner.get("my-bucket", ""), "MissingKey");
    await refuses(presigner.get("", "k"), "InvalidBucketName");
    await refuses(presigner.get("a/b", "k"), "InvalidBucketName");
    // The key rules are S3's, shared by every command: a usage error like the others.
    await expect(presigner.get("my-bucket", "bad\uDC00")).rejects.toMatchObject({
      code: "InvalidKey",
      exitCode: 2,
      hint: expect.any(String),
    });
    await expect(presigner.get("my-bucket", "k".repeat(1025))).rejects.toMatchObject({
      code: "InvalidKey",
    });
  });

  it("refuses bad options", async () => {
    await refuses(presigner.get("b", "k", { expiresIn: 0 }), "InvalidDuration");
    await refuses(presigner.get("b", "k", { expiresIn: 1.5 }), "InvalidDuration");
    await refuses(presigner.get("b", "k", { expiresIn: 604_801 }), "ExpiresTooLong");
    await refuses(
      presigner.put("b", "k", { contentType: "text/plain\r\nx-evil: 1" }),
      "InvalidOption",
    );
    await refuses(presigner.put("b", "k", { contentType: "" }), "InvalidOption");
    await refuses(presigner.put("b", "k", { contentLength: -1 }), "InvalidOption");
    await refuses(presigner.put("b", "k", { contentLength: 5 * 1024 ** 3 + 1 }), "InvalidOption");
    await refuses(
      presigner.put("b", "k", { metadata: { Owner: "a", owner: "b" } }),
      "InvalidOption",
    );
    await refuses(presigner.put("b", "k", { metadata: { "bad name": "x" } }), "InvalidOption");
    await refuses(
      presigner.put("b", "k", { metadata: { big: "x".repeat(2048) } }),
      "InvalidOption",
    );
    await refuses(presigner.put("b", "k", { checksumSha256: "not-base64" }), "InvalidOption");
    await refuses(presigner.put("b", "k", { sseKmsKeyId: "alias/x" }), "InvalidOption");
    await refuses(presigner.put("b", "k", { sse: "aws:kms:dsse" as "aws:kms" }), "InvalidOption");
    await refuses(presigner.get("b", "k", { versionId: "\uD800" }), "InvalidOption");
  });
});
