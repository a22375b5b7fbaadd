// The bucket policy statement `cdn create` writes, decided by s3kit's own evaluator: the
// distribution reads what it should, and nobody else does.
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../../src/core/buckets/state.js";
import { tlsOnlyStatements } from "../../../src/core/buckets/templates.js";
import { canRead } from "../../../src/core/cdn/access.js";
import {
  cloudFrontGrants,
  cloudFrontReadStatement,
  findCloudFrontStatement,
  withCloudFrontStatement,
  withoutCloudFrontStatement,
} from "../../../src/core/cdn/statement.js";
import { evaluate } from "../../../src/core/policy/evaluate.js";

const ours = "arn:aws:cloudfront::123456789012:distribution/E1OURS";
const other = "arn:aws:cloudfront::123456789012:distribution/E2OTHER";
const foreignAccount = "arn:aws:cloudfront::999999999999:distribution/E1OURS";

const appStatement = {
  Sid: "AppReadWrite",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::123456789012:role/app" },
  Action: ["s3:GetObject", "s3:PutObject"],
  Resource: "arn:aws:s3:::assets/*",
};
const existing: PolicyDocument = {
  Version: "2012-10-17",
  Id: "kept",
  Statement: [...tlsOnlyStatements("assets", "eu-west-1"), appStatement],
};

describe("the CloudFront read statement", () => {
  const policy = withCloudFrontStatement(
    existing,
    cloudFrontReadStatement("assets", "eu-west-1", "images/", ours),
  );

  it("names the service, GetObject on the prefix and the distribution's ARN", () => {
    expect(findCloudFrontStatement(policy)).toEqual({
      Sid: "S3kitCloudFrontRead",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::assets/images/*",
      Condition: { StringEquals: { "AWS:SourceArn": ours } },
    });
  });

  it("keeps every other statement, the Version and the Id", () => {
    expect(policy.Id).toBe("kept");
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
      "S3kitDenyOutdatedTls",
      "AppReadWrite",
      "S3kitCloudFrontRead",
    ]);
  });

  it("replaces its own statement on a re-run instead of adding another", () => {
    const again = withCloudFrontStatement(
      policy,
      cloudFrontReadStatement("assets", "eu-west-1", "", other),
    );
    expect(again.Statement).toHaveLength(4);
    expect(findCloudFrontStatement(again)?.Resource).toBe("arn:aws:s3:::assets/*");
  });

  it("lets the distribution read under the prefix, and nobody else", () => {
    const read = (key: string, caller: Parameters<typeof canRead>[3]) =>
      canRead(policy, "assets", key, caller).decision;
    expect(read("images/cat.png", { distributionArn: ours })).toBe("allowed");
    expect(canRead(policy, "assets", "images/cat.png", { distributionArn: ours }).deciding).toEqual(
      ["S3kitCloudFrontRead"],
    );
    expect(read("private/report.pdf", { distributionArn: ours })).toBe("implicit-deny");
    expect(read("images/cat.png", { distributionArn: other })).toBe("implicit-deny");
    expect(read("images/cat.png", { distributionArn: foreignAccount })).toBe("implicit-deny");
    expect(read("images/cat.png", "anonymous")).toBe("implicit-deny");
  });

  it("grants nothing but GetObject, and nothing to other services or over plain HTTP", () => {
    const base = {
      resource: "arn:aws:s3:::assets/images/cat.png",
      principal: "cloudfront.amazonaws.com",
      context: { "aws:SourceArn": ours, "aws:SecureTransport": "true" },
    };
    const set = { resourcePolicy: { name: "bucket policy", document: policy as never } };
    expect(evaluate(set, { ...base, action: "s3:PutObject" }).decision).toBe("implicit-deny");
    expect(evaluate(set, { ...base, action: "s3:DeleteObject" }).decision).toBe("implicit-deny");
    expect(
      evaluate(set, { ...base, action: "s3:GetObject", principal: "lambda.amazonaws.com" })
        .decision,
    ).toBe("implicit-deny");
    expect(
      evaluate(set, {
        ...base,
        action: "s3:GetObject",
        context: { "aws:SourceArn": ours, "aws:SecureTransport": "false" },
      }).decision,
    ).toBe("explicit-deny");
  });

  it("is removed alone; a policy with nothing else left is removed whole", () => {
    expect(withoutCloudFrontStatement(policy)?.Statement.map((s) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
      "S3kitDenyOutdatedTls",
      "AppReadWrite",
    ]);
    const only = withCloudFrontStatement(
      null,
      cloudFrontReadStatement("assets", "eu-west-1", "", ours),
    );
    expect(only.Version).toBe("2012-10-17");
    expect(withoutCloudFrontStatement(only)).toBeNull();
  });
});

describe("recognising CloudFront read grants", () => {
  it("finds s3kit's and hand-written ones, with the distributions they name", () => {
    const console = {
      Sid: "AllowCloudFrontServicePrincipal",
      Effect: "Allow",
      Principal: { Service: ["cloudfront.amazonaws.com"] },
      Action: ["s3:GetObject"],
      Resource: "arn:aws:s3:::assets/*",
      Condition: { ArnLike: { "aws:SourceArn": other } },
    };
    const open = { ...console, Sid: undefined, Condition: undefined };
    const policy = withCloudFrontStatement(
      { Statement: [console, open, appStatement] },
      cloudFrontReadStatement("assets", "eu-west-1", "", ours),
    );
    expect(cloudFrontGrants(policy)).toEqual([
      {
        statement: "AllowCloudFrontServicePrincipal",
        distributionArns: [other],
        resources: ["arn:aws:s3:::assets/*"],
      },
      { statement: "#2", distributionArns: [], resources: ["arn:aws:s3:::assets/*"] },
      {
        statement: "S3kitCloudFrontRead",
        distributionArns: [ours],
        resources: ["arn:aws:s3:::assets/*"],
      },
    ]);
    expect(cloudFrontGrants(null)).toEqual([]);
  });
});
