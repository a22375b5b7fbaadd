import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { describe, expect, it } from "vitest";
import {
  convergedConfig,
  managedSettings,
  newDistributionConfig,
  settingChanges,
} from "../../../src/core/cdn/config.js";
import { oacName, originServesBucket, s3OriginDomain } from "../../../src/core/cdn/names.js";
import type { CdnSpec } from "../../../src/core/cdn/spec.js";

const spec: CdnSpec = { bucket: "assets", region: "eu-west-1", prefix: "images/", domains: [] };

describe("a new distribution", () => {
  const config = newDistributionConfig(spec, "OAC1", "ref-1");

  it("reads the bucket's regional endpoint with origin access control, URL path = key", () => {
    expect(config.Origins?.Items).toEqual([
      {
        Id: "s3kit-assets",
        DomainName: "assets.s3.eu-west-1.amazonaws.com",
        OriginPath: "",
        S3OriginConfig: { OriginAccessIdentity: "" },
        OriginAccessControlId: "OAC1",
      },
    ]);
  });

  it("redirects HTTP, uses CachingOptimized, compresses, serves GET and HEAD only", () => {
    expect(managedSettings(config)).toEqual({
      enabled: true,
      origin: "assets.s3.eu-west-1.amazonaws.com",
      originAccessControl: "OAC1",
      viewerProtocolPolicy: "redirect-to-https",
      cachePolicy: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      compress: true,
      methods: ["GET", "HEAD"],
      aliases: [],
      certificate: "CloudFront default (*.cloudfront.net)",
      priceClass: "PriceClass_All",
    });
    expect(config.DefaultCacheBehavior?.ForwardedValues).toBeUndefined();
  });

  it("serves custom domains with the certificate, TLS 1.2 and SNI", () => {
    const custom = newDistributionConfig(
      {
        ...spec,
        domains: ["cdn.example.com"],
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
        priceClass: "PriceClass_100",
      },
      "OAC1",
      "ref-2",
    );
    expect(custom.Aliases).toEqual({ Quantity: 1, Items: ["cdn.example.com"] });
    expect(custom.ViewerCertificate).toEqual({
      CloudFrontDefaultCertificate: false,
      ACMCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
      SSLSupportMethod: "sni-only",
      MinimumProtocolVersion: "TLSv1.2_2021",
    });
    expect(custom.PriceClass).toBe("PriceClass_100");
  });
});

describe("converging an existing distribution", () => {
  // As a console user might have changed it: legacy cache settings, an extra origin and
  // behaviour, logging, a function, the default behaviour on the wrong origin, disabled.
  const current: DistributionConfig = {
    CallerReference: "ref-1",
    Comment: "my comment",
    Enabled: false,
    PriceClass: "PriceClass_200",
    Logging: {
      Enabled: true,
      IncludeCookies: false,
      Bucket: "logs.s3.amazonaws.com",
      Prefix: "cf/",
    },
    Origins: {
      Quantity: 2,
      Items: [
        {
          Id: "api",
          DomainName: "api.example.com",
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
        },
        {
          Id: "s3kit-assets",
          DomainName: "assets.s3.amazonaws.com",
          OriginPath: "/old",
          ConnectionAttempts: 2,
          S3OriginConfig: { OriginAccessIdentity: "origin-access-identity/cloudfront/E1" },
        },
      ],
    },
    CacheBehaviors: {
      Quantity: 1,
      Items: [{ PathPattern: "/api/*", TargetOriginId: "api", ViewerProtocolPolicy: "https-only" }],
    },
    DefaultCacheBehavior: {
      TargetOriginId: "api",
      ViewerProtocolPolicy: "allow-all",
      ForwardedValues: { QueryString: true, Cookies: { Forward: "all" } },
      MinTTL: 0,
      DefaultTTL: 60,
      MaxTTL: 600,
      FunctionAssociations: {
        Quantity: 1,
        Items: [{ FunctionARN: "arn:fn", EventType: "viewer-request" }],
      },
    },
    Aliases: { Quantity: 1, Items: ["old.example.com"] },
    ViewerCertificate: {
      ACMCertificateArn: "arn:old",
      SSLSupportMethod: "sni-only",
      MinimumProtocolVersion: "TLSv1.2_2021",
    },
  };
  const converged = convergedConfig(current, spec, "OAC1");

  it("sets s3kit's settings and reports each difference", () => {
    expect(settingChanges(current, converged).map((c) => c.setting)).toEqual([
      "enabled",
      "origin",
      "originAccessControl",
      "viewerProtocolPolicy",
      "cachePolicy",
      "compress",
      "methods",
    ]);
    expect(converged.DefaultCacheBehavior).not.toHaveProperty("ForwardedValues");
    expect(converged.DefaultCacheBehavior).not.toHaveProperty("DefaultTTL");
    expect(converged.DefaultCacheBehavior?.FunctionAssociations).toEqual(
      current.DefaultCacheBehavior?.FunctionAssociations,
    );
  });

  it("keeps what s3kit does not manage: other origins and behaviours, logging, comment, domains, price class", () => {
    expect(converged.Origins?.Items?.[0]).toEqual(current.Origins?.Items?.[0]);
    expect(converged.Origins?.Items?.[1]).toMatchObject({
      ConnectionAttempts: 2,
      OriginAccessControlId: "OAC1",
      S3OriginConfig: { OriginAccessIdentity: "" },
    });
    expect(converged.CacheBehaviors).toEqual(current.CacheBehaviors);
    expect(converged.Logging).toEqual(current.Logging);
    expect(converged.Comment).toBe("my comment");
    expect(converged.Aliases).toEqual(current.Aliases);
    expect(converged.ViewerCertificate).toEqual(current.ViewerCertificate);
    expect(converged.PriceClass).toBe("PriceClass_200");
  });

  it("finds nothing to change the second time", () => {
    expect(settingChanges(converged, convergedConfig(converged, spec, "OAC1"))).toEqual([]);
  });

  it("changes domains, certificate and price class only when asked", () => {
    const asked = convergedConfig(
      current,
      {
        ...spec,
        domains: ["cdn.example.com"],
        certificateArn: "arn:new",
        priceClass: "PriceClass_100",
      },
      "OAC1",
    );
    expect(settingChanges(converged, asked).map((c) => c.setting)).toEqual([
      "aliases",
      "certificate",
      "priceClass",
    ]);
  });
});

describe("names", () => {
  it("keeps origin access control names within CloudFront's 64 characters, unique per bucket", () => {
    expect(oacName("assets")).toBe("s3kit-assets");
    const long = `${"a".repeat(60)}-x1`;
    const long2 = `${"a".repeat(60)}-x2`;
    expect(oacName(long).length).toBeLessThanOrEqual(64);
    expect(oacName(long)).not.toBe(oacName(long2));
  });

  it("recognises every kind of S3 origin domain of a bucket, and only of that bucket", () => {
    for (const d of [
      s3OriginDomain("assets", "eu-west-1"),
      "assets.s3.amazonaws.com",
      "assets.s3-eu-west-1.amazonaws.com",
      "assets.s3-website-eu-west-1.amazonaws.com",
      "assets.s3-website.eu-west-1.amazonaws.com",
      "assets.s3.cn-north-1.amazonaws.com.cn",
    ]) {
      expect(originServesBucket(d, "assets"), d).toBe(true);
    }
    for (const d of [
      "assets-old.s3.amazonaws.com",
      "my.assets.s3.amazonaws.com",
      "assets.example.com",
      "assets.s3.amazonaws.com.evil.com",
    ]) {
      expect(originServesBucket(d, "assets"), d).toBe(false);
    }
  });
});
