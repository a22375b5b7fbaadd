// Offline `policy fix`: the caller's policies come from files, the requests from the
// flags; the fixed policy is shown, never written, and no AWS call is made.

import { UsageError } from "../errors.js";
import { parseS3Arn } from "../policy/arn.js";
import type { DiffLine } from "../policy/diff.js";
import type { FixChange } from "../policy/fix.js";
import type { FixGrant } from "../policy/fix-scope.js";
import type { Decision, PolicyDocument } from "../policy/types.js";
import { planFix } from "./fix-plan.js";
import type { FixPlanRequest } from "./mode.js";
import { bucketsNamed, readOfflinePolicySet } from "./offline.js";
import type { ReadOptions } from "./policy-files.js";
import { buildDebugRequests } from "./requests.js";

export interface OfflineFixRow {
  action: string;
  resource: string;
  before: Decision;
  after: Decision;
  /** Why the request stays denied. */
  reason?: string;
}

export interface OfflineFixReport {
  mode: "offline";
  /** The policy changed (or the new policy's name). */
  policy: string;
  changes: FixChange[];
  diff: DiffLine[];
  before: PolicyDocument;
  after: PolicyDocument;
  /** One line per scope: what is granted, where, and what else becomes allowed. */
  scope: string[];
  grants: FixGrant[];
  results: OfflineFixRow[];
  /** Every request is allowed after the change. */
  complete: boolean;
}

export async function runOfflineFix(
  plan: Extract<FixPlanRequest, { mode: "offline" }>,
  options: ReadOptions,
): Promise<OfflineFixReport> {
  const policies = await readOfflinePolicySet(plan.files, options);
  let target = plan.request;
  if (target.resource === undefined && target.bucket === undefined) {
    const buckets = bucketsNamed(policies);
    if (buckets.length !== 1) {
      throw new UsageError(
        buckets.length === 0
          ? "No bucket to fix access to: give --bucket B or --resource ARN."
          : `The policies name ${buckets.length} buckets (${buckets.join(", ")}): say which one with --bucket.`,
      );
    }
    target = { ...target, bucket: buckets[0] as string };
  }
  const requests = await buildDebugRequests(target);
  const bucket =
    target.bucket ?? (target.resource ? parseS3Arn(target.resource)?.bucket : undefined);
  const fix = planFix({
    candidates: policies.identityPolicies ?? [],
    policies,
    requests,
    ...(bucket ? { bucket } : {}),
    ...(plan.newPolicyName ? { newPolicyName: plan.newPolicyName } : {}),
    scope: plan.scope,
  });
  return {
    mode: "offline",
    policy: fix.name,
    changes: fix.changes,
    diff: fix.diff,
    before: fix.before,
    after: fix.after,
    scope: fix.scopeLines,
    grants: fix.grants,
    results: fix.outcomes.map((o) => ({
      action: o.request.action,
      resource: o.request.resource,
      before: o.before,
      after: o.after,
      ...(o.reason ? { reason: o.reason } : {}),
    })),
    complete: fix.complete,
  };
}
