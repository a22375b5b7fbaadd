import { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PresignInputError } from "../../../src/core/presign/errors.js";
import {
  FILENAME_PLACEHOLDER,
  type PresignPostOptions,
  presignPost,
} from "../../../src/core/presign/post.js";
import type { PresignerConfig } from "../../../src/core/presign/types.js";
import { parseSize } from "../../../src/core/s3/size.js";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "FwoGZXIvYXdzEJr//////////wEaDHVzLWVhc3QtMSJHMEUCIQD+6/ab==",
};
const signingDate = new Date("2026-01-02T03:04:05.678Z");
const config: PresignerConfig = { credentials, region: "eu-west-1", signingDate };

function decodePolicy(policy: string | undefined): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(policy ?? "", "base64").toString("utf8"));
}

describe("presignPost", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("puts every requested condition in the policy", () => {
    const post = presignPost(config, {
      bucket: "my-uploads",
      key: "avatars/",
      expiresIn: 600,
      maxSize: parseSize("10MB", "--max-size"),
      contentTypePrefix: "image/",
      metadata: { Owner: "alice" },
      sse: "AES256",
    });
    expect(post.url).toBe("https://my-uploads.s3.eu-west-1.amazonaws.com/");
    expect(post.expiresAt).toBe("2026-01-02T03:14:05Z");
    const policy = decodePolicy(post.fields.Policy);
    expect(policy.expiration).toBe("2026-01-02T03:14:05Z");
    expect(policy.conditions).toEqual([
      ["content-length-range", 0, 10 * 1024 * 1024],
      ["starts-with", "$Content-Type", "image/"],
      { "x-amz-server-side-encryption": "AES256" },
      { "x-amz-meta-owner": "alice" },
      { bucket: "my-uploads" },
      { "X-Amz-Algorithm": "AWS4-HMAC-SHA256" },
      { "X-Amz-Credential": "AKIDEXAMPLE/20260102/eu-west-1/s3/aws4_request" },
      { "X-Amz-Date": "20260102T030405Z" },
      { "X-Amz-Security-Token": credentials.sessionToken },
      ["starts-with", "$key", "avatars/"],
    ]);
    expect(post.conditions).toEqual(policy.conditions);
    expect(post.fields.key).toBe(`avatars/${FILENAME_PLACEHOLDER}`);
    expect(Object.keys(post.fields)).toEqual([
      "x-amz-server-side-encryption",
      "x-amz-meta-owner",
      "bucket",
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Date",
      "X-Amz-Security-Token",
      "key",
      "Policy",
      "X-Amz-Signature",
    ]);
    expect(post.fields["X-Amz-Signature"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("pins an exact key and an exact Content-Type", () => {
    const post = presignPost(config, {
      bucket: "b-1",
      key: "docs/report.pdf",
      contentType: "application/pdf",
    });
    const { conditions } = decodePolicy(post.fields.Policy);
    expect(conditions).toContainEqual({ key: "docs/report.pdf" });
    expect(conditions).toContainEqual({ "Content-Type": "application/pdf" });
    expect(conditions.some((c) => Array.isArray(c) && c[0] === "content-length-range")).toBe(false);
    expect(post.fields.key).toBe("docs/report.pdf");
    expect(post.fields["Content-Type"]).toBe("application/pdf");
  });

  it("lets the browser name the file anywhere in the bucket for an empty prefix", () => {
    const post = presignPost(config, { bucket: "b-1", key: "" });
    expect(post.fields.key).toBe(FILENAME_PLACEHOLDER);
    expect(decodePolicy(post.fields.Policy).conditions).toContainEqual(["starts-with", "$key", ""]);
  });

  it.each([
    ["http://127.0.0.1:9000", false, "http://127.0.0.1:9000/my-uploads"],
    ["http://localhost:9000", false, "http://my-uploads.localhost:9000/"],
    [undefined, true, "https://s3.eu-west-1.amazonaws.com/my-uploads"],
  ])("posts to the bucket URL (endpoint %s, path style %s)", (endpoint, forcePathStyle, url) => {
    expect(
      presignPost({ ...config, endpoint, forcePathStyle }, { bucket: "my-uploads", key: "k" }).url,
    ).toBe(url);
  });

  const sdkCases: Array<[string, PresignPostOptions]> = [
    ["exact key", { bucket: "my-uploads", key: "a/b c.txt" }],
    [
      "prefix, size, type prefix",
      { bucket: "my-uploads", key: "in/", maxSize: 5 * 1024 ** 2, contentTypePrefix: "image/" },
    ],
    [
      "exact type, metadata, SSE, status",
      {
        bucket: "logs.example.com",
        key: "x",
        expiresIn: 3600,
        contentType: "text/plain",
        metadata: { a: "1" },
        sse: "aws:kms",
        sseKmsKeyId: "alias/k",
        successActionStatus: 201,
      },
    ],
  ];

  it.each(sdkCases)("matches @aws-sdk/s3-presigned-post (%s)", async (_, options) => {
    vi.useFakeTimers({ toFake: ["Date"], now: signingDate });
    const mine = presignPost(config, options);
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(mine.fields)) {
      if (
        ["bucket", "key", "Policy", "X-Amz-Signature"].includes(name) ||
        name.startsWith("X-Amz-")
      )
        continue;
      fields[name] = value;
    }
    const keyIsPrefix = options.key === "" || options.key.endsWith("/");
    const sdk = await createPresignedPost(
      new S3Client({ region: config.region, credentials }) as unknown as Parameters<
        typeof createPresignedPost
      >[0],
      {
        Bucket: options.bucket,
        Key: keyIsPrefix ? `${options.key}${FILENAME_PLACEHOLDER}` : options.key,
        Conditions: mine.conditions.filter(Array.isArray).filter((c) => c[1] !== "$key") as never,
        Fields: fields,
        Expires: options.expiresIn ?? 900,
      },
    );
    expect(mine.url).toBe(sdk.url);
    expect(mine.fields).toEqual(sdk.fields);
    expect(Object.keys(mine.fields)).toEqual(Object.keys(sdk.fields));
  });

  it.each<[string, PresignPostOptions, string]>([
    ["size over 5 GiB", { bucket: "b-1", key: "k", maxSize: 5 * 1024 ** 3 + 1 }, "InvalidSize"],
    ["min above max", { bucket: "b-1", key: "k", minSize: 10, maxSize: 5 }, "InvalidSize"],
    [
      "type and prefix",
      { bucket: "b-1", key: "k", contentType: "a/b", contentTypePrefix: "a/" },
      "InvalidOption",
    ],
    ["expiry over 7 days", { bucket: "b-1", key: "k", expiresIn: 604_801 }, "ExpiresTooLong"],
    ["metadata name", { bucket: "b-1", key: "k", metadata: { "a b": "x" } }, "InvalidOption"],
    ["KMS key without SSE", { bucket: "b-1", key: "k", sseKmsKeyId: "alias/k" }, "InvalidOption"],
    [
      "access point ARN",
      { bucket: "arn:aws:s3:us-east-1:123456789012:accesspoint/ap", key: "k" },
      "InvalidBucketName",
    ],
    [
      "line break in type",
      { bucket: "b-1", key: "k", contentType: "text/plain\r\nx: y" },
      "InvalidOption",
    ],
  ])("refuses %s", (_, options, code) => {
    expect(() => presignPost(config, options)).toThrow(PresignInputError);
    expect(() => presignPost(config, options)).toThrow(expect.objectContaining({ code }));
  });
});
