import { atOrAbove, SEVERITIES, type Severity } from "../../core/buckets/audit.js";
import { settingLabel } from "../../core/buckets/describe.js";
import { auditBucketByName } from "../../core/buckets/info.js";
import { CheckFailedError, UsageError } from "../../core/errors.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { defineCommand } from "../context.js";
import { declareOptions, type OptionsOf, value } from "../options/spec.js";

const options = {
  failOn: value("--fail-on", "level", "exit 6 if a finding at or above high, medium or low exists"),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit bucket audit my-app-uploads",
    "s3kit bucket audit my-app-uploads --fail-on high",
    "s3kit bucket audit my-app-uploads --json | jq '.findings[].id'",
  ],
  notes: [
    '  Findings (id, severity, when):\n  public-access-block-off        high    no public access block, or all four off\n  public-access-block-partial    medium  some of the four settings off\n  policy-allows-everyone         high    an Allow for Principal "*" (medium with\n                                         conditions)\n  no-default-encryption          medium  no default encryption\n  acls-enabled                   medium  ownership is not BucketOwnerEnforced\n  no-tls-only-policy             medium  no Deny of aws:SecureTransport false\n  cors-any-origin-write          medium  CORS lets origin * PUT, POST or DELETE\n  old-tls-allowed                low     no Deny on s3:TlsVersion below 1.2\n  no-abort-incomplete-multipart  low     no rule aborts incomplete uploads\n  versioning-off                 low     versioning never enabled, or suspended',
    "A bucket policy that lets CloudFront read only for named distributions (as `cdn create` sets it up) passes as served-through-cloudfront. Settings the endpoint does not support are not findings: they are listed after them as n/a, and a plain-HTTP endpoint turns the two TLS checks into one such entry.",
    "JSON: {bucket, region, findings: [{id, severity, title, detail, fix}], passed: [{id, title, detail}], counts: {high, medium, low}, skipped, notSupported, failOn, failed}. Without --fail-on the exit code is 0 whatever the findings.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Check a bucket against best practice: Block Public Access, default encryption, ACLs, " +
          "bucket policies that allow anyone, TLS-only access, a rule that aborts incomplete " +
          "multipart uploads, versioning and CORS. Each finding has an id, a severity (high, " +
          "medium, low) and a fix. With --fail-on LEVEL, exits 6 when a finding at or above " +
          "LEVEL exists (for CI). Settings the endpoint does not support are listed apart " +
          "(n/a), with what that means for safety; they are not findings.",
      )
      .argument("<name>", "bucket name");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const name = args[0] as string;
    assertValidBucketName(name);
    let failOn: Severity | undefined;
    if (opts.failOn !== undefined) {
      const level = opts.failOn.toLowerCase();
      if (!(SEVERITIES as readonly string[]).includes(level)) {
        throw new UsageError(
          `--fail-on must be high, medium or low, not "${opts.failOn}".`,
          "Example: --fail-on high",
        );
      }
      failOn = level as Severity;
    }
    const report = await auditBucketByName(await ctx.aws(), name);
    const failing = failOn ? report.findings.filter((f) => atOrAbove(f.severity, failOn)) : [];
    const { style } = ctx.out;
    const colour: Record<Severity, (s: string) => string> = {
      high: style.red,
      medium: style.yellow,
      low: style.cyan,
    };
    ctx.out.result(
      { ...report, ...(failOn ? { failOn, failed: failing.length > 0 } : {}) },
      (r) => {
        const passes = r.passed.map(
          (p) => `${style.green("PASS  ")} ${p.id}: ${p.title}\n       ${p.detail}`,
        );
        const gaps = r.notSupported.map(
          (g) =>
            `${style.yellow("n/a".padEnd(6))} ${g.label}: not supported by this endpoint; ${g.meaning}`,
        );
        if (r.findings.length === 0) {
          return [
            `${r.bucket}: no findings.`,
            ...passes,
            ...(gaps.length > 0 ? ["", ...gaps] : []),
          ].join("\n");
        }
        const lines = [`${r.bucket} (${r.region}):`, ...passes];
        for (const f of r.findings) {
          lines.push(
            `${colour[f.severity](f.severity.toUpperCase().padEnd(6))} ${f.id}: ${f.title}`,
            `       ${f.detail}`,
            `       ${style.dim(`fix: ${f.fix}`)}`,
          );
        }
        if (gaps.length > 0) lines.push(...gaps);
        lines.push(
          "",
          `${r.findings.length} finding${r.findings.length === 1 ? "" : "s"}: ${r.counts.high} high, ${r.counts.medium} medium, ${r.counts.low} low.`,
        );
        return lines.join("\n");
      },
    );
    for (const s of report.skipped) {
      ctx.out.warn(
        `could not read the ${settingLabel(s.setting)} (${s.reason}); its checks were skipped.`,
      );
    }
    if (failOn && failing.length > 0) {
      throw new CheckFailedError(
        `${failing.length} finding${failing.length === 1 ? "" : "s"} at or above ${failOn}: ${[...new Set(failing.map((f) => f.id))].join(", ")}.`,
        "Apply the fixes above; `s3kit bucket create NAME` converges the safe defaults.",
        "AuditFailed",
      );
    }
    return undefined;
  },
});
