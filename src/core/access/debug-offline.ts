// Offline `policy debug`: the policies come from files, the requests from the flags; no
// AWS call is made. Without --bucket or --resource, the one bucket the policies name is
// checked.

import { UsageError } from "../errors.js";
import { type PolicyDebugReport, runPolicyDebug } from "../policy/debug-run.js";
import type { DebugPlan } from "./mode.js";
import { bucketsNamed, readOfflinePolicySet } from "./offline.js";
import type { ReadOptions } from "./policy-files.js";
import { buildDebugRequests } from "./requests.js";

export type OfflineDebugReport = { mode: "offline" } & PolicyDebugReport;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export async function runOfflineDebug(
  plan: Extract<DebugPlan, { mode: "offline" }>,
  options: ReadOptions & {
    /** Keep every statement's trace and explanation (the JSON output shows them). */
    explainStatements: boolean;
    /** Told, before it is checked, of the bucket taken from the policies (no --bucket). */
    bucketFromPolicies?: (bucket: string) => void;
  },
): Promise<OfflineDebugReport> {
  const { request } = plan;
  // With a target, bad actions are reported before any file is read.
  let requests =
    request.resource !== undefined || request.bucket !== undefined
      ? await buildDebugRequests(request)
      : undefined;
  const policies = await readOfflinePolicySet(plan.files, options);
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
    const bucket = buckets[0] as string;
    options.bucketFromPolicies?.(bucket);
    requests = await buildDebugRequests({ ...request, bucket });
  }
  const report = runPolicyDebug({
    policies,
    requests,
    explainStatements: options.explainStatements,
    ...(plan.expect ? { expect: plan.expect } : {}),
  });
  return { mode: "offline", ...report };
}
