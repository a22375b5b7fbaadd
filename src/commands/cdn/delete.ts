import {
  type CdnDeleteReport,
  DeployTimeout,
  deleteCdn,
  findCdnToDelete,
} from "../../core/cdn/delete.js";
import { ExitCode, InterruptedError, S3kitError, UsageError } from "../../core/errors.js";
import { parseDuration } from "../../core/presign/duration.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { confirm } from "../../io/prompt.js";
import { startSpinner } from "../../io/spinner.js";
import { defineCommand } from "../context.js";
import { declareOptions, negatable, type OptionsOf, value } from "../options/spec.js";

const options = {
  wait: negatable("--no-wait", "do not wait for CloudFront to deploy the disabled distribution"),
  timeout: value("--timeout", "duration", "how long to wait for CloudFront (default 30m)"),
};

const POLL_MS = 15_000;

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit cdn delete my-app-assets",
    "s3kit cdn delete my-app-assets --yes --no-wait   # disable now, run again later to finish",
  ],
  notes: [
    "The S3kitCloudFrontRead statement is removed (the whole policy when nothing else is left). Run it again to finish after --no-wait, a timeout or Ctrl-C. Exit 3 when s3kit set up nothing for the bucket.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Take down what `cdn create` set up for a bucket: the distribution s3kit tagged is " +
          "disabled, its bucket policy statement removed (other statements stay), and once " +
          "CloudFront has deployed the disabled distribution (usually a few minutes) it is " +
          "deleted, then its origin access control. Asks first (--yes answers for you). With " +
          "--no-wait it stops after disabling; run it again later to finish. Distributions " +
          "s3kit did not make are left alone.",
      )
      .argument("<bucket>", "the bucket the distribution serves");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const bucket = args[0] as string;
    assertValidBucketName(bucket);
    const timeoutMs = parseTimeout(opts.timeout ?? "30m");
    const aws = await ctx.aws();
    const target = await findCdnToDelete(aws, bucket);
    const d = target.distribution;
    const what = [
      d ? `the CloudFront distribution ${d.id} (${[d.domainName, ...d.aliases].join(", ")})` : "",
      target.policy ? "its S3kitCloudFrontRead bucket policy statement" : "",
      target.oac ? `the origin access control ${target.oac.Name}` : "",
    ].filter(Boolean);
    const question = `Delete ${what.join(", ")} of ${bucket}?${d ? " Its URLs stop working." : ""}`;
    if (!(await confirm(ctx.out, question, { yes: ctx.globals.yes }))) {
      throw new S3kitError({
        code: "Cancelled",
        message: "Not confirmed; nothing was deleted.",
        exitCode: ExitCode.failure,
      });
    }
    const spinner = await startSpinner(
      ctx.out,
      d ? `Disabling ${d.id} and waiting for CloudFront to deploy that` : "Removing",
    );
    // Ctrl-C while waiting leaves a disabled distribution: nothing to undo, but say how to finish.
    let finished = false;
    const unregister = ctx.onInterrupt({
      run: () => {},
      pending: () =>
        finished
          ? []
          : [
              {
                doing: `deleting ${d ? `the disabled distribution ${d.id} and ` : ""}what else s3kit set up for ${bucket}`,
                command: `s3kit cdn delete ${bucket} --region ${aws.region} --yes`,
              },
            ],
    });
    let report: Awaited<ReturnType<typeof deleteCdn>>;
    try {
      report = await deleteCdn(aws, target, {
        wait: opts.wait !== false,
        timeoutMs,
        pollMs: POLL_MS,
        signal: ctx.signal,
        onPoll: (elapsed) =>
          spinner.text(
            `Waiting for CloudFront to deploy the disabled distribution ${d?.id} (${Math.round(elapsed / 1000)} s; usually a few minutes)`,
          ),
      });
    } catch (err) {
      spinner.stop();
      if (err instanceof DeployTimeout) ctx.out.result(err.report, renderSteps);
      throw err;
    } finally {
      unregister();
    }
    spinner.stop();
    finished = report.deleted;
    ctx.out.result(report, renderSteps);
    if (ctx.signal.aborted) {
      throw new InterruptedError(
        `Interrupted while CloudFront deployed the disabled distribution ${d?.id}; run \`s3kit cdn delete ${bucket} --yes\` again to finish.`,
      );
    }
    if (report.pending) {
      ctx.out.info(
        `${d?.id} is disabled and serves nothing; CloudFront deletes it only once that is deployed (a few minutes). Run \`s3kit cdn delete ${bucket} --yes\` again to finish.`,
      );
    } else {
      ctx.out.success(`Removed the CloudFront setup of ${bucket}.`);
    }
    return undefined;
  },
});

function renderSteps(r: CdnDeleteReport): string {
  return r.steps.map((s) => `${s.status.padEnd(7)}  ${s.detail}`).join("\n");
}

const MAX_TIMEOUT_SECONDS = 24 * 3600;

function parseTimeout(text: string): number {
  let seconds: number;
  try {
    seconds = parseDuration(text, Number.MAX_SAFE_INTEGER);
  } catch (err) {
    throw new UsageError(
      `--timeout ${(err as Error).message.replace(/^Invalid duration/, "is not a duration:")}`,
      "Use seconds (900) or a number with a unit: 30s, 15m, 1h.",
      "InvalidTimeout",
    );
  }
  if (seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(
      `--timeout ${text} is longer than a day; CloudFront deploys a change in minutes.`,
      "Use --timeout 1h or less, or --no-wait and run the command again later.",
      "InvalidTimeout",
    );
  }
  return seconds * 1000;
}
