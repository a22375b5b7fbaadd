import { Option } from "commander";
import { runOfflineFix } from "../../core/access/fix-offline.js";
import { type FixFlags, type FixPlanRequest, resolveFixMode } from "../../core/access/mode.js";
import { ExitCode } from "../../core/errors.js";
import { readStdinText } from "../../io/input.js";
import { confirm } from "../../io/prompt.js";
import { withSpinner } from "../../io/spinner.js";
import { type Context, defineCommand } from "../context.js";
import { describeApplied, renderOfflineFix, renderOnlineFix } from "./render-fix.js";

export default defineCommand<FixFlags>({
  examples: [
    "s3kit policy fix --user alice --bucket my-app-uploads --action s3:PutObject --key uploads/a.png",
    "s3kit policy fix --user alice --bucket my-app-uploads --apply",
    "s3kit policy fix --user alice --bucket my-app-uploads --action s3:DeleteObject --key uploads/a.png --scope key",
    "s3kit policy fix --role app-server --bucket my-app-uploads --apply --new-policy app-server-uploads",
    "s3kit policy fix --policy-file policy.json --bucket my-app-uploads --json   # offline: the fixed policy as data",
  ],
  configure(cmd) {
    cmd
      .description(
        "The smallest change to the caller's policies that allows the requested actions\nwithin one scope and nothing outside it: the key, a prefix or the bucket\n(--scope, --prefix; default: the prefix the policies use, else the key's\nfolder). It adds the missing resource or action, points a resource at the\nright bucket, or adds one new statement, and says in one line what it grants\nand what else becomes allowed; then the diff and each action before and after.\nOnline (--user, --role or the caller), --apply writes it (a new default\nversion of a managed policy, PutUserPolicy/PutGroupPolicy/PutRolePolicy for an\ninline one, or --new-policy NAME creates and attaches a managed policy), reads\neverything back and evaluates again. Offline (--policy-file …) nothing is\nwritten. Exits 5 when the request lies outside the scope asked for, 6 when an\naction stays denied (an explicit deny, a boundary, a condition).",
      )
      .option(
        "--policy-file <file...>",
        "offline: identity policies of the caller (JSON; - for stdin)",
      )
      .option("--boundary-file <file>", "offline: the caller's permissions boundary")
      .option("--bucket-policy-file <file>", "offline: the bucket policy")
      .option("--scp-file <file...>", "offline: service control policies of the account")
      .option("--principal-arn <arn>", "offline: the caller's ARN")
      .option(
        "--bucket-account <id>",
        "the account that owns the bucket, when it is not the caller's (online it is looked up where the endpoint tells)",
      )
      .option("--user <name>", "online: the IAM user (default: the caller)")
      .option("--role <name>", "online: the IAM role")
      .option(
        "--action <action...>",
        "actions to allow (default: s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject)",
      )
      .option("--resource <arn>", "the resource ARN, e.g. arn:aws:s3:::my-app-uploads/a.txt")
      .option("--bucket <name>", "the bucket")
      .option("--key <key>", "object key; for ListBucket, the s3:prefix")
      .option("--context <key=value...>", "request context, e.g. s3:prefix=uploads/")
      .option("--apply", "online: write the change, then evaluate again")
      .option("--new-policy <name>", "put the missing permissions into a new managed policy")
      .addOption(
        new Option(
          "--scope <scope>",
          "what the fix may grant: key (that object), prefix (every key under the prefix), bucket (every key); default: the prefix the policies use, else the key's folder",
        ).choices(["key", "prefix", "bucket"]),
      )
      .option("--prefix <prefix>", "grant under this key prefix (implies --scope prefix)");
  },
  async run(ctx, _args, opts) {
    const plan = resolveFixMode(opts);
    if (plan.mode === "online") return runOnline(ctx, plan);
    const report = await runOfflineFix(plan, {
      cwd: ctx.cwd,
      readStdin: () => readStdinText(ctx.out.streams),
      warn: (message) => ctx.out.warn(message),
    });
    ctx.out.result(report, (d) => renderOfflineFix(d, ctx.out.style));
    return report.complete ? undefined : ExitCode.checkFailed;
  },
});

async function runOnline(
  ctx: Context,
  plan: Extract<FixPlanRequest, { mode: "online" }>,
): Promise<number | undefined> {
  const { runOnlineFix } = await import("../../core/access/fix-online.js");
  const aws = await ctx.aws();
  const { bucket } = plan.target;
  const report = await withSpinner(
    ctx.out,
    plan.apply ? `Fixing access to ${bucket}` : `Working out the fix for ${bucket}`,
    () =>
      runOnlineFix(aws, plan, (question) => confirm(ctx.out, question, { yes: ctx.globals.yes })),
  );
  ctx.out.result(report, (r) => renderOnlineFix(r, ctx.out.style));
  if (report.applied) ctx.out.success(describeApplied(report.applied));
  else if (report.plan && report.plan.changes.length > 0) {
    ctx.out.hint("Nothing was changed; run again with --apply to write it.");
  }
  return report.complete ? undefined : ExitCode.checkFailed;
}
