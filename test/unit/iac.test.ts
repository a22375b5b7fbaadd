import { describe, expect, it } from "vitest";
import { toCloudFormation } from "../../src/core/iac/cloudformation.js";
import { hclString } from "../../src/core/iac/hcl.js";
import { logicalId, resourceName } from "../../src/core/iac/names.js";
import { toTerraform } from "../../src/core/iac/terraform.js";
import { fullStack } from "../fixtures/iac-stack.js";

type Resource = { Type: string; Properties: Record<string, unknown> };
// biome-ignore lint/suspicious/noExplicitAny: template properties are read by path in assertions
type Props = Record<string, any>;

describe("CloudFormation export", () => {
  const template = toCloudFormation(fullStack) as {
    AWSTemplateFormatVersion: string;
    Resources: Record<string, Resource>;
    Outputs: Record<string, { Value: unknown }>;
  };
  const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);

  it("is a template with the right resource types", () => {
    expect(template.AWSTemplateFormatVersion).toBe("2010-09-09");
    expect(
      Object.values(template.Resources)
        .map((r) => r.Type)
        .sort(),
    ).toEqual([
      "AWS::IAM::AccessKey",
      "AWS::IAM::AccessKey",
      "AWS::IAM::Group",
      "AWS::IAM::ManagedPolicy",
      "AWS::IAM::User",
      "AWS::IAM::User",
      "AWS::S3::Bucket",
      "AWS::S3::BucketPolicy",
    ]);
    for (const id of Object.keys(template.Resources)) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
  });

  it("carries every bucket setting", () => {
    const bucket = ofType("AWS::S3::Bucket")[0]?.Properties as Props;
    expect(bucket.BucketName).toBe("dev-shop-x7k2p9");
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }],
    });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: "aws:kms",
        KMSMasterKeyID: "arn:aws:kms:eu-west-1:123456789012:key/abcd",
      },
      BucketKeyEnabled: true,
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: "Enabled" });
    expect(bucket.CorsConfiguration.CorsRules[0]).toEqual({
      AllowedOrigins: ["https://app.example.com"],
      AllowedMethods: ["GET", "PUT", "POST", "HEAD"],
      AllowedHeaders: ["*"],
      ExposedHeaders: ["ETag"],
      MaxAge: 3600,
    });
    expect(bucket.LifecycleConfiguration.Rules).toEqual([
      {
        Id: "abort-incomplete-multipart-uploads",
        Status: "Enabled",
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
      {
        Id: "expire-tmp",
        Status: "Enabled",
        Prefix: "tmp/",
        ExpirationInDays: 90,
        Transitions: [{ StorageClass: "STANDARD_IA", TransitionInDays: 30 }],
        NoncurrentVersionExpiration: { NoncurrentDays: 14 },
      },
    ]);
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: "dev-shop-logs",
      LogFilePrefix: "s3/dev-shop-x7k2p9/",
    });
    expect(bucket.Tags).toEqual([
      { Key: "env", Value: "dev" },
      { Key: "cost-center", Value: "42" },
    ]);
  });

  it("attaches the bucket policy to the bucket", () => {
    const policy = ofType("AWS::S3::BucketPolicy")[0]?.Properties as Props;
    expect(policy.Bucket).toEqual({ Ref: "Bucket" });
    expect(policy.PolicyDocument.Statement[0].Sid).toBe("DenyInsecureTransport");
  });

  it("shares one group and policy between developers, each with a user and a key", () => {
    const [group] = ofType("AWS::IAM::Group");
    const [policy] = ofType("AWS::IAM::ManagedPolicy");
    expect(group?.Properties.GroupName).toBe("s3kit-dev-shop-x7k2p9-read-write");
    expect(policy?.Properties.Groups).toEqual([{ Ref: "S3kitDevShopX7k2p9ReadWriteGroup" }]);
    const users = ofType("AWS::IAM::User").map((u) => u.Properties);
    expect(users.map((u) => u.UserName)).toEqual(["alice", "bob"]);
    expect(users[0]?.Path).toBe("/s3kit/");
    expect(users[0]?.Groups).toEqual([{ Ref: "S3kitDevShopX7k2p9ReadWriteGroup" }]);
    expect(template.Outputs.AliceSecretAccessKey?.Value).toEqual({
      "Fn::GetAtt": ["AliceAccessKey", "SecretAccessKey"],
    });
    expect(template.Outputs.BobAccessKeyId?.Value).toEqual({ Ref: "BobAccessKey" });
  });

  it("attaches the policy to the user when there is no group, and makes no key when asked", () => {
    const dev = {
      ...(fullStack.developers?.[0] as NonNullable<typeof fullStack.developers>[number]),
      groupName: null,
      createKey: false,
    };
    const t = toCloudFormation({ developers: [dev] }) as {
      Resources: Record<string, Resource>;
      Outputs?: unknown;
    };
    expect(t.Resources.AliceUser?.Properties.ManagedPolicyArns).toEqual([
      { Ref: "S3kitDevShopX7k2p9ReadWrite" },
    ]);
    expect(Object.values(t.Resources).some((r) => r.Type === "AWS::IAM::AccessKey")).toBe(false);
    expect(t.Outputs).toBeUndefined();
  });
});

