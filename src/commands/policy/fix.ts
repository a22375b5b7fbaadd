import { runOfflineFix } from "../../core/access/fix-offline.js";
import { type FixPlanRequest, resolveFixMode } from "../../core/access/mode.js";
import { ExitCode } from "../../core/errors.js";
import { readStdinText } from "../../io/input.js";
import { confirm } from "../../io/prompt.js";
import { withSpinner } from "../../io/spinner.js";
import { type Context, defineCommand } from "../context.js";
import { COMMON_ACTIONS, policyFiles, principal, request } from "../options/policy-target.js";
import { choice, declareOptions, flag, type OptionsOf, value } from "../options/spec.js";
import { describeApplied, renderOfflineFix, renderOnlineFix } from "./render-fix.js";

const options = {
  ...policyFiles,
  principalArn: principal.principalArn,
  bucketAccount: request.bucketAccount,
  user: principal.user,
  role: principal.role,
  action: request.action.describe(`actions to allow (default: ${COMMON_ACTIONS})`),
  resource: request.resource,
  bucket: request.bucket,
  key: request.key,
  context: request.context,
  apply: flag("--apply", "online: write the change, then evaluate again"),
  newPolicy: value("--new-policy", "name", "put the missing permissions into a new managed policy"),
  scope: choice(
    "--scope",
    "scope",
    "what the fix may grant: key (that object), prefix (every key under the prefix), bucket (every key); default: the prefix the policies use, else the key's folder",
    ["key", "prefix", "bucket"],
  ),
  prefix: value("--prefix", "prefix", "grant under this key prefix (implies --scope prefix)"),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit policy fix --user alice --bucket my-app-uploads --action s3:PutObject --key uploads/a.png",
    "s3kit policy fix --user alice --bucket my-app-uploads --apply",
    "s3kit policy fix --user alice --bucket my-app-uploads --action s3:DeleteObject --key uploads/a.png --scope key",
    "s3kit policy fix --role app-server --bucket my-app-uploads --apply --new-policy app-server-uploads",
    "s3kit policy fix --policy-file policy.json --bucket my-app-uploads --json   # offline: the fixed policy as data",
  ],
  configure(cmd) {
    cmd.description(
      "The smallest change to the caller's policies that allows the requested actions\nwithin one scope and nothing outside it: the key, a prefix or the bucket\n(--scope, --prefix; default: the prefix the policies use, else the key's\nfolder). It adds the missing resource or action, points a resource at the\nright bucket, or adds one new statement, and says in one line what it grants\nand what else becomes allowed; then the diff and each action before and after.\nOnline (--user, --role or the caller), --apply writes it (a new default\nversion of a managed policy, PutUserPolicy/PutGroupPolicy/PutRolePolicy for an\ninline one, or --new-policy NAME creates and attaches a managed policy), reads\neverything back and evaluates again. Offline (--policy-file …) nothing is\nwritten. Exits 5 when the request lies outside the scope asked for, 6 when an\naction stays denied (an explicit deny, a boundary, a condition).",
    );
    declareOptions(cmd, options);
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
