import { type CdnInfoReport, cdnInfo } from "../../core/cdn/info.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import type { Style } from "../../io/style.js";
import { defineCommand } from "../context.js";

export default defineCommand<Record<string, never>>({
  examples: ["s3kit cdn info my-app-assets", "s3kit cdn info my-app-assets --json"],
  notes: [
    'A distribution without an origin access control shows "none: requests reach the bucket unsigned". Each one\'s URL and AWS_S3_CUSTOM_DOMAIN are shown; whether the policy lets it read is checked for an object under its prefix.',
  ],
  configure(cmd) {
    cmd
      .description(
        "Show the CloudFront distributions in front of a bucket (any origin on it, s3kit's or " +
          "not): id, domain, status, custom domains, the origin access control it signs with, " +
          "and whether the bucket policy lets it read (decided by s3kit's policy evaluator), " +
          "plus whether the policy lets anyone read without CloudFront.",
      )
      .argument("<bucket>", "bucket name");
  },
  async run(ctx, args) {
    const bucket = args[0] as string;
    assertValidBucketName(bucket);
    const report = await cdnInfo(await ctx.aws(), bucket);
    ctx.out.result(report, (r) => renderInfo(r, ctx.out.style));
    if (report.distributions.length === 0) {
      ctx.out.hint(`Put one in front of it with \`s3kit cdn create ${bucket}\`.`);
    }
    return undefined;
  },
});

function renderInfo(r: CdnInfoReport, style: Style): string {
  if (r.distributions.length === 0) return `No CloudFront distribution is in front of ${r.bucket}.`;
  const lines = [`CloudFront in front of ${r.bucket} (${r.region}):`];
  for (const d of r.distributions) {
    const read = d.bucketPolicyAllows;
    lines.push(
      "",
      `${style.bold(d.id)}  ${d.domainName}  ${d.status}  ${d.enabled ? "enabled" : style.yellow("disabled")}${d.managedByS3kit ? "  managed by s3kit" : ""}`,
      `  custom domains:        ${d.aliases.join(", ") || "(none)"}`,
      `  origin:                ${d.origin}`,
      `  origin access control: ${
        d.originAccessControl
          ? `${d.originAccessControl.name} (${d.originAccessControl.id}): ${d.originAccessControl.signingProtocol}, ${d.originAccessControl.signingBehavior === "always" ? "always sign" : `signing ${d.originAccessControl.signingBehavior}`}`
          : d.originAccessIdentity
            ? style.yellow(`none (legacy origin access identity ${d.originAccessIdentity})`)
            : style.yellow("none: requests reach the bucket unsigned")
      }`,
      `  bucket policy:         ${
        read.decision === "allowed"
          ? style.green(`lets it read ${d.checkedKey} (${read.deciding.join(", ")})`)
          : style.red(
              `does not let it read ${d.checkedKey} (${read.decision}${read.deciding.length ? `: ${read.deciding.join(", ")}` : ""})`,
            )
      }`,
      `  url:                   ${d.url}`,
      ...Object.entries(d.env).map(([k, v]) => `  app:                   ${k}=${v}`),
    );
  }
  const named = new Set(r.distributions.map((d) => d.arn));
  for (const g of r.grants) {
    const stale = g.distributionArns.filter((a) => !named.has(a));
    if (stale.length > 0) {
      lines.push(
        "",
        style.yellow(
          `Statement ${g.statement} lets ${stale.join(", ")} read, but no such distribution is in front of ${r.bucket} (deleted, or pointing elsewhere).`,
        ),
      );
    }
    if (g.distributionArns.length === 0) {
      lines.push(
        "",
        style.yellow(
          `Statement ${g.statement} lets any CloudFront distribution (of any account) read: add an AWS:SourceArn condition.`,
        ),
      );
    }
  }
  lines.push(
    "",
    `Block Public Access: ${r.blockPublicAccess}; the bucket policy ${r.policyLetsAnyoneRead === null ? "could not be read" : r.policyLetsAnyoneRead ? style.red("lets anyone read without CloudFront") : "lets no one else read"}.`,
  );
  return lines.join("\n");
}
