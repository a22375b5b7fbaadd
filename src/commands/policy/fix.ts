import { Option } from "commander";
import { ConflictError, ExitCode, UsageError } from "../../core/errors.js";
import { parseS3Arn } from "../../core/policy/arn.js";
import { formatDiff } from "../../core/policy/diff.js";
import type { FixScopeKind, FixScopeOptions } from "../../core/policy/fix-scope.js";
import type { Decision } from "../../core/policy/types.js";
import {
  bucketsNamed,
  buildDebugRequests,
  checkDebugFlags,
  type DebugRequestOptions,
  readOfflinePolicySet,
} from "../../core/policy-debug.js";
import { planFix } from "../../core/policy-fix.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { readStdinText } from "../../io/input.js";
import { confirm } from "../../io/prompt.js";
import { withSpinner } from "../../io/spinner.js";
import { type Style, symbols } from "../../io/style.js";
import { type Context, defineCommand } from "../context.js";

interface Options {
  policyFile?: string[];
  boundaryFile?: string;
  bucketPolicyFile?: string;
  scpFile?: string[];
  principalArn?: string;
  action?: string[];
  resource?: string;
  bucket?: string;
  key?: string;
  context?: string[];
  bucketAccount?: string;
  user?: string;
  role?: string;
  apply?: boolean;
  newPolicy?: string;
  scope?: FixScopeKind;
  prefix?: string;
}

interface Row {
  action: string;
  before: Decision;
  after: Decision;
}

function renderRows(rows: readonly Row[], style: Style, heading: string): string {
  const width = Math.max(...rows.map((r) => r.action.length));
  const mark = (d: Decision) => (d === "allowed" ? style.green(d) : style.red(d));
  return [
    style.bold(heading),
    ...rows.map(
      (r) =>
        `  ${r.after === "allowed" ? style.green(symbols.ok) : style.red(symbols.fail)} ${r.action.padEnd(width)}  ${mark(r.before)} ${symbols.arrow} ${mark(r.after)}`,
    ),
  ].join("\n");
}

function renderDiff(diff: Parameters<typeof formatDiff>[0], style: Style): string {
  return formatDiff(diff, 3)
    .split("\n")
    .map((l) => (l.startsWith("+ ") ? style.green(l) : l.startsWith("- ") ? style.red(l) : l))
    .join("\n");
}

export default defineCommand<Options>({
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
    const offline =
      (opts.policyFile?.length ?? 0) > 0 ||
      opts.bucketPolicyFile !== undefined ||
      opts.boundaryFile !== undefined ||
      (opts.scpFile?.length ?? 0) > 0;
    scopeOptions(opts);
    if (opts.newPolicy !== undefined && !/^[A-Za-z0-9+=,.@_-]{1,128}$/.test(opts.newPolicy)) {
      throw new UsageError(
        `Invalid policy name "${opts.newPolicy}".`,
        "Policy names have 1-128 letters, digits and + = , . @ _ -.",
      );
    }
    return offline ? runOffline(ctx, opts) : runOnline(ctx, opts);
  },
});

/** --scope and --prefix, checked before anything is read (exit 2). */
function scopeOptions(opts: Options): FixScopeOptions {
  if (opts.prefix !== undefined) {
    if (opts.scope !== undefined && opts.scope !== "prefix") {
      throw new UsageError(
        `--prefix goes with --scope prefix, not --scope ${opts.scope}.`,
        "Leave out --scope (--prefix implies it), or leave out --prefix.",
      );
    }
    const problem =
      opts.prefix === ""
        ? "is empty"
        : opts.prefix.startsWith("/")
          ? "starts with / (S3 keys have no leading slash)"
          : /[*?]/.test(opts.prefix)
            ? "contains a wildcard (s3kit adds the * itself)"
            : [...opts.prefix].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
              ? "contains a control character"
              : undefined;
    if (problem) {
      throw new UsageError(
        `--prefix "${opts.prefix}" ${problem}.`,
        "Give the key prefix to grant under, e.g. --prefix uploads/ (or --scope bucket for every key).",
      );
    }
  }
  const key = opts.key ?? (opts.resource ? parseS3Arn(opts.resource)?.key : undefined);
  if (opts.prefix !== undefined && key !== undefined && !key.startsWith(opts.prefix)) {
    // Known from the flags alone: refused before any file is read or any call is made.
    throw new ConflictError(
      `Refusing the fix: "${key}" lies outside --prefix "${opts.prefix}", so allowing it would grant more than that prefix.`,
      "Use a --prefix the key is under, or --scope key to allow exactly this object.",
      "FixOutsideScope",
    );
  }
  return {
    ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
  };
}

