import { type CheckStatus, type DoctorOptions, runDoctor } from "../core/doctor.js";
import { ExitCode, UsageError } from "../core/errors.js";
import { openEnvFile } from "../core/handover/connection.js";
import { isAccessLevel } from "../core/policy/generate.js";
import { ACCESS_LEVEL_NAMES } from "../core/policy/templates.js";
import { assertExistingBucketName } from "../core/s3/bucket-names.js";
import { assertValidKey } from "../core/s3/keys.js";
import { symbols } from "../io/style.js";
import { defineCommand } from "./context.js";
import { bucket, envFile } from "./options/common.js";
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
  envFile: envFile.describe(
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
  notes: [
    "An access denied answer to the credential check still proves the keys: the endpoint checked the signature first. Settings the bucket's endpoint does not support (MinIO's public access block, versitygw's encryption) are warnings that say so, not failures.",
    "For a developer's key, each prefix gets a one-key listing, a one-byte read of an object found there, and an upload started and aborted (authorized as s3:PutObject; nothing is left behind). The bucket's settings are skipped (reading them needs admin rights), and a HeadBucket refused to a prefix-limited key still proves the bucket exists. Each hint says what to ask an admin: with STS the exact `s3kit policy debug --user U --bucket B --action A --key K`, without (MinIO) the masked key to find in `s3kit iam list-devs`. A key that was rotated away exits 4 with a hint to ask for the current one.",
    "Without --access, a denied action is a warning (a read key may not upload) and a key that can do none of the three fails; with --access LEVEL, a denied action the level includes fails (exit 6), one it does not include is expected.",
  ],
  configure(cmd) {
    cmd.description(
      "Check that s3kit can work here: the endpoint answers, the credentials are valid (and not the root user's), the clock is in sync; with --bucket, that the bucket exists in this region, can be listed, and how its public-access block and encryption are set. The credentials are proven with a signed request the endpoint supports (STS, or S3 ListBuckets, or ListObjectsV2 on --bucket where there is no STS).\n\nFor a developer's key (--prefix, or --env-file: the keys, bucket and prefix that s3kit wrote) it checks what the key is meant to do instead: list, read and upload under the prefix (a probe upload that is aborted: nothing is left behind), and says what to ask an admin.\n\nExits 4 if the endpoint rejects the credentials, 6 if another check fails.",
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
