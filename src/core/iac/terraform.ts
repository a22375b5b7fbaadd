import { cloudFrontReadStatement } from "../cdn/statement.js";
import {
  attr,
  type Block,
  type BodyItem,
  block,
  call,
  type HclValue,
  ref,
  renderFile,
} from "./hcl.js";
import { resourceName } from "./names.js";
import type {
  IacBucket,
  IacCdn,
  IacDeveloper,
  IacLifecycleRule,
  IacPolicyDocument,
  IacStack,
} from "./types.js";

const resource = (type: string, name: string, items: BodyItem[]): Block => ({
  type: "resource",
  labels: [type, name],
  body: items,
});

/**
 * Terraform for the `aws` provider (v4+): `aws_s3_bucket` plus one
 * `aws_s3_bucket_*` resource per setting, as the provider now requires.
 */
export function toTerraform(stack: IacStack): string {
  const blocks: Block[] = [
    {
      type: "terraform",
      labels: [],
      body: [
        block(
          "required_providers",
          [],
          [attr("aws", { source: "hashicorp/aws", version: ">= 5.0" })],
        ),
      ],
    },
  ];
  const region = stack.bucket?.region ?? stack.cdn?.region;
  if (region) blocks.push({ type: "provider", labels: ["aws"], body: [attr("region", region)] });
  if (stack.bucket) {
    // With CloudFront in the same file, the bucket's one policy resource carries its statement.
    const b = stack.bucket;
    const extra = stack.cdn ? [cdnStatement(stack.cdn)] : [];
    const statements = [...[b.policy?.Statement ?? []].flat(), ...extra];
    blocks.push(
      ...bucketBlocks(
        statements.length > 0
          ? { ...b, policy: { Version: b.policy?.Version ?? "2012-10-17", Statement: statements } }
          : b,
      ),
    );
  }
  for (const dev of stack.developers ?? []) blocks.push(...developerBlocks(dev, blocks));
  if (stack.cdn) blocks.push(...cdnBlocks(stack.cdn, stack.bucket !== undefined));
  return renderFile(blocks);
}

function bucketBlocks(b: IacBucket): Block[] {
  const name = resourceName(b.bucket);
  const bucketId = ref(`aws_s3_bucket.${name}.id`);
  const blocks: Block[] = [
    resource("aws_s3_bucket", name, [
      attr("bucket", b.bucket),
      ...(b.tags && Object.keys(b.tags).length > 0 ? [attr("tags", b.tags)] : []),
    ]),
  ];
  if (b.publicAccessBlock) {
    blocks.push(
      resource("aws_s3_bucket_public_access_block", name, [
        attr("bucket", bucketId),
        attr("block_public_acls", b.publicAccessBlock.blockPublicAcls),
        attr("ignore_public_acls", b.publicAccessBlock.ignorePublicAcls),
        attr("block_public_policy", b.publicAccessBlock.blockPublicPolicy),
        attr("restrict_public_buckets", b.publicAccessBlock.restrictPublicBuckets),
      ]),
    );
  }
  if (b.ownership) {
    blocks.push(
      resource("aws_s3_bucket_ownership_controls", name, [
        attr("bucket", bucketId),
        block("rule", [], [attr("object_ownership", b.ownership)]),
      ]),
    );
  }
  if (b.encryption) {
    blocks.push(
      resource("aws_s3_bucket_server_side_encryption_configuration", name, [
        attr("bucket", bucketId),
        block(
          "rule",
          [],
          [
            block(
              "apply_server_side_encryption_by_default",
              [],
              [
                attr("sse_algorithm", b.encryption.algorithm),
                ...(b.encryption.kmsKeyId
                  ? [attr("kms_master_key_id", b.encryption.kmsKeyId)]
                  : []),
              ],
            ),
            attr("bucket_key_enabled", b.encryption.bucketKeyEnabled),
          ],
        ),
      ]),
    );
  }
  if (b.versioning) {
    blocks.push(
      resource("aws_s3_bucket_versioning", name, [
        attr("bucket", bucketId),
        block("versioning_configuration", [], [attr("status", b.versioning)]),
      ]),
    );
  }
  if (b.cors?.length) {
    blocks.push(
      resource("aws_s3_bucket_cors_configuration", name, [
        attr("bucket", bucketId),
        ...b.cors.map((r) =>
          block(
            "cors_rule",
            [],
            [
              attr("allowed_origins", r.AllowedOrigins),
              attr("allowed_methods", r.AllowedMethods),
              ...(r.AllowedHeaders ? [attr("allowed_headers", r.AllowedHeaders)] : []),
              ...(r.ExposeHeaders ? [attr("expose_headers", r.ExposeHeaders)] : []),
              ...(r.MaxAgeSeconds !== undefined ? [attr("max_age_seconds", r.MaxAgeSeconds)] : []),
            ],
          ),
        ),
      ]),
    );
  }
  if (b.lifecycle?.length) {
    blocks.push(
      resource("aws_s3_bucket_lifecycle_configuration", name, [
        attr("bucket", bucketId),
        ...b.lifecycle.map(lifecycleRule),
      ]),
    );
  }
  if (b.logging) {
    blocks.push(
      resource("aws_s3_bucket_logging", name, [
        attr("bucket", bucketId),
        attr("target_bucket", b.logging.targetBucket),
        attr("target_prefix", b.logging.targetPrefix),
      ]),
    );
  }
  if (b.policy) {
    blocks.push(
      resource("aws_s3_bucket_policy", name, [
        attr("bucket", bucketId),
        attr("policy", jsonencode(b.policy)),
        // A public-read policy is refused while Block Public Access still blocks policies.
        ...(b.publicAccessBlock
          ? [attr("depends_on", [ref(`aws_s3_bucket_public_access_block.${name}`)])]
          : []),
      ]),
    );
  }
  blocks.push(
    { type: "output", labels: ["bucket_name"], body: [attr("value", bucketId)] },
    {
      type: "output",
      labels: ["bucket_arn"],
      body: [attr("value", ref(`aws_s3_bucket.${name}.arn`))],
    },
  );
  return blocks;
}

