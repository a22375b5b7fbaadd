import { createCdn } from "../../core/cdn/create.js";
import { parseCdnFlags } from "../../core/cdn/spec.js";
import { iacCdn, renderStack } from "../../core/iac/from-specs.js";
import { defineCommand } from "../context.js";
import { dryRun } from "../options/common.js";
import { emit } from "../options/emit.js";
import { declareOptions, list, type OptionsOf, value } from "../options/spec.js";
import { renderCdnPlan, renderCdnReport } from "../render/cdn.js";

const options = {
  prefix: value("--prefix", "prefix", "serve only the objects under this prefix (e.g. images/)"),
  domain: list(
    "--domain",
    "domain",
    "serve on your own domain(s), e.g. cdn.example.com (needs --certificate-arn)",
  ),
  certificateArn: value(
    "--certificate-arn",
    "arn",
    "ACM certificate in us-east-1 that covers every --domain",
  ),
  priceClass: value(
    "--price-class",
    "class",
    "edge locations: 100 (North America, Europe, Israel; cheapest), 200, or All (a new distribution's default)",
  ),
  dryRun,
  emit,
};

/** A rollback waits this long for CloudFront to deploy the disabled distribution it must delete. */
const ROLLBACK_TIMEOUT_MS = 15 * 60_000;
const POLL_MS = 15_000;

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit cdn create my-app-assets",
    "s3kit cdn create my-app-assets --prefix images/ --price-class 100",
    "s3kit cdn create my-app-assets --domain cdn.example.com --certificate-arn arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-…",
    "s3kit cdn create my-app-assets --dry-run",
    "s3kit cdn create my-app-assets --emit terraform > cdn.tf",
  ],
  notes: [
    "The bucket policy statement is S3kitCloudFrontRead: s3:GetObject for cloudfront.amazonaws.com with AWS:SourceArn set to the distribution, so no other distribution and no anonymous caller can read. s3kit finds its distribution again by its tags (managed-by=s3kit, s3kit:bucket=BUCKET) and its origin access control by name (s3kit-BUCKET). A re-run updates only what differs (origin, origin access control, viewer protocol, cache policy, compression, methods, enabled; domains, certificate and price class when given) and keeps everything else (other origins and behaviours, logging, WAF, comment). A new distribution gets price class All unless asked; an existing one keeps its class.",
    "Exit 3 for a bucket that does not exist; exit 2 before any change for a certificate outside us-east-1 or one whose names (a wildcard covers one label) do not cover every --domain; exit 3 for a certificate ACM does not know, 5 for one not yet issued. Where ACM cannot be asked, a warning says the check was skipped.",
    "If a step fails, what this run created is disabled and removed; if CloudFront has not deployed the disabled distribution within 15 minutes, the error says to finish with `cdn delete`. Warnings: Block Public Access not fully on, a statement that still makes objects public, SSE-KMS (the key policy must let CloudFront decrypt), other distributions on the bucket.",
    "--emit writes the origin access control, the distribution and a bucket policy. A bucket policy resource replaces the bucket's whole policy, so it carries the TLS-only statements of `bucket create` beside the CloudFront one: add any other statements the bucket has before applying it.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Serve a private bucket's objects through CloudFront: an origin access control (SigV4, " +
          "always sign), a distribution (HTTPS only: HTTP is redirected; the managed " +
          "CachingOptimized cache policy; compression; GET and HEAD only), and a bucket policy " +
          "statement that lets only that distribution read (the objects under --prefix, or " +
          "all). Other policy statements stay, and the bucket stays private: Block Public " +
          "Access is not touched. URL paths are object keys. Prints the distribution's domain " +
          "and AWS_S3_CUSTOM_DOMAIN for the app. Re-running converges; if a step fails, what " +
          "this run created is removed again.",
      )
      .argument("<bucket>", "the bucket to serve");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const bucket = args[0] as string;
    const spec = parseCdnFlags(
      {
        bucket,
        prefix: opts.prefix,
        domain: opts.domain,
        certificateArn: opts.certificateArn,
        priceClass: opts.priceClass,
      },
      (await ctx.aws()).region,
    );
    if (opts.emit) {
      ctx.out.data(renderStack({ cdn: iacCdn(spec) }, opts.emit));
      return undefined;
    }
    const aws = await ctx.aws();
    const outcome = await createCdn(aws, spec, {
      dryRun: opts.dryRun === true,
      rollbackTimeoutMs: ROLLBACK_TIMEOUT_MS,
      pollMs: POLL_MS,
      signal: ctx.signal,
      onInterrupt: (cleanup) => ctx.onInterrupt(cleanup),
      onPoll: (elapsed) =>
        ctx.out.info(
          `A step failed: waiting for CloudFront to deploy the disabled distribution this run created, so it can be deleted (${Math.round(elapsed / 1000)} s; usually a few minutes)…`,
        ),
    });
    const { report } = outcome;
    for (const warning of report.warnings) ctx.out.warn(warning);
    ctx.out.result(report, (r) => (r.dryRun ? renderCdnPlan(r, ctx.out) : renderCdnReport(r)));
    if (outcome.error) throw outcome.error;
    if (report.dryRun) {
      const calls = report.steps.filter((s) => s.call).length;
      ctx.out.info(
        `Dry run: ${calls} API call${calls === 1 ? "" : "s"} planned; nothing was changed.`,
      );
    } else if (report.created) {
      ctx.out.success(
        `Created CloudFront distribution ${report.distribution.id} for ${bucket}; CloudFront takes a few minutes to deploy it to every edge location.`,
      );
    } else if (report.changed) {
      ctx.out.success(`Updated the CloudFront setup of ${bucket}.`);
    } else {
      ctx.out.success(`${bucket} is already served through CloudFront as asked: nothing changed.`);
    }
    return undefined;
  },
});
