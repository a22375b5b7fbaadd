import { createBucket } from "../../core/buckets/create.js";
import { settingLabel } from "../../core/buckets/describe.js";
import { readInputFile } from "../../core/buckets/json-input.js";
import { parseCreateFlags, TRANSITION_CLASSES } from "../../core/buckets/spec.js";
import { iacBucket, renderStack } from "../../core/iac/from-specs.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { defineCommand } from "../context.js";
import { bucketSettings } from "../options/bucket-settings.js";
import { dryRun } from "../options/common.js";
import { emit } from "../options/emit.js";
import { declareOptions, list, type OptionsOf, toggle, value } from "../options/spec.js";
import {
  renderCreatePlan,
  renderCreateReport,
  renderInterruptCleanup,
  renderNotSupported,
} from "../render/bucket-create.js";

const options = {
  generateName: bucketSettings.generateName,
  env: value("--env", "env", "environment part of a generated name, e.g. dev"),
  project: bucketSettings.project,
  kmsKey: value("--kms-key", "arn", "default encryption SSE-KMS with this key and a bucket key"),
  versioning: bucketSettings.versioning,
  corsOrigin: bucketSettings.corsOrigin,
  corsMethods: list("--cors-methods", "method", "CORS methods instead of GET, PUT, POST, HEAD"),
  corsFile: value("--cors-file", "file", 'CORS rules from a JSON file ({"CORSRules": [...]})'),
  expireDays: bucketSettings.expireDays,
  expirePrefix: bucketSettings.expirePrefix,
  transition: list(
    "--transition",
    "class:days",
    `move objects to colder storage: ${TRANSITION_CLASSES.join(", ")} (e.g. STANDARD_IA:30)`,
  ),
  noncurrentExpireDays: value(
    "--noncurrent-expire-days",
    "n",
    "delete old versions N days after they became noncurrent (with --versioning)",
  ),
  tag: list("--tag", "key=value", "add or update bucket tags"),
  accessLogBucket: value(
    "--access-log-bucket",
    "bucket",
    "write server access logs into this bucket",
  ),
  accessLogPrefix: value(
    "--access-log-prefix",
    "prefix",
    "key prefix for the access logs (default: NAME/)",
  ),
  publicRead: bucketSettings.publicRead,
  publicPrefix: bucketSettings.publicPrefix,
  tlsPolicy: toggle(
    "--tls-policy",
    "apply the TLS-only bucket policy even on a plain-HTTP endpoint (applied by default otherwise)",
    "remove s3kit's TLS-only statements from the bucket policy",
  ),
  dryRun,
  strict: bucketSettings.strict,
  emit,
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit bucket create my-app-uploads",
    "s3kit bucket create my-app-uploads --region eu-west-1 --cors-origin https://app.example.com http://localhost:3000",
    "s3kit bucket create --generate-name --env dev --project shop --versioning --noncurrent-expire-days 30",
    "s3kit bucket create my-app-logs --expire-days 90 --transition STANDARD_IA:30 GLACIER_IR:60",
    "s3kit bucket create my-app-assets --public-read --public-prefix images/ --yes",
    "s3kit bucket create my-app-uploads --kms-key arn:aws:kms:eu-west-1:123456789012:key/1234abcd-… --dry-run",
    "s3kit bucket create my-app-uploads --cors-origin https://app.example.com --emit terraform > bucket.tf",
    "s3kit bucket create my-app-uploads --endpoint-url https://minio.example.com --strict",
  ],
  notes: [
    'Before any call (exit 2, nothing created): every S3 naming rule, origins without a scheme, unknown storage classes, non-positive days, a CORS file that is not valid JSON (with line and column), --public-read without --yes. --cors-file takes {"CORSRules": [...]} as `aws s3api put-bucket-cors` does, or a list of rules.',
    "On an existing bucket, policy statements and lifecycle rules s3kit did not write (other Sids and rule IDs) are kept, and so is an SSE-KMS configuration when no --kms-key is given. A bucket made public with --public-read becomes private again when the command runs without it; --public-read turns off only BlockPublicPolicy and RestrictPublicBuckets, the ACL blocks stay on. The access-log bucket must be in the same region and let logging.s3.amazonaws.com write.",
    "A bucket you already own converges (BucketAlreadyOwnedByYou); a name another account owns exits 5 with a hint to choose another or use --generate-name. If a step fails (or Ctrl-C arrives) after this run created the bucket, it is deleted again, but only if the run can prove it created it and it is still empty (no objects, versions, delete markers or open uploads). In us-east-1, where S3 answers success for a bucket you already own, another run may have created the same name: s3kit leaves the bucket, says why, and prints the command that deletes it. On a bucket that existed before nothing is deleted, and the report lists what was and was not applied.",
    "A setting the endpoint does not support (it answers NotImplemented or HTTP 501, or rejects the AWS schema s3kit sent) is learned on every run, never from the endpoint's name: the rest is applied, each policy statement or lifecycle rule the endpoint accepts included, and each gap is named on stderr with what it means for safety. On a plain-HTTP endpoint (a local MinIO, moto) the TLS-only policy would deny every request, so it is left out and reported; --tls-policy applies it anyway, and --no-tls-policy removes s3kit's TLS statements (the way to accept that with --strict).",
    "--strict makes any gap exit 5: when it is known before writing (reads of an existing bucket, read-only probes of a new one, a plain-HTTP endpoint) nothing is changed, otherwise the run stops and rolls back as above. --dry-run shows each API call with its parameters and, for an existing bucket, the difference from its current state.",
    "JSON: {bucket, region, dryRun, existed, created, changed, settings: [{setting, status, value, previous}], notSupported: [{setting, part, label, safeDefault, meaning, evidence}], warnings, rollback: {deleted, reason}}. setting is bucket, ownership, publicAccessBlock, encryption, versioning, policy, lifecycle, cors, tags or logging; status is created, updated, unchanged, unsupported, failed, not-applied or rolled-back (with --dry-run: create, update, unchanged or unsupported, and call: {operation, input}).",
    "Exit codes: 0 done (or nothing to do), 2 bad input, 3 a target such as the access-log bucket does not exist, 4 access denied, 5 the name belongs to another account, the bucket is in another region, or (--strict) a setting is not supported.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Create a bucket with safe defaults, or converge an existing one to them: Block Public " +
          "Access (all four settings), Object Ownership BucketOwnerEnforced (no ACLs), default " +
          "encryption SSE-S3 (or SSE-KMS with --kms-key), a bucket policy that denies plain HTTP and " +
          "TLS older than 1.2, and a lifecycle rule that aborts incomplete multipart uploads after " +
          "7 days. Re-running is safe: settings already in place are left alone, and an option " +
          "you change updates only that setting. Settings you do not ask for (versioning, CORS, " +
          "expiry, transitions, tags, logging) stay as they are on an existing bucket. " +
          "A setting the endpoint does not support (S3-compatible servers lack some) is applied " +
          "as far as it goes and reported with what that means for safety; --strict makes it an " +
          "error. If a step fails on a bucket this run provably created, the bucket is deleted " +
          "again while it is still empty.",
      )
      .argument("[name]", "bucket name (3-63 lowercase letters, digits, dots and hyphens)");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const name = args[0] as string | undefined;
    // The name first: the most common mistake, reported before anything else is looked at.
    if (name !== undefined && !opts.generateName) assertValidBucketName(name);
    const aws = await ctx.aws();
    const spec = parseCreateFlags(
      {
        name,
        generateName: opts.generateName,
        env: opts.env,
        project: opts.project,
        kmsKey: opts.kmsKey,
        versioning: opts.versioning,
        corsOrigin: opts.corsOrigin,
        corsMethods: opts.corsMethods,
        corsFile: opts.corsFile ? readInputFile(opts.corsFile, "--cors-file", ctx.cwd) : undefined,
        expireDays: opts.expireDays,
        expirePrefix: opts.expirePrefix,
        transition: opts.transition,
        noncurrentExpireDays: opts.noncurrentExpireDays,
        tag: opts.tag,
        accessLogBucket: opts.accessLogBucket,
        accessLogPrefix: opts.accessLogPrefix,
        publicRead: opts.publicRead,
        publicPrefix: opts.publicPrefix,
        tlsPolicy: opts.tlsPolicy,
      },
      {
        region: aws.region,
        yes: ctx.globals.yes,
        // A template is for AWS, where the TLS-only policy always applies.
        plainHttpEndpoint: !opts.emit && aws.endpoint("s3").startsWith("http://"),
      },
    );
    if (opts.emit) {
      ctx.out.data(renderStack({ bucket: iacBucket(spec) }, opts.emit));
      return undefined;
    }

    const outcome = await createBucket(aws, spec, {
      dryRun: opts.dryRun === true,
      strict: opts.strict === true,
      onInterrupt: ctx.onInterrupt,
      onInterruptRollback: (result) => ctx.out.warn(renderInterruptCleanup(result)),
    });
    const { report } = outcome;
    for (const warning of report.warnings) ctx.out.warn(warning);
    for (const gap of report.notSupported) ctx.out.warn(renderNotSupported(gap));
    ctx.out.result(report, (r) =>
      r.dryRun ? renderCreatePlan(r, ctx.out) : renderCreateReport(r),
    );
    if (outcome.error) throw outcome.error;

    const gaps = report.notSupported.length;
    const gapNote =
      gaps === 0
        ? ""
        : ` ${gaps} setting${gaps === 1 ? " is" : "s are"} not supported by this endpoint (see the warnings above).`;
    if (report.dryRun) {
      const calls = report.settings.filter((s) => s.call).length;
      ctx.out.info(
        `Dry run: ${calls} API call${calls === 1 ? "" : "s"} planned; nothing was changed.${gapNote}`,
      );
      if (calls > 0 && aws.settings.endpoints.s3) {
        ctx.out.hint(
          "Whether the endpoint supports the other settings shows when they are applied: one it refuses is reported, not rolled back (with --strict: exit 5).",
        );
      }
    } else if (report.created) {
      ctx.out.success(
        gaps === 0
          ? `Created bucket ${report.bucket} in ${report.region} with safe defaults.`
          : `Created bucket ${report.bucket} in ${report.region} with the safe defaults this endpoint supports.${gapNote}`,
      );
    } else if (report.changed) {
      const n = report.settings.filter((s) => s.status === "updated" || s.status === "created");
      ctx.out.success(
        `Updated ${n.length} setting${n.length === 1 ? "" : "s"} of ${report.bucket}: ${n.map((s) => settingLabel(s.setting)).join(", ")}.${gapNote}`,
      );
    } else {
      ctx.out.success(
        gaps === 0
          ? `${report.bucket} already has every setting: nothing changed.`
          : `${report.bucket} already has every setting this endpoint supports: nothing changed.${gapNote}`,
      );
    }
    return undefined;
  },
});
