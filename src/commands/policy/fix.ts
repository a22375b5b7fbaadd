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
  notes: [
    "The default scope is the narrowest that fits what the policies evidently mean for the bucket: the prefix their object resources, s3:prefix conditions or s3kit policy names use, when the key lies under it; else the key's folder. The whole bucket only when the policies already grant on it, or when no --key is given and no prefix is evident. A change that would reach outside the scope is not made; a new statement for exactly the scope is added instead. Without --key, object actions are checked on PREFIX/example-key.",
    "Of the caller's policies, the one that needs the fewest new statements wins, preferring one that names the bucket. At IAM's limit of five versions, --apply deletes the oldest non-default one after confirmation (or --yes). --new-policy makes the policy at path /s3kit/ and attaches it to the user or role; it grants the same scope (--key uploads/x lets uploads/y through too).",
    "JSON (online): {mode, subject, bucket, alreadyAllowed, plan: {policy, kind, via, arn, changes, diff, before, after, note, scope, grants}, applied: {action, policy, arn, versionId, deletedVersion}, results: [{action, resource, before, after}], blocked, complete, notes}; scope holds the lines on what is granted, grants every {action, resource} newly allowed. Offline: {mode, policy, changes, diff, before, after, scope, grants, results, complete}; after is the fixed policy.",
  ],
  configure(cmd) {
    cmd.description(
      "The smallest change to the caller's policies that allows the requested actions within one scope and nothing outside it: the key, a prefix or the bucket (--scope, --prefix; default: the prefix the policies use, else the key's folder). It adds the missing resource or action, points a resource at the right bucket, or adds one new statement, and says in one line what it grants and what else becomes allowed; then the diff and each action before and after.\n\nOnline (--user, --role or the caller), --apply writes it (a new default version of a managed policy, PutUserPolicy/PutGroupPolicy/PutRolePolicy for an inline one, or --new-policy NAME creates and attaches a managed policy), reads everything back and evaluates again. Offline (--policy-file …) nothing is written.\n\nExits 5 when the request lies outside the scope asked for, 6 when an action stays denied (an explicit deny, a boundary, a condition).",
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
