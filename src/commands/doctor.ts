import { type CheckStatus, type DoctorOptions, runDoctor } from "../core/doctor.js";
import { ExitCode, UsageError } from "../core/errors.js";
import { openEnvFile } from "../core/handover/connection.js";
import { isAccessLevel } from "../core/policy/generate.js";
import { ACCESS_LEVEL_NAMES } from "../core/policy/templates.js";
import { assertExistingBucketName } from "../core/s3/bucket-names.js";
import { assertValidKey } from "../core/s3/keys.js";
import { symbols } from "../io/style.js";
import { defineCommand } from "./context.js";
import { bucket } from "./options/common.js";
import { declareOptions, type OptionsOf, repeatable, value } from "./options/spec.js";

const options = {
  bucket: bucket.describe("also check this bucket"),
  prefix: repeatable(
    "--prefix",
    "prefix",
    "a developer's key: check list, read and upload under this prefix (repeatable)",
  ),
  access: value(
    "--access",
    "level",
    `what the key is meant to do (${ACCESS_LEVEL_NAMES.join(", ")}): a denied action it includes fails, one it does not include is expected`,
  ),
  envFile: value(
    "--env-file",
    "file",
    "use the keys, region, endpoint, bucket and prefix of this file (any file s3kit wrote)",
  ),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit doctor",
    "s3kit doctor --bucket my-app-uploads",
    "s3kit doctor --json",
    "s3kit doctor --env-file .env                                   # a developer's keys, bucket and prefix",
    "s3kit doctor --bucket my-app-uploads --prefix uploads/ --access read-write",
  ],
  configure(cmd) {
    cmd.description(
      "Check that s3kit can work here: the endpoint answers, the credentials are valid (and not\nthe root user's), the clock is in sync; with --bucket, that the bucket exists in this\nregion, can be listed, and how its public-access block and encryption are set.\nThe credentials are proven with a signed request the endpoint supports (STS, or S3\nListBuckets, or ListObjectsV2 on --bucket where there is no STS).\nFor a developer's key (--prefix, or --env-file: the keys, bucket and prefix that\ns3kit wrote) it checks what the key is meant to do instead: list, read and upload\nunder the prefix (a probe upload that is aborted: nothing is left behind), and\nsays what to ask an admin.\nExits 4 if the endpoint rejects the credentials, 6 if another check fails.",
    );
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    if (opts.access !== undefined && !isAccessLevel(opts.access)) {
      throw new UsageError(
        `Unknown --access "${opts.access}".`,
        `Use one of: ${ACCESS_LEVEL_NAMES.join(", ")}.`,
        "InvalidAccessLevel",
      );
    }
    const opened = opts.envFile
      ? openEnvFile(ctx.cwd, opts.envFile, ctx.env, ctx.globals.profile)
      : undefined;
    const file = opened?.file;
    const bucket = opts.bucket ?? file?.bucket;
    const prefixes =
      opts.prefix.length > 0
        ? opts.prefix
        : file
          ? (file.prefix ?? "").split(/\s+/).filter(Boolean)
          : undefined;
    if (!bucket && (opts.prefix.length > 0 || opts.access !== undefined)) {
      throw new UsageError(
        `${opts.prefix.length > 0 ? "--prefix" : "--access"} needs a bucket.`,
        "Give --bucket NAME (or an --env-file that names the bucket).",
        "MissingBucket",
      );
    }
    if (bucket && prefixes) {
      assertExistingBucketName(bucket);
      for (const prefix of prefixes) assertValidKey(prefix, `--prefix ${prefix}`);
    }
    const options: DoctorOptions = {
      ...(bucket ? { bucket } : {}),
      ...(prefixes ? { prefixes } : {}),
      ...(opts.access && isAccessLevel(opts.access) ? { access: opts.access } : {}),
      ...(file
        ? { envFile: { path: file.path, ...(file.userName ? { userName: file.userName } : {}) } }
        : {}),
    };
    const aws = opened ? await ctx.connect(opened.connection) : await ctx.aws();
    const report = await runDoctor(aws, options);
    const { style } = ctx.out;
    const mark: Record<CheckStatus, string> = {
      pass: style.green(symbols.ok),
      warn: style.yellow(symbols.warn),
      fail: style.red(symbols.fail),
      skip: style.dim("-"),
    };
    ctx.out.result(report, (r) =>
      r.checks
        .map((c) => {
          const line = `${mark[c.status]} ${c.title}: ${c.detail}`;
          return c.hint && c.status !== "pass" ? `${line}\n    ${style.dim(c.hint)}` : line;
        })
        .join("\n"),
    );
    if (report.ok) return undefined;
    const failed = report.checks.filter((c) => c.status === "fail").length;
    ctx.out.info(`${failed} check${failed === 1 ? "" : "s"} failed.`);
    // Rejected credentials are exit 4 everywhere in s3kit, doctor included.
    return report.credentialsRejected ? ExitCode.accessDenied : ExitCode.checkFailed;
  },
});
