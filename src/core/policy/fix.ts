// `policy fix`: the smallest change to one identity policy that allows the requested
// actions without widening anything else. In order of preference:
//   1. add the missing `bucket/*` to a statement that grants the object action on the
//      bucket ARN only (or the missing bucket ARN for ListBucket on `bucket/*` only);
//   2. point a resource at the right bucket when the policy names a near miss
//      (typo, other environment);
//   3. add the action to a statement that already covers the resource;
//   4. add a new statement for exactly that action and resource.
// Requests blocked by something this policy cannot change (an explicit deny, a
// boundary, SCPs, a condition that does not hold, a cross-account bucket policy) are
// reported instead of worked around.

import { bucketArn, parseS3Arn } from "./arn.js";
import { createEvaluator, type PolicySetInput } from "./evaluate.js";
import { bucketNearMiss } from "./near-miss.js";
import type {
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
}

export interface FixOptions {
  /** Name of the policy in results; default "policy". */
  policyName?: string;
  /** The other policies that apply to the caller (they are not changed). */
  others?: Omit<PolicySetInput, "identityPolicies"> & { identityPolicies?: NamedPolicy[] };
  /** Sid prefix of added statements; default "S3kitFix". */
  sidPrefix?: string;
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? [...v] : [v];
}

/** Keep a single value a string, as the author wrote it, unless it became a list. */
function setList(st: PolicyStatement, key: "Action" | "Resource", values: string[]): void {
  st[key] = values.length === 1 ? (values[0] as string) : values;
}

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

  const tryOnce = (req: EvaluationRequest, r: EvaluationResult): boolean => {
    const loc = parseS3Arn(r.resource);
    const candidates = ownAllows(r).filter((t) => t.conditions.every((c) => c.result));
    if (loc) {
      const bArn = bucketArn(loc.bucket, loc.partition);
      for (const t of candidates) {
        if (!t.action.matched || t.resource.matched) continue;
        const st = statements[t.index] as PolicyStatement;
        const resources = asList(st.Resource);
        if (loc.key !== undefined && resources.includes(bArn)) {
          setList(st, "Resource", [...resources, `${bArn}/*`]);
          record(
            "add-resource",
            t.index,
            `Added "${bArn}/*": ${r.action} acts on objects, the statement named only the bucket.`,
          );
          return true;
        }
        if (loc.key === undefined && resources.some((x) => x.startsWith(`${bArn}/`))) {
          setList(st, "Resource", [...resources, bArn]);
          record(
            "add-resource",
            t.index,
            `Added "${bArn}": ${r.action} acts on the bucket, the statement named only objects.`,
          );
          return true;
        }
      }
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
        setList(
          st,
          "Resource",
          resources.map((x) =>
            parseS3Arn(x)?.bucket === wrong ? x.replace(`:::${wrong}`, `:::${loc.bucket}`) : x,
          ),
        );
        record("replace-bucket", t.index, `Replaced bucket "${wrong}" with "${loc.bucket}".`);
        return true;
      }
    }
    // A statement that already covers this resource (and only resources of the same
    // kind, so the new action does not spread to other resource types).
    const sameKind = (x: string) => {
      const l = parseS3Arn(x);
      return loc
        ? l !== undefined && (l.key !== undefined) === (loc.key !== undefined)
        : x === r.resource;
    };
    for (const t of candidates) {
      if (t.action.matched || !t.resource.matched) continue;
      const st = statements[t.index] as PolicyStatement;
      if (!asList(st.Resource).every(sameKind)) continue;
      setList(st, "Action", [...asList(st.Action), r.action]);
      record(
        "add-action",
        t.index,
        `Added ${r.action} to the statement that already covers ${r.resource}.`,
      );
      return true;
    }
    // A new statement, shared by requests for the same resource.
    const target = req.exampleKey && loc ? `${bucketArn(loc.bucket, loc.partition)}/*` : r.resource;
    const existing = statements.findIndex(
      (s) =>
        typeof s.Sid === "string" &&
        s.Sid.startsWith(sidPrefix) &&
        asList(s.Resource).join() === target,
    );
    if (existing >= 0) {
      const st = statements[existing] as PolicyStatement;
      setList(st, "Action", [...asList(st.Action), r.action]);
      record("add-action", existing, `Added ${r.action} to the new statement for ${target}.`);
      return true;
    }
    let n = 1;
    while (statements.some((s) => s.Sid === `${sidPrefix}${n}`)) n++;
    statements.push({
      Sid: `${sidPrefix}${n}`,
      Effect: "Allow",
      Action: [r.action],
      Resource: [target],
    });
    record(
      "add-statement",
      statements.length - 1,
      `Added a statement allowing ${r.action} on ${target}.`,
    );
    return true;
  };

  const before = requests.map((req) => evaluate(req, false).decision);
  for (const req of requests) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const r = evaluate(req);
      if (r.decision === "allowed" || blockedReason(r) !== undefined) break;
      if (!tryOnce(req, r)) break;
    }
  }
  const outcomes: FixRequestOutcome[] = requests.map((req, i) => {
    const r = evaluate(req);
    const o: FixRequestOutcome = {
      request: req,
      before: before[i] ?? r.decision,
      after: r.decision,
    };
    if (r.decision !== "allowed")
      o.reason = blockedReason(r) ?? "no change of this policy allows it";
    return o;
  });
  if (!Array.isArray(document.Statement) && statements.length === 1)
    doc.Statement = statements[0] as PolicyStatement;
  return {
    document: doc,
    changes,
    outcomes,
    complete: outcomes.every((o) => o.after === "allowed"),
  };
}
