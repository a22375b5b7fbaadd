import { Option } from "commander";
import { runOfflineDebug } from "../../core/access/debug-offline.js";
import { type DebugFlags, type DebugPlan, resolveDebugMode } from "../../core/access/mode.js";
import { ExitCode } from "../../core/errors.js";
import type { DebugExpectation } from "../../core/policy/debug-run.js";
import { EXAMPLE_KEY } from "../../core/policy/parse.js";
import { DEFAULT_PRINCIPAL_ARN } from "../../core/policy/principal.js";
import { readStdinText } from "../../io/input.js";
import { withSpinner } from "../../io/spinner.js";
import { type Context, defineCommand } from "../context.js";
import { renderDebugReport } from "./render-debug.js";
import { renderOnlineReport } from "./render-online.js";

type Options = DebugFlags & { simulate: boolean };

export default defineCommand<Options>({
  examples: [
    "s3kit policy debug --policy-file policy.json --bucket my-app-uploads",
    "s3kit policy debug --policy-file policy.json --action s3:PutObject --bucket my-app-uploads --key avatars/1.png",
    "s3kit policy debug --policy-file policy.json --bucket-policy-file bucket-policy.json --bucket my-app-uploads --context aws:SecureTransport=false",
    "s3kit policy debug --policy-file policy.json --action s3:ListBucket --bucket my-app-uploads --context s3:prefix=uploads/",
    "s3kit policy debug --policy-file policy.json --resource arn:aws:s3:::my-app-uploads/a.txt --expect allow",
    "s3kit policy debug --user alice --bucket my-app-uploads --key uploads/a.png   # online: alice's live policies",
    "s3kit policy debug --role app-server --bucket my-app-uploads --action s3:PutObject",
    "s3kit policy debug --bucket my-app-uploads --probe --key uploads/a.png         # online, as yourself, with real requests",
  ],
  configure(cmd) {
    cmd
      .description(
        "Explain why actions are allowed or denied: the decision (allowed, explicit-deny,\nimplicit-deny), the statement that decided it, and what to change.\nOffline (--policy-file …): the policies come from files; no AWS call is made and no\ncredentials are needed. Online (no policy files): the live policies of --user, --role or\nthe caller (attached, inline, groups', boundary), the bucket policy, public-access block\nand encryption are read and evaluated; IAM's policy simulator is asked too where the\nendpoint has one, and --probe makes safe real requests. With --expect, exits 6 when a\ndecision differs.",
      )
      .option("--policy-file <file...>", "identity policies of the caller (JSON; - for stdin)")
      .option("--boundary-file <file>", "the caller's permissions boundary")
      .option("--bucket-policy-file <file>", "the bucket policy")
      .option("--scp-file <file...>", "service control policies of the account")
      .option(
        "--principal-arn <arn>",
        `the caller: a user, role or assumed-role ARN (default ${DEFAULT_PRINCIPAL_ARN})`,
      )
      .option(
        "--action <action...>",
        "actions to check (default: s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject)",
      )
      .option("--resource <arn>", "the resource ARN, e.g. arn:aws:s3:::my-app-uploads/a.txt")
      .option(
        "--bucket <name>",
        "the bucket (object actions use --key; default: the one bucket the policies name)",
      )
      .option("--key <key>", `object key (default ${EXAMPLE_KEY}); for ListBucket, the s3:prefix`)
      .option(
        "--context <key=value...>",
        "request context, e.g. aws:SecureTransport=false s3:prefix=uploads/ aws:SourceIp=203.0.113.7",
      )
      .addOption(
        new Option(
          "--expect <decision>",
          "exit 6 unless every action is allowed (or denied)",
        ).choices(["allow", "deny"]),
      )
      .option(
        "--bucket-account <id>",
        "the account that owns the bucket, when it is not the caller's (online it is looked up where the endpoint tells)",
      )
      .option("--user <name>", "online: the IAM user to check (default: the caller)")
      .option("--role <name>", "online: the IAM role to check")
      .option(
        "--probe",
        "online: also make safe real requests (HeadBucket, a one-key listing, GetObject of --key)",
      )
      .option(
        "--probe-profile <name>",
        "online: the principal's credentials for --probe (or S3KIT_PROBE_ACCESS_KEY_ID/_SECRET_ACCESS_KEY)",
      )
      .option("--probe-write", "online, with --probe: also put and delete a small probe object")
      .option("--no-simulate", "online: do not ask IAM's policy simulator");
  },
  async run(ctx, _args, opts) {
    const plan = resolveDebugMode(opts, ctx.env);
    if (plan.mode === "online") return runOnline(ctx, plan);
    const report = await runOfflineDebug(plan, {
      cwd: ctx.cwd,
      readStdin: () => readStdinText(ctx.out.streams),
      warn: (message) => ctx.out.warn(message),
      explainStatements: ctx.globals.json,
      bucketFromPolicies: (bucket) =>
        ctx.out.info(`Checking bucket ${bucket}, the one the policies name (--bucket to change).`),
    });
    ctx.out.result(report, (r) => renderDebugReport(r, ctx.out.style));
    exampleKeyHint(ctx, report);
    const grantedByBucketPolicy = report.results.some((r) =>
      r.deciding.some((d) => d.kind === "resource" && d.effect === "Allow"),
    );
    if (grantedByBucketPolicy && opts.bucketAccount === undefined) {
      ctx.out.hint(
        `The bucket was taken to be in the caller's account (${report.principal.accountId || "none"}). If another account owns it, pass --bucket-account ID: the caller's own policies must then allow the request too.`,
      );
    }
    return expectationExit(ctx, plan.expect, report);
  },
});

function exampleKeyHint(ctx: Context, report: { results: readonly { exampleKey: boolean }[] }) {
  if (report.results.some((r) => r.exampleKey)) {
    ctx.out.hint(
      `No --key given: object actions were checked on the key "${EXAMPLE_KEY}"; pass --key to check a real one.`,
    );
  }
}

/** --expect: exit 6 when a decision differs (offline and online alike). */
function expectationExit(
  ctx: Context,
  expect: DebugExpectation | undefined,
  report: { results: { decision: string }[]; expectationMet?: boolean },
): number | undefined {
  if (!expect) return undefined;
  const denied = report.results.filter((r) => r.decision !== "allowed").length;
  const allowed = report.results.length - denied;
  if (report.expectationMet) {
    ctx.out.success(
      `As expected: ${expect === "allow" ? "every action is allowed" : "every action is denied"}.`,
    );
    return undefined;
  }
  ctx.out.info(
    expect === "allow"
      ? `Expected every action to be allowed, but ${denied} of ${report.results.length} ${denied === 1 ? "is" : "are"} denied.`
      : `Expected every action to be denied, but ${allowed} of ${report.results.length} ${allowed === 1 ? "is" : "are"} allowed.`,
  );
  return ExitCode.checkFailed;
}

/** Online: the live policies of --user, --role or the caller. */
async function runOnline(
  ctx: Context,
  plan: Extract<DebugPlan, { mode: "online" }>,
): Promise<number | undefined> {
  const { runOnlineDebug } = await import("../../core/access/debug-online.js");
  const aws = await ctx.aws();
  const report = await withSpinner(
    ctx.out,
    `Reading the policies that apply to ${plan.target.bucket}`,
    () => runOnlineDebug(aws, plan, { options: ctx.globals, env: ctx.env }),
  );
  ctx.out.result(report, (r) => renderOnlineReport(r, ctx.out.style));
  exampleKeyHint(ctx, report);
  return expectationExit(ctx, plan.expect, report);
}
