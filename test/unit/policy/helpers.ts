// Table-driven evaluator tests: each case names the policies, the request and the
// expected decision plus deciding statements as `policyName[index]`.

import { expect, it } from "vitest";
import { createEvaluator, type PolicySetInput } from "../../../src/core/policy/evaluate.js";
import type {
  ConditionBlock,
  ConditionScalar,
  ContextValue,
  EvaluationRequest,
  NamedPolicy,
  PolicyDocument,
  PolicyStatement,
  StatementRef,
} from "../../../src/core/policy/types.js";

export const ACCOUNT = "111122223333";
export const OTHER_ACCOUNT = "444455556666";
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
export const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/worker`;
export const BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket";
export const OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/reports/2024.csv";

export function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

export function named(name: string, ...statements: PolicyStatement[]): NamedPolicy {
  return { name, document: doc(...statements) };
}

export function allow(
  action: string | string[],
  resource: string | string[],
  condition?: ConditionBlock,
): PolicyStatement {
  const s: PolicyStatement = { Effect: "Allow", Action: action, Resource: resource };
  if (condition) s.Condition = condition;
  return s;
}

export function deny(
  action: string | string[],
  resource: string | string[],
  condition?: ConditionBlock,
): PolicyStatement {
  const s: PolicyStatement = { Effect: "Deny", Action: action, Resource: resource };
  if (condition) s.Condition = condition;
  return s;
}

export type Expected = "allowed" | "explicit-deny" | "implicit-deny";

export interface EvalCase {
  name: string;
  policies: PolicySetInput;
  request: Partial<EvaluationRequest>;
  decision: Expected;
  /** `policyName[index]` of the deciding statements, in order; omitted = not checked. */
  deciding?: string[];
  blockedBy?: string;
}

export function refKey(r: StatementRef): string {
  return `${r.policy}[${r.index}]`;
}

export function request(partial: Partial<EvaluationRequest>): EvaluationRequest {
  return {
    action: partial.action ?? "s3:GetObject",
    resource: partial.resource ?? OBJECT,
    principal: partial.principal ?? ALICE,
    ...(partial.context ? { context: partial.context } : {}),
    ...(partial.resourceAccount ? { resourceAccount: partial.resourceAccount } : {}),
  };
}

/** Runs each case through both the traced and the fast path; they must agree. */
export function runCases(cases: EvalCase[]): void {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const ev = createEvaluator(c.policies);
    const req = request(c.request);
    const full = ev.evaluate(req);
    const fast = ev.decide(req);
    expect(full.decision).toBe(c.decision);
    expect(fast.decision).toBe(c.decision);
    expect(fast.deciding).toEqual(full.deciding);
    if (c.deciding) expect(full.deciding.map(refKey)).toEqual(c.deciding);
    if (c.blockedBy) expect(full.blockedBy).toBe(c.blockedBy);
  });
}

// One Allow with one condition; the decision says whether the condition held.
export function conditionCase(
  operator: string,
  key: string,
  values: ConditionScalar | ConditionScalar[],
  actual: ContextValue | undefined,
  holds: boolean,
): EvalCase {
  const shown = actual === undefined ? "(missing)" : JSON.stringify(actual);
  return {
    name: `${operator} ${key} ${JSON.stringify(values)} vs ${shown} → ${holds}`,
    policies: {
      identityPolicies: [named("p", allow("s3:*", "*", { [operator]: { [key]: values } }))],
    },
    request: actual === undefined ? {} : { context: { [key]: actual } },
    decision: holds ? "allowed" : "implicit-deny",
    ...(holds ? { deciding: ["p[0]"] } : {}),
  };
}
