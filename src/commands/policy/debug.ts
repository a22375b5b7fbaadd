import { Option } from "commander";
import { ExitCode, UsageError } from "../../core/errors.js";
import { parseS3Arn } from "../../core/policy/arn.js";
import { type DebugExpectation, runPolicyDebug } from "../../core/policy/debug-run.js";
import { EXAMPLE_KEY } from "../../core/policy/parse.js";
import { DEFAULT_PRINCIPAL_ARN } from "../../core/policy/principal.js";
import {
  bucketsNamed,
  buildDebugRequests,
  checkDebugFlags,
  type DebugRequestOptions,
  readOfflinePolicySet,
} from "../../core/policy-debug.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { readStdinText } from "../../io/input.js";
import { withSpinner } from "../../io/spinner.js";
import { type Context, defineCommand } from "../context.js";
import { renderDebugReport } from "./render-debug.js";
import { renderOnlineReport } from "./render-online.js";

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
  expect?: DebugExpectation;
  user?: string;
  role?: string;
  probe?: boolean;
  probeProfile?: string;
  probeWrite?: boolean;
  simulate: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

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
    const files = {
      policyFiles: opts.policyFile ?? [],
      ...(opts.boundaryFile !== undefined ? { boundaryFile: opts.boundaryFile } : {}),
      ...(opts.bucketPolicyFile !== undefined ? { bucketPolicyFile: opts.bucketPolicyFile } : {}),
      scpFiles: opts.scpFile ?? [],
    };
    const offline =
      files.policyFiles.length > 0 ||
      opts.bucketPolicyFile !== undefined ||
      opts.boundaryFile !== undefined ||
      files.scpFiles.length > 0;
    if (!offline) return runOnline(ctx, opts);
    for (const [flag, given] of [
      ["--user", opts.user],
      ["--role", opts.role],
      ["--probe", opts.probe],
      ["--probe-profile", opts.probeProfile],
      ["--probe-write", opts.probeWrite],
    ] as const) {
      if (given !== undefined) {
        throw new UsageError(
          `${flag} is for online checks, but policy files make this an offline one.`,
          "Leave out the --policy-file/--bucket-policy-file flags to read the live policies.",
        );
      }
    }
    if (files.policyFiles.length === 0 && opts.bucketPolicyFile === undefined) {
      throw new UsageError(
        "Nothing to evaluate: give the caller's policies with --policy-file (and the bucket policy with --bucket-policy-file).",
        "For example: s3kit policy debug --policy-file policy.json --bucket my-app-uploads",
      );
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
    // With a target, bad actions are reported before any file is read.
    let requests =
      request.resource !== undefined || request.bucket !== undefined
        ? await buildDebugRequests(request)
        : undefined;

    const policies = await readOfflinePolicySet(files, {
      cwd: ctx.cwd,
      readStdin: () => readStdinText(ctx.out.streams),
      warn: (message) => ctx.out.warn(message),
    });
    if (!requests) {
      const buckets = bucketsNamed(policies);
      if (buckets.length !== 1) {
        throw new UsageError(
          buckets.length === 0
            ? "No bucket to check: give --bucket B or --resource ARN."
            : `The policies name ${plural(buckets.length, "bucket")} (${buckets.join(", ")}): say which one with --bucket.`,
          "For example --bucket my-app-uploads --key uploads/a.png, or --resource arn:aws:s3:::my-app-uploads/uploads/a.png.",
        );
      }
      ctx.out.info(
        `Checking bucket ${buckets[0]}, the one the policies name (--bucket to change).`,
      );
      requests = await buildDebugRequests({ ...request, bucket: buckets[0] as string });
    }

    const report = runPolicyDebug({
      policies,
      requests,
      explainStatements: ctx.globals.json,
      ...(opts.expect ? { expect: opts.expect } : {}),
    });
    ctx.out.result({ mode: "offline" as const, ...report }, (r) =>
      renderDebugReport(r, ctx.out.style),
    );
    if (report.results.some((r) => r.exampleKey)) {
      ctx.out.hint(
        `No --key given: object actions were checked on the key "${EXAMPLE_KEY}"; pass --key to check a real one.`,
      );
    }
    const grantedByBucketPolicy = report.results.some((r) =>
      r.deciding.some((d) => d.kind === "resource" && d.effect === "Allow"),
    );
    if (grantedByBucketPolicy && opts.bucketAccount === undefined) {
      ctx.out.hint(
        `The bucket was taken to be in the caller's account (${report.principal.accountId || "none"}). If another account owns it, pass --bucket-account ID: the caller's own policies must then allow the request too.`,
      );
    }
    return expectationExit(ctx, opts.expect, report);
  },
});

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
async function runOnline(ctx: Context, opts: Options): Promise<number | undefined> {
  if (opts.user !== undefined && opts.role !== undefined) {
    throw new UsageError("Give --user or --role, not both.");
  }
  if (opts.principalArn !== undefined) {
    throw new UsageError(
      "--principal-arn is for offline checks with --policy-file.",
      "Online, name the principal with --user NAME or --role NAME (default: the caller).",
    );
  }
  if (opts.probeWrite && !opts.probe) {
    throw new UsageError("--probe-write goes with --probe.", "Add --probe.");
  }
  let bucket = opts.bucket;
  let key = opts.key;
  if (opts.resource !== undefined) {
    if (bucket !== undefined || key !== undefined) {
      throw new UsageError(
        "--resource cannot be combined with --bucket or --key.",
        "Give either --resource ARN, or --bucket B (and --key K for object actions).",
      );
    }
    const loc = parseS3Arn(opts.resource);
    if (!loc) {
      throw new UsageError(
        `--resource ${opts.resource} is not an S3 bucket or object ARN.`,
        "Use arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY, or --bucket and --key.",
      );
    }
    bucket = loc.bucket;
    key = loc.key;
  }
  if (bucket === undefined) {
    throw new UsageError(
      "Online, policy debug needs --bucket B: the bucket whose access to check.",
      "For example: s3kit policy debug --user alice --bucket my-app-uploads --key uploads/a.png (or give --policy-file for an offline check).",
    );
  }
  assertValidBucketName(bucket);
  const { probeCredentials, probeConnection } = await import("../../core/iam/probe.js");
  const probeCreds = opts.probe
    ? probeCredentials(
        {
          ...(opts.probeProfile ? { probeProfile: opts.probeProfile } : {}),
          principalIsCaller: opts.user === undefined && opts.role === undefined,
        },
        ctx.env,
      )
    : undefined;
  const { onlineDebug } = await import("../../core/iam/online-debug.js");
  const aws = await ctx.aws();
  const principal =
    opts.user !== undefined
      ? { user: opts.user }
      : opts.role !== undefined
        ? { role: opts.role }
        : { caller: true as const };
  const report = await withSpinner(
    ctx.out,
    `Reading the policies that apply to ${bucket}`,
    async () =>
      onlineDebug(aws, {
        bucket: bucket as string,
        principal,
        ...(opts.action ? { actions: opts.action } : {}),
        ...(key !== undefined ? { key } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(opts.bucketAccount !== undefined ? { bucketAccount: opts.bucketAccount } : {}),
        ...(opts.expect ? { expect: opts.expect } : {}),
        simulate: opts.simulate,
        ...(probeCreds
          ? {
              probe: {
                aws: await probeConnection(aws, ctx.globals, ctx.env, probeCreds),
                write: opts.probeWrite === true,
              },
            }
          : {}),
      }),
  );
  ctx.out.result(report, (r) => renderOnlineReport(r, ctx.out.style));
  if (report.results.some((r) => r.exampleKey)) {
    ctx.out.hint(
      `No --key given: object actions were checked on the key "${EXAMPLE_KEY}"; pass --key to check a real one.`,
    );
  }
  return expectationExit(ctx, opts.expect, report);
}
