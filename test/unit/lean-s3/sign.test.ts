/**
 * s3kit's header signer against the SDK's (@smithy/signature-v4, configured as the S3
 * client is: paths sent as they are, the payload hash in x-amz-content-sha256), for
 * generated requests with a fixed signing time: the Authorization headers must be equal.
 */
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, HeaderSigner, UNSIGNED_PAYLOAD } from "../../../src/aws/lean-s3/sign.js";
import { encodeKeyPath } from "../../../src/core/presign/uri-encode.js";
import { int, randomKey, seededRandom } from "../presign/random-inputs.js";

class NodeSha256 {
  private readonly hash;
  constructor(secret?: Uint8Array | string) {
    this.hash = secret ? createHmac("sha256", secret) : createHash("sha256");
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const withToken = { ...credentials, sessionToken: "FQoGZXIvYXdzE+token/with=chars" };

async function sdkAuthorization(
  creds: typeof withToken | typeof credentials,
  region: string,
  request: {
    method: string;
    host: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    payloadHash: string;
  },
  date: Date,
): Promise<string> {
  const signer = new SignatureV4({
    credentials: creds,
    region,
    service: "s3",
    sha256: NodeSha256 as never,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "https:",
      hostname: request.host,
      path: request.path,
      query: request.query,
      headers: {
        host: request.host,
        "x-amz-content-sha256": request.payloadHash,
        ...request.headers,
      },
    } as never,
    { signingDate: date },
  );
  return (signed as unknown as { headers: Record<string, string> }).headers.authorization as string;
}

function ours(
  creds: typeof withToken | typeof credentials,
  region: string,
  request: Parameters<typeof sdkAuthorization>[2],
  date: Date,
): { authorization: string; query: string } {
  const headers = Object.entries(request.headers) as Array<[string, string]>;
  const query = new HeaderSigner(creds, region).sign(
    {
      method: request.method,
      host: request.host,
      path: request.path,
      query: Object.entries(request.query),
      headers,
      payloadHash: request.payloadHash,
    },
    date,
  );
  const authorization = headers.find(([name]) => name === "authorization")?.[1] as string;
  return { authorization, query };
}

describe("HeaderSigner", () => {
  const date = new Date("2026-03-04T05:06:07.890Z");

  it("signs a GET with a range and checksum mode as the SDK does", async () => {
    const request = {
      method: "GET",
      host: "my-bucket.s3.eu-west-1.amazonaws.com",
      path: "/reports/2026/q1.pdf",
      query: {},
      headers: { range: "bytes=0-1023", "x-amz-checksum-mode": "ENABLED" },
      payloadHash: EMPTY_SHA256,
    };
    const { authorization } = ours(credentials, "eu-west-1", request, date);
    expect(authorization).toBe(await sdkAuthorization(credentials, "eu-west-1", request, date));
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260304\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;range;x-amz-checksum-mode;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it("signs an UploadPart (query, checksum, session token) as the SDK does", async () => {
    const request = {
      method: "PUT",
      host: "127.0.0.1:9000",
      path: "/bucket/big%20file.bin",
      query: { partNumber: "7", uploadId: "abc/def+ghi==" },
      headers: {
        "content-length": "5242880",
        "x-amz-checksum-crc32": "K8sfHg==",
        "x-amz-sdk-checksum-algorithm": "CRC32",
      },
      payloadHash: UNSIGNED_PAYLOAD,
    };
    const { authorization, query } = ours(withToken, "us-east-1", request, date);
    expect(authorization).toBe(await sdkAuthorization(withToken, "us-east-1", request, date));
    expect(query).toBe("partNumber=7&uploadId=abc%2Fdef%2Bghi%3D%3D");
  });

  it("agrees with the SDK on 300 generated keys, headers and payloads", async () => {
    const r = seededRandom(20261207);
    for (let i = 0; i < 300; i++) {
      const key = randomKey(r);
      const headers: Record<string, string> = {};
      if (r() < 0.5)
        headers["content-type"] = ["text/plain", "image/png", "a/b; charset=utf-8"][
          int(r, 0, 2)
        ] as string;
      if (r() < 0.5) headers["x-amz-meta-owner"] = `  spaced   value ${i} `;
      if (r() < 0.3) headers["cache-control"] = "public, max-age=60";
      if (r() < 0.5) headers.range = `bytes=${int(r, 0, 100)}-${int(r, 101, 10_000)}`;
      const method = r() < 0.5 ? "GET" : "PUT";
      const request = {
        method,
        host: r() < 0.5 ? "bucket.s3.us-west-2.amazonaws.com" : "localhost:4566",
        path: `/bucket/${encodeKeyPath(key)}`,
        query: (r() < 0.3
          ? { partNumber: String(int(r, 1, 10_000)), uploadId: `id-${i}~x` }
          : {}) as Record<string, string>,
        headers,
        payloadHash:
          method === "GET"
            ? EMPTY_SHA256
            : r() < 0.5
              ? UNSIGNED_PAYLOAD
              : createHash("sha256").update(`body ${i}`).digest("hex"),
      };
      const creds = r() < 0.5 ? withToken : credentials;
      const expected = await sdkAuthorization(creds, "us-west-2", request, date);
      expect(ours(creds, "us-west-2", request, date).authorization, `case ${i}: ${key}`).toBe(
        expected,
      );
    }
  });
});
