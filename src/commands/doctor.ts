import { type CheckStatus, runDoctor } from "../core/doctor.js";
import { ExitCode } from "../core/errors.js";
import { symbols } from "../io/style.js";
import { defineCommand } from "./context.js";
import { bucket } from "./options/common.js";
import { declareOptions, type OptionsOf } from "./options/spec.js";

const options = { bucket: bucket.describe("also check this bucket") };

export default defineCommand<OptionsOf<typeof options>>({
  examples: ["s3kit doctor", "s3kit doctor --bucket my-app-uploads", "s3kit doctor --json"],
  configure(cmd) {
    cmd.description(
      "Check that s3kit can work here: the endpoint answers, the credentials are valid (and not\nthe root user's), the clock is in sync; with --bucket, that the bucket exists in this\nregion, can be listed, and how its public-access block and encryption are set.\nThe credentials are proven with a signed request the endpoint supports (STS, or S3\nListBuckets, or ListObjectsV2 on --bucket where there is no STS).\nExits 4 if the endpoint rejects the credentials, 6 if another check fails.",
    );
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    const report = await runDoctor(await ctx.aws(), opts.bucket ? { bucket: opts.bucket } : {});
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
