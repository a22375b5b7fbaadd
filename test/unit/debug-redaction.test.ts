import { describe, expect, it } from "vitest";
import { redactInput, redactUrl } from "../../src/aws/debug.js";

describe("--debug redaction", () => {
  it("hides secrets and bodies in operation input", () => {
    const input = {
      Bucket: "b",
      Key: "k",
      Body: Buffer.from("data"),
      SecretAccessKey: "wJalrXUtnFEMI",
      SessionToken: "FwoGZXIvYXdz",
      PolicyDocument: "{}",
      Nested: { Password: "p", Keep: "ok" },
    };
    expect(redactInput(input)).toEqual({
      Bucket: "b",
      Key: "k",
      Body: "<body>",
      SecretAccessKey: "<redacted>",
      SessionToken: "<redacted>",
      PolicyDocument: "{}",
      Nested: { Password: "<redacted>", Keep: "ok" },
    });
  });

  it("hides signatures, credentials and tokens in URLs", () => {
    const url =
      "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101&X-Amz-Signature=abc123&X-Amz-Security-Token=tok";
    const redacted = redactUrl(url);
    expect(redacted).not.toMatch(/abc123|AKIA|tok(?!en)/);
    expect(redacted).toContain("X-Amz-Algorithm=AWS4-HMAC-SHA256");
  });
});
