/**
 * The signer against the SigV4 specification itself, independently of the SDK:
 * the signing-key example from AWS's documentation, and a canonical request
 * written out by hand.
 */
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveSigningKey, SigningKeyCache } from "../../../src/core/presign/signing-key.js";
import { canonicalHeaderValue, SigV4QuerySigner } from "../../../src/core/presign/sigv4-query.js";

describe("SigV4 signing key", () => {
  it("matches the derivation example in AWS's SigV4 documentation", () => {
    const key = deriveSigningKey(
      "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      "20120215",
      "us-east-1",
      "iam",
    );
    expect(key.toString("hex")).toBe(
      "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d",
    );
  });

  it("is derived once per day and region", () => {
    const cache = new SigningKeyCache("secret");
    const a = cache.get("20260102", "us-east-1");
    expect(cache.get("20260102", "us-east-1")).toBe(a);
    expect(cache.derivations).toBe(1);
    expect(cache.get("20260103", "us-east-1")).not.toEqual(a);
    expect(cache.get("20260102", "eu-west-1")).not.toEqual(a);
    expect(cache.derivations).toBe(3);
  });
});

describe("SigV4QuerySigner", () => {
  const credentials = {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  };
  const date = new Date("2013-05-24T00:00:00Z");

  it("signs the canonical request the specification describes", () => {
    const signer = new SigV4QuerySigner({ ...credentials, sessionToken: "tok/en=" }, "us-east-1");
    const result = signer.presign(
      {
        method: "PUT",
        host: "examplebucket.s3.amazonaws.com",
        path: "/photos/a%20b.jpg",
        query: [
          ["x-amz-meta-owner", "alice smith"],
          ["versionId", "v+1"],
        ],
        headers: [
          ["x-amz-server-side-encryption", "AES256"],
          ["content-type", "  image/jpeg  "],
        ],
        expiresIn: 86400,
      },
      date,
    );
    const credential = "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request";
    const canonicalQuery = [
      "X-Amz-Algorithm=AWS4-HMAC-SHA256",
      "X-Amz-Content-Sha256=UNSIGNED-PAYLOAD",
      `X-Amz-Credential=${credential}`,
      "X-Amz-Date=20130524T000000Z",
      "X-Amz-Expires=86400",
      "X-Amz-Security-Token=tok%2Fen%3D",
      "X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-server-side-encryption",
      "versionId=v%2B1",
      "x-amz-meta-owner=alice%20smith",
    ].join("&");
    const canonicalRequest = [
      "PUT",
      "/photos/a%20b.jpg",
      canonicalQuery,
      "content-type:image/jpeg",
      "host:examplebucket.s3.amazonaws.com",
      "x-amz-server-side-encryption:AES256",
      "",
      "content-type;host;x-amz-server-side-encryption",
      "UNSIGNED-PAYLOAD",
    ].join("\n");
    const stringToSign = [
      "AWS4-HMAC-SHA256",
      "20130524T000000Z",
      "20130524/us-east-1/s3/aws4_request",
      createHash("sha256").update(canonicalRequest).digest("hex"),
    ].join("\n");
    const key = deriveSigningKey(credentials.secretAccessKey, "20130524", "us-east-1", "s3");
    const signature = createHmac("sha256", key).update(stringToSign).digest("hex");

    expect(result.signature).toBe(signature);
    expect(result.signedHeaders).toBe("content-type;host;x-amz-server-side-encryption");
    expect(result.longDate).toBe("20130524T000000Z");
    // The URL puts X-Amz-Signature in its sorted place, before X-Amz-SignedHeaders.
    expect(result.queryString).toBe(
      canonicalQuery.replace(
        "&X-Amz-SignedHeaders",
        `&X-Amz-Signature=${signature}&X-Amz-SignedHeaders`,
      ),
    );
  });

  it("sorts the canonical query by encoded name and the URL's by raw name, as the SDK does", () => {
    // "-" sorts before "^", but "%5E" (the encoded "^") sorts before "-".
    const signer = new SigV4QuerySigner(credentials, "us-east-1");
    const request = {
      method: "GET",
      host: "h",
      path: "/k",
      query: [
        ["x-a^", "2"],
        ["x-a-", "1"],
      ] as Array<[string, string]>,
      expiresIn: 60,
    };
    const result = signer.presign(request, date);
    expect(result.queryString).toMatch(/&x-a-=1&x-a%5E=2$/);
    const amz =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD" +
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host";
    const canonicalRequest = `GET\n/k\n${amz}&x-a%5E=2&x-a-=1\nhost:h\n\nhost\nUNSIGNED-PAYLOAD`;
    const stringToSign = `AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
    const key = deriveSigningKey(credentials.secretAccessKey, "20130524", "us-east-1", "s3");
    expect(result.signature).toBe(createHmac("sha256", key).update(stringToSign).digest("hex"));
  });

  it("derives the key once for a batch signed at one instant", () => {
    const signer = new SigV4QuerySigner(credentials, "us-east-1");
    for (let i = 0; i < 1000; i++) {
      signer.presign({ method: "GET", host: "h", path: `/k${i}`, expiresIn: 900 }, date);
    }
    expect(signer.keyDerivations).toBe(1);
    signer.presign(
      { method: "GET", host: "h", path: "/k", expiresIn: 900 },
      new Date("2013-05-25T00:00:00Z"),
    );
    expect(signer.keyDerivations).toBe(2);
  });

  it("refuses query parameters that would sort among the X-Amz-* ones", () => {
    const signer = new SigV4QuerySigner(credentials, "us-east-1");
    expect(() =>
      signer.presign(
        { method: "GET", host: "h", path: "/k", query: [["X-Amz-Foo", "1"]], expiresIn: 1 },
        date,
      ),
    ).toThrow(/lowercase letter/);
  });

  it.each([
    ["text/plain", "text/plain"],
    ["  text/plain  ", "text/plain"],
    ["a  \t b", "a b"],
    ["a\r\nb", "a b"],
  ])("canonicalises header value %j as %j", (value, canonical) => {
    expect(canonicalHeaderValue(value)).toBe(canonical);
  });
});
