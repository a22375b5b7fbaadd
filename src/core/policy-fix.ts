// `policy fix` as a use-case, offline and online alike: of the caller's own policies,
// pick the one whose smallest change (the engine's fixPolicy: add the missing `/*`,
// add a missing action, point a resource at the right bucket, or one new statement)
// allows the requested actions, and show the change as a diff. Pure: the offline
// command reads the candidates from files, the online mode from IAM.

import { UsageError } from "./errors.js";
import { type DiffLine, formatPolicyJson, lineDiff } from "./policy/diff.js";
import { type FixChange, type FixRequestOutcome, fixPolicy } from "./policy/fix.js";
import type { EvaluationRequest, PolicyDocument, PolicySet } from "./policy/types.js";

/** A policy that may be changed: its name in the evaluation and its document. */
export interface FixCandidate {
  name: string;
  document: PolicyDocument;
}

export interface FixPlan<C extends FixCandidate = FixCandidate> {
  /** The policy changed; undefined for a new policy. */
  candidate?: C;
  /** Its name in results (the new policy's name for --new-policy). */
  name: string;
  before: PolicyDocument;
  after: PolicyDocument;
  diff: DiffLine[];
  changes: FixChange[];
  outcomes: FixRequestOutcome[];
  /** Every request is allowed after the change. */
  complete: boolean;
}

export interface PlanFixInput<C extends FixCandidate> {
  /** The policies that may be changed (identity policies of the caller). */
  candidates: readonly C[];
  /** Everything that applies to the caller, the candidates included. */
  policies: PolicySet;
  requests: readonly EvaluationRequest[];
  /** The bucket asked about: a policy that already names it is the better place. */
  bucket?: string;
  /** Put the missing permissions into a new policy of this name instead. */
  newPolicyName?: string;
}

const EMPTY: PolicyDocument = { Version: "2012-10-17", Statement: [] };

function score(plan: FixPlan, bucket: string | undefined): number {
  const newStatements = plan.changes.filter((c) => c.kind === "add-statement").length;
  const mentions = bucket && JSON.stringify(plan.before).includes(bucket) ? 0 : 1;
  return (plan.complete ? 0 : 10_000) + newStatements * 100 + mentions * 10 + plan.changes.length;
}

function planFor<C extends FixCandidate>(
  input: PlanFixInput<C>,
  name: string,
  before: PolicyDocument,
  candidate: C | undefined,
): FixPlan<C> {
  const set = input.policies;
  const fixed = fixPolicy(before, input.requests, {
    policyName: name,
    others: {
      identityPolicies: (set.identityPolicies ?? []).filter((p) => p.name !== candidate?.name),
      ...(set.boundary ? { boundary: set.boundary } : {}),
      ...(set.resourcePolicy ? { resourcePolicy: set.resourcePolicy } : {}),
      ...(set.scps ? { scps: set.scps } : {}),
    },
  });
  const plan: FixPlan<C> = {
    name,
    before,
    after: fixed.document,
    diff: lineDiff(formatPolicyJson(before), formatPolicyJson(fixed.document)),
    changes: fixed.changes,
    outcomes: fixed.outcomes,
    complete: fixed.complete,
  };
  if (candidate) plan.candidate = candidate;
  return plan;
}

/**
 * The smallest change: every candidate is tried, and the one that allows every request
 * with the fewest new statements wins, preferring a policy that already names the
 * bucket. With `newPolicyName`, the missing permissions go into a new policy.
 */
export function planFix<C extends FixCandidate>(input: PlanFixInput<C>): FixPlan<C> {
  if (input.newPolicyName) return planFor(input, input.newPolicyName, EMPTY, undefined);
  if (input.candidates.length === 0) {
    throw new UsageError(
      "There is no policy s3kit can change.",
      "Pass --new-policy NAME to put the missing permissions into a new policy.",
      "NoPolicyToFix",
    );
  }
  const plans = input.candidates.map((c) => planFor(input, c.name, c.document, c));
  return plans.sort((a, b) => score(a, input.bucket) - score(b, input.bucket))[0] as FixPlan<C>;
}
