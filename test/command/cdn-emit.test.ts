import { describe, expect, it } from "vitest";
import { toCloudFormation } from "../../src/core/iac/cloudformation.js";
import { iacBucket, iacCdn } from "../../src/core/iac/from-specs.js";
import { toTerraform } from "../../src/core/iac/terraform.js";
import { CFN_LINT_TIMEOUT, cfnLint, terraformFmt } from "../support/iac-lint.js";
import { runInProcess } from "../support/run-program.js";

// No credentials and an endpoint nobody listens on: any API call would fail the command.
const offline = { env: { AWS_ENDPOINT_URL: "http://127.0.0.1:1" } };
const DISTRIBUTION_ARN_SUB =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own substitution
  "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";

const args = [
  "cdn",
  "create",
  "emit-shop-assets",
  "--region",
  "eu-west-1",
  "--prefix",
  "images/",
  "--domain",
  "cdn.example.com",
  "--certificate-arn",
  CERT,
  "--price-class",
  "100",
];

describe("cdn create --emit", { timeout: CFN_LINT_TIMEOUT }, () => {
  it("prints CloudFormation that cfn-lint accepts, without any API call", async () => {
    const { code, stdout, stderr } = await runInProcess(
      [...args, "--emit", "cloudformation"],
      offline,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const t = JSON.parse(stdout);
    expect(t.Resources.OriginAccessControl.Properties.OriginAccessControlConfig).toMatchObject({
      Name: "s3kit-emit-shop-assets",
      SigningBehavior: "always",
      SigningProtocol: "sigv4",
    });
    const config = t.Resources.Distribution.Properties.DistributionConfig;
    expect(config).toMatchObject({
      Aliases: ["cdn.example.com"],
      PriceClass: "PriceClass_100",
      ViewerCertificate: { AcmCertificateArn: CERT, SslSupportMethod: "sni-only" },
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: "redirect-to-https",
        CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        Compress: true,
      },
    });
    expect(config.Origins[0]).toMatchObject({
      DomainName: "emit-shop-assets.s3.eu-west-1.amazonaws.com",
      OriginAccessControlId: { "Fn::GetAtt": ["OriginAccessControl", "Id"] },
    });
    // The policy resource replaces the bucket's policy: it keeps the TLS-only statements.
    const statements = t.Resources.BucketPolicy.Properties.PolicyDocument.Statement;
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual([
      "S3kitDenyInsecureTransport",
      "S3kitDenyOutdatedTls",
      "S3kitCloudFrontRead",
    ]);
    expect(statements[2]).toMatchObject({
      Principal: { Service: "cloudfront.amazonaws.com" },
      Resource: "arn:aws:s3:::emit-shop-assets/images/*",
      Condition: {
        StringEquals: {
          "AWS:SourceArn": { "Fn::Sub": DISTRIBUTION_ARN_SUB },
        },
      },
    });
    expect(t.Outputs.AwsS3CustomDomain.Value).toBe("cdn.example.com");
    expect(cfnLint(stdout)).toBe("");
  });

  it("prints Terraform formatted as terraform fmt wants", async () => {
    const { code, stdout } = await runInProcess([...args, "--emit", "terraform"], offline);
    expect(code).toBe(0);
    for (const type of [
      "aws_cloudfront_origin_access_control",
      "aws_cloudfront_distribution",
      "aws_s3_bucket_policy",
    ]) {
      expect(stdout).toContain(`resource "${type}" "emit_shop_assets"`);
    }
    expect(stdout).toContain(
      "origin_access_control_id = aws_cloudfront_origin_access_control.emit_shop_assets.id",
    );
    expect(stdout).toContain('"AWS:SourceArn" = aws_cloudfront_distribution.emit_shop_assets.arn');
    expect(stdout).toContain('region = "eu-west-1"');
    expect(terraformFmt(stdout)).toBe("");
  });

  it("a bucket and its CDN in one template share one bucket policy", () => {
    const bucket = iacBucket({ bucket: "one-stack", region: "eu-west-1", versioning: false });
    const cdn = iacCdn({ bucket: "one-stack", region: "eu-west-1", prefix: "", domains: [] });
    const cfn = toCloudFormation({ bucket, cdn }) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const policies = Object.values(cfn.Resources).filter((r) => r.Type === "AWS::S3::BucketPolicy");
    expect(policies).toHaveLength(1);
    expect(JSON.stringify(policies[0]?.Properties)).toContain("S3kitCloudFrontRead");
    expect(cfnLint(JSON.stringify(cfn))).toBe("");
    const tf = toTerraform({ bucket, cdn });
    expect(tf.match(/resource "aws_s3_bucket_policy"/g)).toHaveLength(1);
    expect(tf).toContain("aws_s3_bucket.one_stack.bucket_regional_domain_name");
    expect(terraformFmt(tf)).toBe("");
  });

  it("still rejects bad input with exit 2", async () => {
    const bad = await runInProcess(
      ["cdn", "create", "emit-shop-assets", "--domain", "cdn.example.com", "--emit", "terraform"],
      offline,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--domain cdn.example.com needs --certificate-arn");
  });
});