function lifecycleRule(rule: IacLifecycleRule): BodyItem {
  const prefix = rule.Filter?.Prefix ?? rule.Prefix ?? "";
  const items: BodyItem[] = [
    attr("id", rule.ID ?? "rule"),
    attr("status", rule.Status ?? "Enabled"),
    block("filter", [], [attr("prefix", prefix)]),
  ];
  if (rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined) {
    items.push(
      block(
        "abort_incomplete_multipart_upload",
        [],
        [attr("days_after_initiation", rule.AbortIncompleteMultipartUpload.DaysAfterInitiation)],
      ),
    );
  }
  if (rule.Expiration?.Days !== undefined)
    items.push(block("expiration", [], [attr("days", rule.Expiration.Days)]));
  for (const t of rule.Transitions ?? []) {
    items.push(
      block(
        "transition",
        [],
        [attr("days", t.Days ?? 0), attr("storage_class", t.StorageClass ?? "STANDARD_IA")],
      ),
    );
  }
  if (rule.NoncurrentVersionExpiration?.NoncurrentDays !== undefined) {
    items.push(
      block(
        "noncurrent_version_expiration",
        [],
        [attr("noncurrent_days", rule.NoncurrentVersionExpiration.NoncurrentDays)],
      ),
    );
  }
  return block("rule", [], items);
}

/** A policy document as `jsonencode({...})`, so it stays readable and reviewable. */
function jsonencode(document: IacPolicyDocument): HclValue {
  return call("jsonencode", document as unknown as HclValue);
}

function developerBlocks(dev: IacDeveloper, existing: Block[]): Block[] {
  const user = resourceName(dev.userName);
  const policy = resourceName(dev.policyName);
  const has = (type: string, name: string) =>
    existing.some((b) => b.labels[0] === type && b.labels[1] === name);
  const blocks: Block[] = [];
  if (!has("aws_iam_policy", policy)) {
    blocks.push(
      resource("aws_iam_policy", policy, [
        attr("name", dev.policyName),
        attr("path", dev.path),
        attr("policy", jsonencode(dev.policyDocument)),
      ]),
    );
  }
  blocks.push(
    resource("aws_iam_user", user, [
      attr("name", dev.userName),
      attr("path", dev.path),
      attr("tags", dev.tags),
    ]),
  );
  if (dev.groupName) {
    const group = resourceName(dev.groupName);
    if (!has("aws_iam_group", group)) {
      blocks.push(
        resource("aws_iam_group", group, [attr("name", dev.groupName), attr("path", dev.path)]),
        resource("aws_iam_group_policy_attachment", group, [
          attr("group", ref(`aws_iam_group.${group}.name`)),
          attr("policy_arn", ref(`aws_iam_policy.${policy}.arn`)),
        ]),
      );
    }
    blocks.push(
      resource("aws_iam_user_group_membership", user, [
        attr("user", ref(`aws_iam_user.${user}.name`)),
        attr("groups", [ref(`aws_iam_group.${group}.name`)]),
      ]),
    );
  } else {
    blocks.push(
      resource("aws_iam_user_policy_attachment", user, [
        attr("user", ref(`aws_iam_user.${user}.name`)),
        attr("policy_arn", ref(`aws_iam_policy.${policy}.arn`)),
      ]),
    );
  }
  if (dev.createKey) {
    blocks.push(
      resource("aws_iam_access_key", user, [attr("user", ref(`aws_iam_user.${user}.name`))]),
      {
        type: "output",
        labels: [`${user}_access_key_id`],
        body: [attr("value", ref(`aws_iam_access_key.${user}.id`))],
      },
      {
        type: "output",
        labels: [`${user}_secret_access_key`],
        body: [attr("value", ref(`aws_iam_access_key.${user}.secret`)), attr("sensitive", true)],
      },
    );
  }
  return blocks;
}

