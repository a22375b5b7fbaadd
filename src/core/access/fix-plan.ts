// `policy fix` as a use-case, offline and online alike: scope each request (the key, a
// prefix or the bucket; policy/fix-scope.ts), then of the caller's own policies pick the
// one whose smallest change within that scope (the engine's fixPolicy: add the missing
// resource, add a missing action, point a resource at the right bucket, or one new
// statement) allows the requested actions, and show the change as a diff and one line
// per scope on what it grants. Pure: the offline command reads the candidates from
// files, the online mode from IAM.

import { UsageError } from "../errors.js";
import { type DiffLine, formatPolicyJson, lineDiff } from "../policy/diff.js";
import { type FixChange, type FixRequestOutcome, fixPolicy, scopeRequests } from "../policy/fix.js";
import {
  describeScopedGrants,
  type EvidentPrefix,
  type FixGrant,
  type FixScopeOptions,
  type ScopedRequest,
} from "../policy/fix-scope.js";
import type { EvaluationRequest, PolicyDocument, PolicySet } from "../policy/types.js";

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
  /** The requests with their scopes; `request` is what was checked. */
  scoped: ScopedRequest[];
  /** What the change newly allows. */
  grants: FixGrant[];
  /** One line per scope: what is granted, where, and what else becomes allowed. */
  scopeLines: string[];
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
  /** --scope / --prefix. */
  scope?: FixScopeOptions;
  /** More evidence of the intended prefix (the principal's tags). */
  hints?: readonly EvidentPrefix[];
}

const EMPTY: PolicyDocument = { Version: "2012-10-17", Statement: [] };

function score(plan: FixPlan, bucket: string | undefined): number {
  const newStatements = plan.changes.filter((c) => c.kind === "add-statement").length;
  const mentions = bucket && JSON.stringify(plan.before).includes(bucket) ? 0 : 1;
  return (plan.complete ? 0 : 10_000) + newStatements * 100 + mentions * 10 + plan.changes.length;
}

function planFor<C extends FixCandidate>(
  input: PlanFixInput<C>,
  scoped: readonly ScopedRequest[],
  name: string,
  before: PolicyDocument,
  candidate: C | undefined,
): FixPlan<C> {
  const set = input.policies;
  const fixed = fixPolicy(before, input.requests, {
    scoped,
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
    scoped: fixed.scoped,
    grants: fixed.grants,
    scopeLines: describeScopedGrants(fixed.scoped, fixed.grants),
  };
  if (candidate) plan.candidate = candidate;
  return plan;
}

/**
 * The smallest change: each request is scoped once (from every identity policy of the
 * caller, so every candidate fixes the same thing), every candidate is tried, and the one
 * that allows every request with the fewest new statements wins, preferring a policy that
 * already names the bucket. With `newPolicyName`, the missing permissions go into a new
 * policy. A request outside the scope asked for is refused (ConflictError, exit 5).
 */
export function planFix<C extends FixCandidate>(input: PlanFixInput<C>): FixPlan<C> {
  if (!input.newPolicyName && input.candidates.length === 0) {
    throw new UsageError(
      "There is no policy s3kit can change.",
      "Pass --new-policy NAME to put the missing permissions into a new policy.",
      "NoPolicyToFix",
    );
  }
  const scoped = scopeRequests(input.requests, input.policies.identityPolicies ?? [], {
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.hints ? { hints: input.hints } : {}),
  });
  if (input.newPolicyName) return planFor(input, scoped, input.newPolicyName, EMPTY, undefined);
  const plans = input.candidates.map((c) => planFor(input, scoped, c.name, c.document, c));
  return plans.sort((a, b) => score(a, input.bucket) - score(b, input.bucket))[0] as FixPlan<C>;
}
