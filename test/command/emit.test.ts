import { describe, expect, it } from "vitest";
import { CFN_LINT_TIMEOUT, cfnLint, terraformFmt } from "../support/iac-lint.js";
import { runInProcess } from "../support/run-program.js";

// No credentials and an endpoint nobody listens on: any API call would fail the command.
const offline = { env: { AWS_ENDPOINT_URL: "http://127.0.0.1:1" } };

describe("bucket create --emit", { timeout: CFN_LINT_TIMEOUT }, () => {
  const args = [
    "bucket",
    "create",
    "emit-shop-uploads",
    "--region",
    "eu-west-1",
    "--cors-origin",
    "https://shop.example.com",
    "--versioning",
    "--expire-days",
    "90",
    "--expire-prefix",
    "tmp/",
    "--tag",
    "env=dev",
  ];

  it("prints a CloudFormation template with every setting, without any API call", async () => {
    const { code, stdout, stderr } = await runInProcess(
      [...args, "--emit", "cloudformation"],
      offline,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const template = JSON.parse(stdout);
    const bucket = template.Resources.Bucket;
    expect(bucket.Type).toBe("AWS::S3::Bucket");
    expect(bucket.Properties.BucketName).toBe("emit-shop-uploads");
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: "Enabled" });
    expect(bucket.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual([
      "https://shop.example.com",
    ]);
    expect(
      bucket.Properties.LifecycleConfiguration.Rules.map((r: { Id: string }) => r.Id),
    ).toHaveLength(2);
    expect(bucket.Properties.Tags).toEqual([{ Key: "env", Value: "dev" }]);
    const sids = template.Resources.BucketPolicy.Properties.PolicyDocument.Statement.map(
      (s: { Sid: string }) => s.Sid,
    );
    expect(sids).toEqual(["S3kitDenyInsecureTransport", "S3kitDenyOutdatedTls"]);
    expect(cfnLint(stdout)).toBe("");
  });

  it("prints Terraform with aws_s3_bucket_* resources", async () => {
    const { code, stdout } = await runInProcess([...args, "--emit", "terraform"], offline);
    expect(code).toBe(0);
    for (const type of [
      "aws_s3_bucket",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_cors_configuration",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_policy",
    ]) {
      expect(stdout).toContain(`resource "${type}" "emit_shop_uploads"`);
    }
    expect(stdout).toContain('region = "eu-west-1"');
    expect(terraformFmt(stdout)).toBe("");
  });

  it("still rejects bad input with exit 2", async () => {
    const { code, stderr } = await runInProcess(
      ["bucket", "create", "Bad_Name", "--emit", "terraform"],
      offline,
    );
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid bucket name");
    expect((await runInProcess([...args, "--emit", "yaml"], offline)).code).toBe(2);
  });
});

describe("iam add-dev --emit", { timeout: CFN_LINT_TIMEOUT }, () => {
  it("prints the policy, group, user and key as CloudFormation", async () => {
    const { code, stdout } = await runInProcess(
      [
        "iam",
        "add-dev",
        "alice",
        "--bucket",
        "emit-shop-uploads",
        "--access",
        "read-write",
        "--prefix",
        "uploads/",
        "--emit",
        "cloudformation",
      ],
      offline,
    );
    expect(code).toBe(0);
    const t = JSON.parse(stdout);
    const types = Object.values(t.Resources as Record<string, { Type: string }>)
      .map((r) => r.Type)
      .sort();
    expect(types).toEqual([
      "AWS::IAM::AccessKey",
      "AWS::IAM::Group",
      "AWS::IAM::ManagedPolicy",
      "AWS::IAM::User",
    ]);
    expect(t.Resources.AliceUser.Properties).toMatchObject({ UserName: "alice", Path: "/s3kit/" });
    const policy = Object.values(
      t.Resources as Record<string, { Type: string; Properties: { PolicyDocument: unknown } }>,
    ).find((r) => r.Type === "AWS::IAM::ManagedPolicy");
    expect(JSON.stringify(policy?.Properties.PolicyDocument)).toContain(
      "arn:aws:s3:::emit-shop-uploads/uploads/*",
    );
    expect(t.Outputs.AliceSecretAccessKey).toBeDefined();
    expect(cfnLint(stdout)).toBe("");
  });

  it("prints Terraform; --no-key and --attach user change it accordingly", async () => {
    const { code, stdout } = await runInProcess(
      [
        "iam",
        "add-dev",
        "bob",
        "--bucket",
        "emit-shop-uploads",
        "--access",
        "read",
        "--no-key",
        "--attach",
        "user",
        "--emit",
        "terraform",
      ],
      offline,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('resource "aws_iam_user" "bob"');
    expect(stdout).toContain('resource "aws_iam_user_policy_attachment" "bob"');
    expect(stdout).not.toContain("aws_iam_access_key");
    expect(stdout).not.toContain("aws_iam_group");
    expect(terraformFmt(stdout)).toBe("");
  });
});