/** The statement that lets the distribution in this file read the bucket. */
function cdnStatement(c: IacCdn): object {
  return cloudFrontReadStatement(
    c.bucket,
    c.region,
    c.prefix,
    ref(`aws_cloudfront_distribution.${resourceName(c.bucket)}.arn`),
  );
}

function cdnBlocks(c: IacCdn, bucketInFile: boolean): Block[] {
  const name = resourceName(c.bucket);
  const distribution = `aws_cloudfront_distribution.${name}`;
  const blocks: Block[] = [
    resource("aws_cloudfront_origin_access_control", name, [
      attr("name", c.oacName),
      attr("description", c.oacDescription),
      attr("origin_access_control_origin_type", "s3"),
      attr("signing_behavior", "always"),
      attr("signing_protocol", "sigv4"),
    ]),
    resource("aws_cloudfront_distribution", name, [
      attr("enabled", true),
      attr("comment", c.comment),
      attr("is_ipv6_enabled", true),
      attr("http_version", "http2and3"),
      attr("price_class", c.priceClass),
      ...(c.aliases.length > 0 ? [attr("aliases", c.aliases)] : []),
      block(
        "origin",
        [],
        [
          attr("origin_id", c.originId),
          attr(
            "domain_name",
            bucketInFile
              ? ref(`aws_s3_bucket.${name}.bucket_regional_domain_name`)
              : c.originDomain,
          ),
          attr("origin_access_control_id", ref(`aws_cloudfront_origin_access_control.${name}.id`)),
        ],
      ),
      block(
        "default_cache_behavior",
        [],
        [
          attr("target_origin_id", c.originId),
          attr("viewer_protocol_policy", c.viewerProtocolPolicy),
          attr("cache_policy_id", c.cachePolicyId),
          attr("compress", true),
          attr("allowed_methods", c.methods),
          attr("cached_methods", c.methods),
        ],
      ),
      block("restrictions", [], [block("geo_restriction", [], [attr("restriction_type", "none")])]),
      block(
        "viewer_certificate",
        [],
        c.certificateArn
          ? [
              attr("acm_certificate_arn", c.certificateArn),
              attr("ssl_support_method", "sni-only"),
              attr("minimum_protocol_version", c.minimumProtocolVersion),
            ]
          : [attr("cloudfront_default_certificate", true)],
      ),
      attr("tags", c.tags),
    ]),
  ];
  if (!bucketInFile) {
    blocks.push(
      resource("aws_s3_bucket_policy", name, [
        attr("bucket", c.bucket),
        attr(
          "policy",
          jsonencode({ Version: "2012-10-17", Statement: [...c.otherStatements, cdnStatement(c)] }),
        ),
      ]),
    );
  }
  blocks.push(
    {
      type: "output",
      labels: ["distribution_id"],
      body: [attr("value", ref(`${distribution}.id`))],
    },
    {
      type: "output",
      labels: ["distribution_domain_name"],
      body: [attr("value", ref(`${distribution}.domain_name`))],
    },
    {
      type: "output",
      labels: ["aws_s3_custom_domain"],
      body: [
        attr("description", "AWS_S3_CUSTOM_DOMAIN for the app (django-storages)"),
        attr(
          "value",
          c.aliases.find((a) => !a.startsWith("*.")) ?? ref(`${distribution}.domain_name`),
        ),
      ],
    },
  );
  return blocks;
}
