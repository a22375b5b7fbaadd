// `policy debug` as a use-case: evaluate each request against a set of policies and
// explain every outcome (decision, deciding statements quoted, what each statement
// did, diagnoses with fixes). Pure: the offline command builds the inputs from files
// and flags, the online mode from the live IAM and bucket configuration; both render
// this report.

import { type BucketFacts, type Diagnosis, diagnose, type OnlineFacts } from "./diagnose.js";
import { createEvaluator } from "./evaluate.js";
import { derivePrincipal } from "./principal.js";
import type {
  BlockedBy,
  ConditionTrace,
  Decision,
  EvaluationRequest,
  NamedPolicy,
  PolicyKind,
  PolicySet,
  PolicyStatement,
  RequestContext,
  RequestPrincipal,
  StatementRef,
  StatementTrace,
} from "./types.js";

/** `--expect allow`: every request must be allowed; `deny`: none may be. */
export type DebugExpectation = "allow" | "deny";

export interface PolicyDebugInput {
  policies: PolicySet;
  requests: readonly EvaluationRequest[];
  /** The bucket's settings that change the outcome (SSE-KMS), when known. */
  bucket?: BucketFacts;
  /** Facts only the online mode gathers (detached policies, non-default versions). */
  online?: OnlineFacts;
  expect?: DebugExpectation;
  /**
   * Keep every statement's trace and explanation in the results (default true). The
   * human rendering shows only the deciding statements and diagnoses; without the
   * traces a policy of thousands of statements is explained in a fraction of the memory.
   */
  explainStatements?: boolean;
}

/** A deciding statement with its text, as written in the policy. */
export interface QuotedStatement extends StatementRef {
  statement: PolicyStatement;
}

/** Every statement's trace plus one sentence on what it did for this request. */
export interface ExplainedStatement extends StatementTrace {
  explanation: string;
}

export interface PolicyDebugResult {
  action: string;
  resource: string;
  /** No key was given: the object action was checked with an example key. */
  exampleKey: boolean;
  /** The request context the evaluation used (given values plus what AWS always sends). */
  context: RequestContext;
  decision: Decision;
  /** Set for implicit-deny: what was missing. */
  blockedBy?: BlockedBy;
  crossAccount: boolean;
  /** The Deny statements for explicit-deny, the granting Allow statements for allowed. */
  deciding: QuotedStatement[];
  statements: ExplainedStatement[];
  diagnoses: Diagnosis[];
  /** With an expectation: whether this result meets it. */
  expectationMet?: boolean;
}

export interface PolicySummary {
  name: string;
  kind: PolicyKind;
  statements: number;
}

export interface PolicyDebugReport {
  principal: RequestPrincipal;
  policies: PolicySummary[];
  results: PolicyDebugResult[];
  expect?: DebugExpectation;
  /** With an expectation: every result meets it. */
  expectationMet?: boolean;
}

function statementCount(p: NamedPolicy): number {
  const s = p.document.Statement;
  return Array.isArray(s) ? s.length : 1;
}

/** The policies of a set in evaluation order, with their kind. */
export function summarizePolicies(set: PolicySet): PolicySummary[] {
  const out: PolicySummary[] = [];
  const add = (p: NamedPolicy | undefined, kind: PolicyKind) => {
    if (p) out.push({ name: p.name, kind, statements: statementCount(p) });
  };
  for (const p of set.identityPolicies ?? []) add(p, "identity");
  add(set.boundary, "boundary");
  add(set.resourcePolicy, "resource");
  for (const p of set.scps ?? []) add(p, "scp");
  return out;
}

