import { describe, expect, it } from "vitest";
import { nameCovers, parseCdnFlags, uncoveredDomains } from "../../../src/core/cdn/spec.js";
import { ExitCode } from "../../../src/core/errors.js";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab";

function usage(flags: Parameters<typeof parseCdnFlags>[0]): { code: string; message: string } {
  try {
    parseCdnFlags(flags, "eu-west-1");
  } catch (err) {
    const e = err as { exitCode: number; code: string; message: string };
    expect(e.exitCode).toBe(ExitCode.usage);
    return e;
  }
  throw new Error("expected a usage error");
}

describe("cdn create flags", () => {
  it("takes a bucket alone: whole bucket, no custom domain, price class left to CloudFront", () => {
    expect(parseCdnFlags({ bucket: "my-assets" }, "eu-west-1")).toEqual({
      bucket: "my-assets",
      region: "eu-west-1",
      prefix: "",
      domains: [],
    });
  });

  it("rejects an invalid bucket name before anything else", () => {
    expect(usage({ bucket: "Bad_Bucket" }).message).toContain("Invalid bucket name");
  });

  it("needs a prefix that ends with a slash and has no wildcard or leading slash", () => {
    expect(parseCdnFlags({ bucket: "b-assets", prefix: "images/" }, "us-east-1").prefix).toBe(
      "images/",
    );
    expect(usage({ bucket: "b-assets", prefix: "images" }).message).toContain(
      'would also let CloudFront read "images-private/…"',
    );
    expect(usage({ bucket: "b-assets", prefix: "/images/" }).message).toContain('starts with "/"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
    for (const prefix of ["img/*", "img?/", "${aws:username}/"]) {
      expect(usage({ bucket: "b-assets", prefix }).code).toBe("InvalidPrefix");
    }
    expect(usage({ bucket: "b-assets", prefix: `${"a".repeat(1030)}/` }).code).toBe(
      "InvalidPrefix",
    );
    // S3's key rules: bytes of UTF-8, and no unpaired surrogate.
    expect(usage({ bucket: "b-assets", prefix: `${"é".repeat(512)}/` }).code).toBe("InvalidPrefix");
    expect(usage({ bucket: "b-assets", prefix: "bad\uD800/" }).code).toBe("InvalidPrefix");
    expect(
      parseCdnFlags({ bucket: "b-assets", prefix: `${"é".repeat(511)}/` }, "us-east-1").prefix,
    ).toHaveLength(512);
  });

  it("needs a certificate for a domain, and a domain for a certificate", () => {
    expect(usage({ bucket: "b-assets", domain: ["cdn.example.com"] }).code).toBe(
      "CertificateRequired",
    );
    expect(usage({ bucket: "b-assets", certificateArn: CERT }).message).toContain(
      "--certificate-arn needs --domain",
    );
    expect(
      parseCdnFlags(
        {
          bucket: "b-assets",
          domain: ["CDN.Example.com", "cdn.example.com"],
          certificateArn: CERT,
        },
        "eu-west-1",
      ),
    ).toMatchObject({ domains: ["cdn.example.com"], certificateArn: CERT });
  });

  it("refuses a certificate outside us-east-1, naming the region CloudFront needs", () => {
    const e = usage({
      bucket: "b-assets",
      domain: ["cdn.example.com"],
      certificateArn: CERT.replace("us-east-1", "eu-west-1"),
    });
    expect(e.code).toBe("CertificateWrongRegion");
    expect(e.message).toContain(
      "is in eu-west-1, but CloudFront accepts certificates from ACM in us-east-1 only",
    );
  });

  it("refuses what is not an ACM certificate ARN", () => {
    for (const arn of [
      "1234abcd",
      "arn:aws:iam::123456789012:server-certificate/x",
      `${CERT} `.repeat(2),
    ]) {
      expect(
        usage({ bucket: "b-assets", domain: ["cdn.example.com"], certificateArn: arn }).code,
      ).toBe("InvalidCertificateArn");
    }
  });

  it("checks domain names: host only, valid labels, wildcards at the front", () => {
    const d = (domain: string) =>
      parseCdnFlags({ bucket: "b-assets", domain: [domain], certificateArn: CERT }, "us-east-1")
        .domains[0];
    expect(d("*.example.com")).toBe("*.example.com");
    expect(
      usage({ bucket: "b-assets", domain: ["https://cdn.example.com/"], certificateArn: CERT })
        .message,
    ).toContain("host name only");
    for (const bad of [
      "cdn",
      "cdn.example.com.",
      "-cdn.example.com",
      "cdn_x.example.com",
      "*.com",
      "a.*.example.com",
    ]) {
      expect(usage({ bucket: "b-assets", domain: [bad], certificateArn: CERT }).code).toBe(
        "InvalidDomain",
      );
    }
  });

  it("reads price classes as 100, 200, All or their full names", () => {
    const p = (priceClass: string) =>
      parseCdnFlags({ bucket: "b-assets", priceClass }, "us-east-1").priceClass;
    expect(p("100")).toBe("PriceClass_100");
    expect(p("priceclass_200")).toBe("PriceClass_200");
    expect(p("all")).toBe("PriceClass_All");
    expect(usage({ bucket: "b-assets", priceClass: "300" }).code).toBe("InvalidPriceClass");
  });
});

describe("which names a certificate covers", () => {
  it("matches exact names case-insensitively", () => {
    expect(nameCovers("cdn.example.com", "CDN.example.com")).toBe(true);
    expect(nameCovers("cdn.example.com", "www.example.com")).toBe(false);
  });

  it("lets a wildcard cover exactly one more label", () => {
    expect(nameCovers("*.example.com", "cdn.example.com")).toBe(true);
    expect(nameCovers("*.example.com", "example.com")).toBe(false);
    expect(nameCovers("*.example.com", "a.cdn.example.com")).toBe(false);
    expect(nameCovers("*.example.com", "cdn.example.org")).toBe(false);
    expect(nameCovers("*.example.com", "*.example.com")).toBe(true);
    expect(nameCovers("cdn.example.com", "*.example.com")).toBe(false);
  });

  it("lists the domains no name covers", () => {
    expect(
      uncoveredDomains(
        ["example.com", "*.example.com"],
        ["example.com", "cdn.example.com", "a.b.example.com"],
      ),
    ).toEqual(["a.b.example.com"]);
  });
});