describe("Terraform export", () => {
  const hcl = toTerraform(fullStack);
  const resources = [...hcl.matchAll(/^resource "([a-z0-9_]+)" "([a-z0-9_]+)"/gm)].map(
    (m) => `${m[1]}.${m[2]}`,
  );

  it("uses aws_s3_bucket with one aws_s3_bucket_* resource per setting", () => {
    expect(resources).toEqual(
      expect.arrayContaining([
        "aws_s3_bucket.dev_shop_x7k2p9",
        "aws_s3_bucket_public_access_block.dev_shop_x7k2p9",
        "aws_s3_bucket_ownership_controls.dev_shop_x7k2p9",
        "aws_s3_bucket_server_side_encryption_configuration.dev_shop_x7k2p9",
        "aws_s3_bucket_versioning.dev_shop_x7k2p9",
        "aws_s3_bucket_cors_configuration.dev_shop_x7k2p9",
        "aws_s3_bucket_lifecycle_configuration.dev_shop_x7k2p9",
        "aws_s3_bucket_logging.dev_shop_x7k2p9",
        "aws_s3_bucket_policy.dev_shop_x7k2p9",
      ]),
    );
    // The deprecated inline arguments of aws_s3_bucket are not used.
    const bucketBlock = hcl.slice(
      hcl.indexOf('resource "aws_s3_bucket" '),
      hcl.indexOf("}\n", hcl.indexOf('resource "aws_s3_bucket" ')),
    );
    for (const legacy of [
      "versioning",
      "cors_rule",
      "lifecycle_rule",
      "server_side_encryption_configuration",
      "acl",
      "policy",
      "logging",
    ]) {
      expect(bucketBlock).not.toMatch(new RegExp(`^\\s+${legacy}\\b`, "m"));
    }
  });

  it("writes IAM resources with a sensitive secret output", () => {
    expect(resources).toEqual(
      expect.arrayContaining([
        "aws_iam_policy.s3kit_dev_shop_x7k2p9_read_write",
        "aws_iam_group.s3kit_dev_shop_x7k2p9_read_write",
        "aws_iam_group_policy_attachment.s3kit_dev_shop_x7k2p9_read_write",
        "aws_iam_user.alice",
        "aws_iam_user.bob",
        "aws_iam_user_group_membership.alice",
        "aws_iam_access_key.alice",
      ]),
    );
    expect(resources.filter((r) => r.startsWith("aws_iam_group."))).toHaveLength(1);
    expect(hcl).toMatch(
      /output "alice_secret_access_key" \{\n {2}value {5}= aws_iam_access_key\.alice\.secret\n {2}sensitive = true\n\}/,
    );
  });

  it("escapes IAM policy variables so Terraform does not interpolate them", () => {
    expect(hcl).toContain('"arn:aws:s3:::dev-shop-x7k2p9/$${aws:username}/*"');
    expect(hcl).not.toMatch(/[^$]\$\{aws:username\}/);
  });

  it("encodes policies with jsonencode and settings as nested blocks", () => {
    expect(hcl).toMatch(/policy = jsonencode\(\{\n {4}Version = "2012-10-17"/);
    expect(hcl).toContain('"aws:SecureTransport" = "false"');
    expect(hcl).toMatch(/abort_incomplete_multipart_upload \{\n\s+days_after_initiation = 7/);
    expect(hcl).toMatch(/transition \{\n\s+days\s+= 30\n\s+storage_class = "STANDARD_IA"/);
  });
});

describe("names and strings", () => {
  it.each([
    [["dev-shop", "user"], "DevShopUser"],
    [["s3kit.app_v2"], "S3kitAppV2"],
    [["123-data"], "R123Data"],
  ])("logicalId(%j) = %s", (parts, id) => {
    expect(logicalId(...parts)).toBe(id);
  });

  it.each([
    [["dev-shop.x"], "dev_shop_x"],
    [["Alice"], "alice"],
    [["1bucket"], "r_1bucket"],
  ])("resourceName(%j) = %s", (parts, name) => {
    expect(resourceName(...parts)).toBe(name);
  });

  it("escapes HCL strings", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL template syntax under test
    expect(hclString('a "b" \\ ${x} %{y}\n')).toBe('"a \\"b\\" \\\\ $${x} %%{y}\\n"');
  });
});