function quote(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

function describeActual(c: ConditionTrace): string {
  if (c.actual === undefined) return "the request does not have the key";
  return `the request has ${Array.isArray(c.actual) ? `[${quote(c.actual)}]` : `"${c.actual}"`}`;
}

/** One sentence: why the statement applies to the request, or the first things that do not match. */
export function explainStatement(t: StatementTrace, action: string, resource: string): string {
  const problems: string[] = [];
  if (!t.action.matched) {
    problems.push(
      t.action.element === "NotAction"
        ? `its NotAction lists ${action} ("${t.action.matchedValue ?? action}")`
        : `its Action [${quote(t.action.values)}] does not include ${action}`,
    );
  }
  if (!t.resource.matched) {
    problems.push(
      t.resource.values.length === 0
        ? "it has no Resource"
        : t.resource.element === "NotResource"
          ? `its NotResource covers ${resource} ("${t.resource.matchedValue ?? ""}")`
          : `its Resource [${quote(t.resource.values)}] does not match ${resource}`,
    );
  }
  if (t.principal && !t.principal.matched) {
    problems.push(
      t.principal.element === "NotPrincipal"
        ? "its NotPrincipal exempts the caller"
        : `its Principal [${quote(t.principal.values)}] does not name the caller`,
    );
  }
  for (const c of t.conditions) {
    if (c.result) continue;
    problems.push(
      `its condition ${c.operator} ${c.key} [${quote(c.expected)}] does not hold: ${describeActual(c)}${c.note ? ` (${c.note})` : ""}`,
    );
  }
  if (problems.length > 0) return `Does not apply: ${problems.join("; ")}.`;
  const parts = [
    t.action.element === "Action"
      ? `Action "${t.action.matchedValue ?? action}" matches`
      : "NotAction does not list the action",
    t.resource.element === "Resource"
      ? `Resource "${t.resource.matchedValue ?? resource}" matches`
      : "NotResource does not cover the resource",
  ];
  if (t.principal) parts.push(`Principal names the caller (${t.principal.matchKind ?? "match"})`);
  if (t.conditions.length > 0) parts.push("every condition holds");
  return `${t.effect === "Allow" ? "Allows" : "Denies"} ${action}: ${parts.join(", ")}.`;
}

function refOf(r: StatementRef): StatementRef {
  const out: StatementRef = { policy: r.policy, kind: r.kind, index: r.index, effect: r.effect };
  if (r.sid !== undefined) out.sid = r.sid;
  return out;
}

/** Evaluates every request and explains each outcome. */
export function runPolicyDebug(input: PolicyDebugInput): PolicyDebugReport {
  const evaluator = createEvaluator(input.policies);
  const compiled = evaluator.policies;
  const all = [
    ...compiled.identityPolicies,
    ...(compiled.boundary ? [compiled.boundary] : []),
    ...(compiled.resourcePolicy ? [compiled.resourcePolicy] : []),
    ...compiled.scps,
  ];
  const quoteRef = (r: StatementRef): QuotedStatement => {
    const st = all.find((p) => p.name === r.policy && p.kind === r.kind)?.statements[r.index];
    return { ...r, statement: st?.statement ?? { Effect: r.effect } };
  };

  let principal: RequestPrincipal | undefined;
  const results = input.requests.map((request): PolicyDebugResult => {
    const r = evaluator.evaluate(request);
    principal ??= r.principal;
    const diagnoses = diagnose({
      request,
      policies: input.policies,
      result: r,
      ...(input.bucket ? { bucket: input.bucket } : {}),
      ...(input.online ? { online: input.online } : {}),
    });
    // A diagnosis may carry the statement's whole trace; the report names it by reference.
    for (const d of diagnoses) if (d.statement) d.statement = refOf(d.statement);
    const out: PolicyDebugResult = {
      action: r.action,
      resource: r.resource,
      exampleKey: request.exampleKey === true,
      context: { ...(request.context ?? {}) },
      decision: r.decision,
      ...(r.blockedBy ? { blockedBy: r.blockedBy } : {}),
      crossAccount: r.crossAccount,
      deciding: r.deciding.map(quoteRef),
      statements:
        input.explainStatements === false
          ? []
          : r.statements.map((t) => ({
              ...t,
              explanation: explainStatement(t, r.action, r.resource),
            })),
      diagnoses,
    };
    if (input.expect) {
      out.expectationMet = (r.decision === "allowed") === (input.expect === "allow");
    }
    return out;
  });

  const report: PolicyDebugReport = {
    principal: principal ?? derivePrincipal(),
    policies: summarizePolicies(input.policies),
    results,
  };
  if (input.expect) {
    report.expect = input.expect;
    report.expectationMet = results.every((r) => r.expectationMet === true);
  }
  return report;
}