async function runOffline(ctx: Context, opts: Options): Promise<number | undefined> {
  for (const [flag, given] of [
    ["--user", opts.user],
    ["--role", opts.role],
    ["--apply", opts.apply],
  ] as const) {
    if (given !== undefined) {
      throw new UsageError(
        `${flag} is for online fixes, but policy files make this an offline one.`,
        flag === "--apply"
          ? "Offline, s3kit shows the change; the fixed policy is in --json's `after`. Leave out the files to fix the live policies."
          : "Leave out the --policy-file/--bucket-policy-file flags to read the live policies.",
      );
    }
  }
  if (opts.bucket !== undefined) assertValidBucketName(opts.bucket);
  const request: DebugRequestOptions = {
    ...(opts.action ? { actions: opts.action } : {}),
    ...(opts.resource !== undefined ? { resource: opts.resource } : {}),
    ...(opts.bucket !== undefined ? { bucket: opts.bucket } : {}),
    ...(opts.key !== undefined ? { key: opts.key } : {}),
    ...(opts.principalArn !== undefined ? { principalArn: opts.principalArn } : {}),
    ...(opts.context ? { context: opts.context } : {}),
    ...(opts.bucketAccount !== undefined ? { resourceAccount: opts.bucketAccount } : {}),
  };
  checkDebugFlags(request);
  const policies = await readOfflinePolicySet(
    {
      policyFiles: opts.policyFile ?? [],
      ...(opts.boundaryFile !== undefined ? { boundaryFile: opts.boundaryFile } : {}),
      ...(opts.bucketPolicyFile !== undefined ? { bucketPolicyFile: opts.bucketPolicyFile } : {}),
      scpFiles: opts.scpFile ?? [],
    },
    {
      cwd: ctx.cwd,
      readStdin: () => readStdinText(ctx.out.streams),
      warn: (message) => ctx.out.warn(message),
    },
  );
  let target = request;
  if (request.resource === undefined && request.bucket === undefined) {
    const buckets = bucketsNamed(policies);
    if (buckets.length !== 1) {
      throw new UsageError(
        buckets.length === 0
          ? "No bucket to fix access to: give --bucket B or --resource ARN."
          : `The policies name ${buckets.length} buckets (${buckets.join(", ")}): say which one with --bucket.`,
      );
    }
    target = { ...request, bucket: buckets[0] as string };
  }
  const requests = await buildDebugRequests(target);
  const bucket =
    target.bucket ?? (target.resource ? parseS3Arn(target.resource)?.bucket : undefined);
  const plan = planFix({
    candidates: policies.identityPolicies ?? [],
    policies,
    requests,
    ...(bucket ? { bucket } : {}),
    ...(opts.newPolicy ? { newPolicyName: opts.newPolicy } : {}),
    scope: scopeOptions(opts),
  });
  const rows = plan.outcomes.map((o) => ({
    action: o.request.action,
    resource: o.request.resource,
    before: o.before,
    after: o.after,
    ...(o.reason ? { reason: o.reason } : {}),
  }));
  const data = {
    mode: "offline" as const,
    policy: plan.name,
    changes: plan.changes,
    diff: plan.diff,
    before: plan.before,
    after: plan.after,
    scope: plan.scopeLines,
    grants: plan.grants,
    results: rows,
    complete: plan.complete,
  };
  const { style } = ctx.out;
  ctx.out.result(data, (d) =>
    [
      d.changes.length === 0
        ? d.results.every((r) => r.before === "allowed")
          ? "Every action is allowed already: nothing to change."
          : `No change to ${d.policy} helps.`
        : `${style.bold(`Policy ${d.policy}:`)} ${d.changes.map((c) => c.description).join(" ")}\n${renderDiff(d.diff, style)}`,
      ...(d.changes.length > 0 ? d.scope : []),
      "",
      renderRows(d.results, style, "After the change:"),
      ...d.results
        .filter((r) => r.after !== "allowed" && "reason" in r)
        .map((r) => `  ${r.action} stays denied: ${(r as { reason?: string }).reason}`),
    ].join("\n"),
  );
  return plan.complete ? undefined : ExitCode.checkFailed;
}

