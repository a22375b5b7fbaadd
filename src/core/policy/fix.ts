// `policy fix`: the smallest change to one identity policy that allows the requested
// actions within their scope (fix-scope.ts: the key, a prefix, or the bucket), and
// nothing outside it. In order of preference:
//   1. add the scope's resource to a statement that grants the action on this bucket but
//      not on this resource (the classic missing `/*`, here `/uploads/*`), or the bucket
//      ARN for ListBucket granted on objects only;
//   2. point a resource at the right bucket when the policy names a near miss (typo,
//      other environment);
//   3. add the action to a statement that already covers the resource;
//   4. add a new statement for exactly that action and the scope.
// A change is made only when everything it newly allows lies inside the scope (the other
// actions of a statement gaining a resource included); otherwise the next way is tried,
// down to the new statement, which fits by construction.
// Requests blocked by something this policy cannot change (an explicit deny, a
// boundary, SCPs, a condition that does not hold, a cross-account bucket policy) are
// reported instead of worked around.

import { bucketArn, parseS3Arn } from "./arn.js";
import { createEvaluator, type PolicySetInput } from "./evaluate.js";
import {
  chooseScope,
  type EvidentPrefix,
  effectiveGrants,
  evidentPrefixes,
  type FixGrant,
  type FixScopeOptions,
  grantWithinScope,
  listingConditionWithin,
  type ScopedRequest,
} from "./fix-scope.js";
import { bucketNearMiss } from "./near-miss.js";
import type {
  ConditionBlock,
  Decision,
  EvaluationRequest,
  EvaluationResult,
  NamedPolicy,
  PolicyDocument,
  PolicyStatement,
  StatementTrace,
} from "./types.js";

export type FixChangeKind = "add-resource" | "replace-bucket" | "add-action" | "add-statement";

export interface FixChange {
  kind: FixChangeKind;
  /** Index of the changed (or added) statement in the fixed document. */
  statement: number;
  sid?: string;
  description: string;
}

export interface FixRequestOutcome {
  /** The request as checked (see ScopedRequest.request). */
  request: EvaluationRequest;
  before: Decision;
  after: Decision;
  /** Why the request is still denied, when it is. */
  reason?: string;
}

export interface FixResult {
  document: PolicyDocument;
  changes: FixChange[];
  outcomes: FixRequestOutcome[];
  /** Every request is allowed after the fix. */
  complete: boolean;
  /** Each request with its scope. */
  scoped: ScopedRequest[];
  /** Everything the changes newly allow (action and resource patterns). */
  grants: FixGrant[];
}

export interface FixOptions {
  /** Name of the policy in results; default "policy". */
  policyName?: string;
  /** The other policies that apply to the caller (they are not changed). */
  others?: Omit<PolicySetInput, "identityPolicies"> & { identityPolicies?: NamedPolicy[] };
  /** Sid prefix of added statements; default "S3kitFix". */
  sidPrefix?: string;
  /** The scope asked for (--scope, --prefix); default: the narrowest that fits the policies. */
  scope?: FixScopeOptions;
  /** More evidence of the intended prefix (the principal's tags). */
  hints?: readonly EvidentPrefix[];
  /** The requests already scoped (planFix scopes them once for every candidate policy). */
  scoped?: readonly ScopedRequest[];
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? [...v] : [v];
}

/** Keep a single value a string, as the author wrote it, unless it became a list. */
function setList(st: PolicyStatement, key: "Action" | "Resource", values: string[]): void {
  st[key] = values.length === 1 ? (values[0] as string) : values;
}

/**
 * The requests with their scopes: evidence from every identity policy of the caller (the
 * one being fixed included) and the hints, for each bucket asked about.
 */
export function scopeRequests(
  requests: readonly EvaluationRequest[],
  policies: readonly { name: string; document: PolicyDocument }[],
  options: { scope?: FixScopeOptions; hints?: readonly EvidentPrefix[] } = {},
): ScopedRequest[] {
  const byBucket = new Map<string, EvidentPrefix[]>();
  return requests.map((req) => {
    const bucket = parseS3Arn(req.resource)?.bucket;
    let evident: EvidentPrefix[] = [];
    if (bucket !== undefined) {
      evident = byBucket.get(bucket) ?? [
        ...evidentPrefixes(bucket, policies),
        ...(options.hints ?? []),
      ];
      byBucket.set(bucket, evident);
    }
    return chooseScope(req, evident, options.scope);
  });
}

