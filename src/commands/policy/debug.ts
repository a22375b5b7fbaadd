import { Option } from "commander";
import { assertValidBucketName } from "../../core/buckets/names.js";
import { ExitCode, UsageError } from "../../core/errors.js";
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
import { readStdinText } from "../../io/input.js";
import { defineCommand } from "../context.js";
import { renderDebugReport } from "./render-debug.js";

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
  expect?: DebugExpectation;
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
  ],
  configure(cmd) {
    cmd
      .description(
        "Explain why actions are allowed or denied: the decision (allowed, explicit-deny,\nimplicit-deny), the statement that decided it, and what to change.\nOffline: the policies come from files; no AWS call is made and no credentials\nare needed. With --expect, exits 6 when a decision differs.",
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
      );
  },
  async run(ctx, _args, opts) {
    const files = {
      policyFiles: opts.policyFile ?? [],
      ...(opts.boundaryFile !== undefined ? { boundaryFile: opts.boundaryFile } : {}),
      ...(opts.bucketPolicyFile !== undefined ? { bucketPolicyFile: opts.bucketPolicyFile } : {}),
      scpFiles: opts.scpFile ?? [],
    };
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
    if (!opts.expect) return undefined;
    const denied = report.results.filter((r) => r.decision !== "allowed").length;
    const allowed = report.results.length - denied;
    if (report.expectationMet) {
      ctx.out.success(
        `As expected: ${opts.expect === "allow" ? "every action is allowed" : "every action is denied"}.`,
      );
      return undefined;
    }
    ctx.out.info(
      opts.expect === "allow"
        ? `Expected every action to be allowed, but ${denied} of ${report.results.length} ${denied === 1 ? "is" : "are"} denied.`
        : `Expected every action to be denied, but ${allowed} of ${report.results.length} ${allowed === 1 ? "is" : "are"} allowed.`,
    );
    return ExitCode.checkFailed;
  },
});