async function runOnline(ctx: Context, opts: Options): Promise<number | undefined> {
  if (opts.user !== undefined && opts.role !== undefined) {
    throw new UsageError("Give --user or --role, not both.");
  }
  if (opts.principalArn !== undefined) {
    throw new UsageError(
      "--principal-arn is for offline fixes with --policy-file.",
      "Online, name the principal with --user NAME or --role NAME (default: the caller).",
    );
  }
  let bucket = opts.bucket;
  let key = opts.key;
  if (opts.resource !== undefined) {
    const loc = parseS3Arn(opts.resource);
    if (!loc || bucket !== undefined || key !== undefined) {
      throw new UsageError(
        "Online, --resource must be an S3 bucket or object ARN, without --bucket or --key.",
        "Use arn:aws:s3:::BUCKET/KEY, or --bucket and --key.",
      );
    }
    bucket = loc.bucket;
    key = loc.key;
  }
  if (bucket === undefined) {
    throw new UsageError(
      "Online, policy fix needs --bucket B: the bucket whose access to fix.",
      "For example: s3kit policy fix --user alice --bucket my-app-uploads --apply",
    );
  }
  assertValidBucketName(bucket);
  const { onlineFix } = await import("../../core/iam/online-fix.js");
  const aws = await ctx.aws();
  const principal =
    opts.user !== undefined
      ? { user: opts.user }
      : opts.role !== undefined
        ? { role: opts.role }
        : { caller: true as const };
  const report = await withSpinner(
    ctx.out,
    opts.apply ? `Fixing access to ${bucket}` : `Working out the fix for ${bucket}`,
    () =>
      onlineFix(aws, {
        bucket: bucket as string,
        principal,
        ...(opts.action ? { actions: opts.action } : {}),
        ...(key !== undefined ? { key } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(opts.bucketAccount !== undefined ? { bucketAccount: opts.bucketAccount } : {}),
        ...(opts.newPolicy ? { newPolicyName: opts.newPolicy } : {}),
        scope: scopeOptions(opts),
        apply: opts.apply === true,
        confirm: (question) => confirm(ctx.out, question, { yes: ctx.globals.yes }),
      }),
  );
  const { style } = ctx.out;
  ctx.out.result(report, (r) => {
    const who = `${r.subject.type === "user" ? "User" : "Role"} ${r.subject.name}`;
    if (r.alreadyAllowed) {
      return `${renderRows(r.results, style, `${who}: every action is allowed already; nothing to fix.`)}`;
    }
    const lines: string[] = [];
    const plan = r.plan;
    if (plan) {
      const where =
        plan.kind === "new"
          ? `a new managed policy, attached to the ${r.subject.type}`
          : plan.kind === "managed"
            ? `managed policy, on the ${plan.via?.type === "group" ? `group ${plan.via.name}` : (plan.via?.type ?? "")}`
            : `inline policy of ${plan.via?.type} ${plan.via?.name}`;
      if (plan.changes.length === 0) lines.push(`No change to ${who}'s policies helps.`);
      else {
        lines.push(
          `${style.bold(`Policy ${plan.policy}`)} (${where}): ${plan.changes.map((c) => c.description).join(" ")}`,
          renderDiff(plan.diff, style),
          ...plan.scope,
        );
      }
      if (plan.note) lines.push(style.yellow(plan.note));
      lines.push("");
    }
    lines.push(
      renderRows(
        r.results,
        style,
        r.applied ? "Read back and evaluated again:" : "After the change (not applied):",
      ),
    );
    for (const b of r.blocked) lines.push(`  ${b.action} stays denied: ${b.reason}`);
    for (const n of r.notes) lines.push(`${style.yellow(symbols.warn)} ${n}`);
    return lines.join("\n");
  });
  if (report.applied) {
    const a = report.applied;
    ctx.out.success(
      a.action === "new-version"
        ? `policy ${a.policy}: new default version ${a.versionId}${a.deletedVersion ? ` (deleted ${a.deletedVersion})` : ""}`
        : a.action === "put-inline"
          ? `inline policy ${a.policy} written`
          : `policy ${a.policy} created and attached (${a.arn})`,
    );
  } else if (report.plan && report.plan.changes.length > 0) {
    ctx.out.hint("Nothing was changed; run again with --apply to write it.");
  }
  return report.complete ? undefined : ExitCode.checkFailed;
}