const sameCondition = (a: ConditionBlock | undefined, b: ConditionBlock | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function fixPolicy(
  document: PolicyDocument,
  requests: readonly EvaluationRequest[],
  options: FixOptions = {},
): FixResult {
  const name = options.policyName ?? "policy";
  const sidPrefix = options.sidPrefix ?? "S3kitFix";
  const doc: PolicyDocument = structuredClone(document);
  if (!Array.isArray(doc.Statement)) doc.Statement = [doc.Statement];
  const statements = doc.Statement as PolicyStatement[];
  const changes: FixChange[] = [];
  const grants: FixGrant[] = [];
  const scoped =
    options.scoped?.slice() ??
    scopeRequests(
      requests,
      [...(options.others?.identityPolicies ?? []), { name, document }],
      options,
    );

  const evaluate = (req: EvaluationRequest, traced = true): EvaluationResult =>
    // A fresh evaluator each time: the document changes between calls.
    createEvaluator({
      ...options.others,
      identityPolicies: [
        ...(options.others?.identityPolicies ?? []),
        { name, document: structuredClone(doc) },
      ],
    })[traced ? "evaluate" : "decide"](req);

  const ownAllows = (r: EvaluationResult): StatementTrace[] =>
    r.statements.filter(
      (t) =>
        t.policy === name &&
        t.kind === "identity" &&
        t.effect === "Allow" &&
        t.action.element === "Action" &&
        t.resource.element === "Resource",
    );

  const record = (kind: FixChangeKind, index: number, description: string) => {
    const c: FixChange = { kind, statement: index, description };
    const sid = statements[index]?.Sid;
    if (sid !== undefined) c.sid = sid;
    changes.push(c);
  };

  const blockedReason = (r: EvaluationResult): string | undefined => {
    if (r.decision === "explicit-deny") {
      const d = r.deciding[0];
      return `explicitly denied by ${d?.sid ? `statement "${d.sid}"` : `Statement[${d?.index}]`} of ${d?.kind} policy "${d?.policy}"`;
    }
    if (r.blockedBy === "boundary") return "the permissions boundary does not allow it";
    if (r.blockedBy === "scp") return "a service control policy does not allow it";
    if (r.blockedBy === "resource-policy")
      return "the bucket is in another account and its bucket policy does not allow it";
    const conditional = ownAllows(r).find(
      (t) => t.action.matched && t.resource.matched && t.conditions.some((c) => !c.result),
    );
    if (conditional) {
      const c = conditional.conditions.find((x) => !x.result);
      return `statement ${conditional.sid ? `"${conditional.sid}"` : `[${conditional.index}]`} allows it only when ${c?.key} matches its ${c?.operator} condition; s3kit does not relax conditions`;
    }
    return undefined;
  };

  const tryOnce = (s: ScopedRequest, r: EvaluationResult): boolean => {
    const loc = parseS3Arn(r.resource);
    const candidates = ownAllows(r).filter((t) => t.conditions.every((c) => c.result));
    const requested = { action: r.action, resource: r.resource };
    const scope = s.scope;
    const target = s.target ?? { resources: [r.resource] };
    /** The grants a change would add, if every one of them stays inside the scope. */
    const fits = (
      actions: string[],
      resources: string[],
      condition: ConditionBlock | undefined,
    ): FixGrant[] | undefined => {
      const added = effectiveGrants(actions, resources);
      if (!scope) {
        // Outside S3 (a KMS key): only the exact resource and action asked for.
        return added.every(
          (g) => g.resource === r.resource && g.action.toLowerCase() === r.action.toLowerCase(),
        )
          ? added
          : undefined;
      }
      return added.every((g) => grantWithinScope(g, scope, condition, requested))
        ? added
        : undefined;
    };

    if (loc && scope) {
      // 1. The statement grants the action on this bucket, but not on this resource.
      for (const t of candidates) {
        if (!t.action.matched || t.resource.matched) continue;
        const st = statements[t.index] as PolicyStatement;
        const resources = asList(st.Resource);
        if (!resources.some((x) => parseS3Arn(x)?.bucket === loc.bucket)) continue;
        // A listing under a prefix needs an s3:prefix limit the statement must have already.
        if (target.condition && !listingConditionWithin(st.Condition, scope)) continue;
        const missing = target.resources.filter((x) => !resources.includes(x));
        const added = fits(asList(st.Action), missing, st.Condition);
        if (!added || missing.length === 0) continue;
        setList(st, "Resource", [...resources, ...missing]);
        grants.push(...added);
        const shown = missing.map((m) => `"${m}"`).join(", ");
        record(
          "add-resource",
          t.index,
          loc.key !== undefined && resources.includes(bucketArn(loc.bucket, loc.partition))
            ? `Added ${shown}: ${r.action} acts on objects, the statement named only the bucket.`
            : loc.key === undefined
              ? `Added ${shown}: ${r.action} acts on the bucket, the statement named only objects.`
              : `Added ${shown} to the statement that grants ${r.action} elsewhere in the bucket.`,
        );
        return true;
      }
      // 2. The statement names a near miss of the bucket (a typo, another environment).
      for (const t of candidates) {
        if (!t.action.matched || t.resource.matched) continue;
        const st = statements[t.index] as PolicyStatement;
        const resources = asList(st.Resource);
        const wrong = resources
          .map((x) => parseS3Arn(x)?.bucket)
          .find(
            (b) =>
              b !== undefined && b !== loc.bucket && bucketNearMiss(loc.bucket, b) !== undefined,
          );
        if (!wrong) continue;
        const replaced = resources.map((x) =>
          parseS3Arn(x)?.bucket === wrong ? x.replace(`:::${wrong}`, `:::${loc.bucket}`) : x,
        );
        const fresh = replaced.filter((x) => !resources.includes(x));
        const added = fits(asList(st.Action), fresh, st.Condition);
        if (!added) continue;
        setList(st, "Resource", replaced);
        grants.push(...added);
        record("replace-bucket", t.index, `Replaced bucket "${wrong}" with "${loc.bucket}".`);
        return true;
      }
    }
    // 3. A statement that already covers this resource, if the new action stays in the scope
    // on every resource of the statement.
    for (const t of candidates) {
      if (t.action.matched || !t.resource.matched) continue;
      const st = statements[t.index] as PolicyStatement;
      const added = fits([r.action], asList(st.Resource), st.Condition);
      if (!added) continue;
      setList(st, "Action", [...asList(st.Action), r.action]);
      grants.push(...added);
      record(
        "add-action",
        t.index,
        `Added ${r.action} to the statement that already covers ${r.resource}.`,
      );
      return true;
    }
    // 4. A new statement for the scope, shared by requests with the same scope.
    const existing = statements.findIndex(
      (st) =>
        typeof st.Sid === "string" &&
        st.Sid.startsWith(sidPrefix) &&
        asList(st.Resource).join() === target.resources.join() &&
        sameCondition(st.Condition, target.condition),
    );
    const added = effectiveGrants([r.action], target.resources);
    grants.push(...added);
    if (existing >= 0) {
      const st = statements[existing] as PolicyStatement;
      setList(st, "Action", [...asList(st.Action), r.action]);
      record(
        "add-action",
        existing,
        `Added ${r.action} to the new statement for ${target.resources.join(", ")}.`,
      );
      return true;
    }
    let n = 1;
    while (statements.some((st) => st.Sid === `${sidPrefix}${n}`)) n++;
    const statement: PolicyStatement = {
      Sid: `${sidPrefix}${n}`,
      Effect: "Allow",
      Action: [r.action],
      Resource: [...target.resources],
    };
    if (target.condition) statement.Condition = structuredClone(target.condition);
    statements.push(statement);
    record(
      "add-statement",
      statements.length - 1,
      `Added a statement allowing ${r.action} on ${target.resources.join(", ")}${target.condition ? ` with ${JSON.stringify(target.condition)}` : ""}.`,
    );
    return true;
  };

  const before = scoped.map((s) => evaluate(s.request, false).decision);
  for (const s of scoped) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const r = evaluate(s.request);
      if (r.decision === "allowed" || blockedReason(r) !== undefined) break;
      if (!tryOnce(s, r)) break;
    }
  }
  const outcomes: FixRequestOutcome[] = scoped.map((s, i) => {
    const r = evaluate(s.request);
    const o: FixRequestOutcome = {
      request: s.request,
      before: before[i] ?? r.decision,
      after: r.decision,
    };
    if (r.decision !== "allowed")
      o.reason = blockedReason(r) ?? "no change of this policy allows it";
    return o;
  });
  if (!Array.isArray(document.Statement) && statements.length === 1)
    doc.Statement = statements[0] as PolicyStatement;
  const unique = new Map(grants.map((g) => [`${g.action.toLowerCase()} ${g.resource}`, g]));
  return {
    document: doc,
    changes,
    outcomes,
    complete: outcomes.every((o) => o.after === "allowed"),
    scoped,
    grants: [...unique.values()],
  };
}
