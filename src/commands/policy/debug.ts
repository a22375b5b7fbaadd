import { runOfflineDebug } from "../../core/access/debug-offline.js";
import { type DebugPlan, resolveDebugMode } from "../../core/access/mode.js";
import { ExitCode } from "../../core/errors.js";
import type { DebugExpectation } from "../../core/policy/debug-run.js";
import { EXAMPLE_KEY } from "../../core/policy/parse.js";
import { readStdinText } from "../../io/input.js";
import { withSpinner } from "../../io/spinner.js";
import { type Context, defineCommand } from "../context.js";
import { COMMON_ACTIONS, policyFiles, principal, request } from "../options/policy-target.js";
import { choice, declareOptions, flag, negatable, type OptionsOf, value } from "../options/spec.js";
import { renderDebugReport } from "./render-debug.js";
import { renderOnlineReport } from "./render-online.js";

const options = {
  ...policyFiles,
  principalArn: principal.principalArn,
  action: request.action.describe(`actions to check (default: ${COMMON_ACTIONS})`),
  resource: request.resource,
  bucket: request.bucket.describe(
    "the bucket (object actions use --key; default: the one bucket the policies name)",
  ),
  key: request.key.describe(`object key (default ${EXAMPLE_KEY}); for ListBucket, the s3:prefix`),
  context: request.context.describe(
    "request context, e.g. aws:SecureTransport=false s3:prefix=uploads/ aws:SourceIp=203.0.113.7",
  ),
  expect: choice("--expect", "decision", "exit 6 unless every action is allowed (or denied)", [
    "allow",
    "deny",
  ]),
  bucketAccount: request.bucketAccount,
  user: principal.user,
  role: principal.role,
  group: value(
    "--group",
    "name",
    "online: the IAM group to check (its policies, as a member with nothing of its own gets them)",
  ),
  probe: flag(
    "--probe",
    "online: also make safe real requests (HeadBucket, a one-key listing, GetObject of --key)",
  ),
  probeProfile: value(
    "--probe-profile",
    "name",
    "online: the principal's credentials for --probe (or S3KIT_PROBE_ACCESS_KEY_ID/_SECRET_ACCESS_KEY)",
  ),
  probeWrite: flag(
    "--probe-write",
    "online, with --probe: also put and delete a small probe object",
  ),
  simulate: negatable("--no-simulate", "online: do not ask IAM's policy simulator"),
};

type Options = OptionsOf<typeof options>;

export default defineCommand<Options>({
  examples: [
    "s3kit policy debug --policy-file policy.json --bucket my-app-uploads",
    "s3kit policy debug --policy-file policy.json --action s3:PutObject --bucket my-app-uploads --key avatars/1.png",
    "s3kit policy debug --policy-file policy.json --bucket-policy-file bucket-policy.json --bucket my-app-uploads --context aws:SecureTransport=false",
    "s3kit policy debug --policy-file policy.json --action s3:ListBucket --bucket my-app-uploads --context s3:prefix=uploads/",
    "s3kit policy debug --policy-file policy.json --resource arn:aws:s3:::my-app-uploads/a.txt --expect allow",
    "s3kit policy debug --user alice --bucket my-app-uploads --key uploads/a.png   # online: alice's live policies",
    "s3kit policy debug --role app-server --bucket my-app-uploads --action s3:PutObject",
    "s3kit policy debug --group my-app-developers --bucket my-app-uploads --key uploads/a.png",
    "s3kit policy debug --bucket my-app-uploads --probe --key uploads/a.png         # online, as yourself, with real requests",
  ],
  notes: [
    "What is checked: object actions use BUCKET/KEY (BUCKET/example-key without --key), ListBucket the bucket, with --key as its s3:prefix; without --bucket or --resource, the one bucket the policies name. aws:SecureTransport=true and the current time are set unless --context gives them. Without --bucket-account the bucket is in the caller's account offline; online s3kit asks S3 (HeadBucket with ExpectedBucketOwner) and says when the endpoint cannot tell.",
    "Diagnoses: an object action granted only on the bucket ARN (missing /*), s3:ListBucket only on bucket/*, a bucket name that nearly matches (a typo, another environment), an explicit deny (quoted, with why it applies), a boundary, SCP or bucket policy that blocks, a condition that does not hold, NotAction/NotResource surprises, cross-account access, SSE-KMS without the KMS permissions. Online also: the policy that would allow it is attached to someone else, the fix sits in a non-default policy version, the bucket does not exist or is in another region.",
    "As AWS does: a negated operator (StringNotEquals, NotIpAddress, …) holds when the key is missing or its policy variable has no value; a date without a time zone is UTC; a policy with an unknown condition operator is invalid (exit 2, naming the statement and the operator), so a Deny with a typo is never skipped.",
    "Online: --group G is evaluated for a member with nothing of its own (user/member-of-G); a real member's own policies and boundary add to that or limit it. IAM's SimulatePrincipalPolicy is asked where the endpoint has it (AWS) and any disagreement is listed. --probe uses the principal's own keys: --probe-profile, or S3KIT_PROBE_ACCESS_KEY_ID and S3KIT_PROBE_SECRET_ACCESS_KEY (S3KIT_PROBE_SESSION_TOKEN), or yours when checking yourself; --probe-write puts and deletes a .s3kit-probe-… key.",
    "JSON: {mode, principal, policies, results: [{action, resource, exampleKey, context, decision, blockedBy, crossAccount, deciding, statements, diagnoses}]}: deciding holds the statements that decided, statements explains every statement, --expect adds expectationMet. Online adds subject, sources, boundary, bucket (owner: {accountId, source}), bucketFindings, simulation (done, unsupported, failed or skipped), disagreements, probe and notes.",
    "Exit codes: 2 bad input (a file that is not JSON, with line and column; not a policy; an action without a service prefix; a malformed ARN or --context), 3 a missing file, or a user, role or group that does not exist, 6 with --expect when a decision differs.",
  ],
  configure(cmd) {
    cmd.description(
      "Explain why actions are allowed or denied: the decision (allowed, explicit-deny, implicit-deny), the statement that decided it, and what to change.\n\nOffline (--policy-file …): the policies come from files; no AWS call is made and no credentials are needed. Online (no policy files): the live policies of --user, --role, --group or the caller (attached, inline, groups', boundary), the bucket policy, public-access block and encryption are read and evaluated; IAM's policy simulator is asked too where the endpoint has one, and --probe makes safe real requests.\n\nWith --expect, exits 6 when a decision differs.",
    );
    declareOptions(cmd, options);
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

/** Online: the live policies of --user, --role, --group or the caller. */
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
