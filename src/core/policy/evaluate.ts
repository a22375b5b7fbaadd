// The AWS policy evaluation logic for one request:
//   1. an explicit Deny in any applicable policy wins;
//   2. SCPs (when given) must allow at every level of the organization;
//   3. same account: an identity-policy Allow counts when the permissions boundary (when
//      given) allows too; a bucket-policy Allow that names the caller grants on its own,
//      except that an Allow naming a role ARN is still limited by the role's boundary,
//      and an Allow naming the account only delegates to the identity policies;
//   4. another account: both the caller's identity policies and the bucket policy must allow.
// Anonymous callers and AWS services get access only through the bucket policy.

import {
  type CompiledPolicy,
  type CompiledStatement,
  compilePolicy,
  matchAction,
  resourceMatcher,
} from "./compile.js";
import { evaluateCondition } from "./conditions.js";
import { isExemptByNotPrincipal, matchPrincipal } from "./principal.js";
import { type PreparedRequest, prepareRequest } from "./request-context.js";
import type {
  BlockedBy,
  ConditionTrace,
  ElementTrace,
  EvaluationRequest,
  EvaluationResult,
  NamedPolicy,
  PolicyKind,
  PolicySet,
  PrincipalMatchKind,
  PrincipalTrace,
  StatementRef,
  StatementTrace,
} from "./types.js";

export interface CompiledPolicySet {
  identityPolicies: CompiledPolicy[];
  boundary?: CompiledPolicy;
  resourcePolicy?: CompiledPolicy;
  scps: CompiledPolicy[];
}

/** Accepts named or already compiled policies in each slot. */
export interface PolicySetInput {
  identityPolicies?: (NamedPolicy | CompiledPolicy)[];
  boundary?: NamedPolicy | CompiledPolicy;
  resourcePolicy?: NamedPolicy | CompiledPolicy;
  scps?: (NamedPolicy | CompiledPolicy)[];
}

export interface PolicyEvaluator {
  readonly policies: CompiledPolicySet;
  /** Decision, deciding statements and a trace of every statement. */
  evaluate(request: EvaluationRequest): EvaluationResult;
  /** Decision and deciding statements only (no per-statement trace): the fast path. */
  decide(request: EvaluationRequest): EvaluationResult;
}

const compiledCache = new WeakMap<NamedPolicy, Map<PolicyKind, CompiledPolicy>>();

function isCompiled(p: NamedPolicy | CompiledPolicy): p is CompiledPolicy {
  return "statements" in p && "kind" in p;
}

/** Compile, reusing an earlier compilation of the same policy object. */
function ensureCompiled(p: NamedPolicy | CompiledPolicy, kind: PolicyKind): CompiledPolicy {
  if (isCompiled(p)) return p;
  let byKind = compiledCache.get(p);
  if (!byKind) {
    byKind = new Map();
    compiledCache.set(p, byKind);
  }
  let c = byKind.get(kind);
  if (!c) {
    c = compilePolicy(p, kind);
    byKind.set(kind, c);
  }
  return c;
}

export function compilePolicySet(set: PolicySetInput | PolicySet): CompiledPolicySet {
  const out: CompiledPolicySet = {
    identityPolicies: (set.identityPolicies ?? []).map((p) => ensureCompiled(p, "identity")),
    scps: (set.scps ?? []).map((p) => ensureCompiled(p, "scp")),
  };
  if (set.boundary) out.boundary = ensureCompiled(set.boundary, "boundary");
  if (set.resourcePolicy) out.resourcePolicy = ensureCompiled(set.resourcePolicy, "resource");
  return out;
}

interface StatementOutcome {
  applies: boolean;
  principalKind?: PrincipalMatchKind;
}

const IAM_CALLERS = new Set(["user", "role-session", "root", "federated-user"]);
const BOUNDED_CALLERS = new Set(["user", "role-session"]);

function principalOutcome(
  st: CompiledStatement,
  req: PreparedRequest,
  hasBoundary: boolean,
): { matched: boolean; kind?: PrincipalMatchKind } {
  if (!st.principal) return { matched: false };
  if (st.principalElement === "Principal") {
    const kind = matchPrincipal(st.principal, req.principal);
    return kind ? { matched: true, kind } : { matched: false };
  }
  // AWS documents that a Deny with NotPrincipal always denies a principal that has a
  // permissions boundary, whatever NotPrincipal lists.
  if (st.effect === "Deny" && hasBoundary && BOUNDED_CALLERS.has(req.principal.type)) {
    return { matched: true, kind: "boundary-not-principal" };
  }
  const exempt = isExemptByNotPrincipal(st.principal, req.principal);
  return exempt ? { matched: false } : { matched: true, kind: "not-principal" };
}

/** Short-circuit evaluation of one statement. */
function evaluateFast(
  st: CompiledStatement,
  kind: PolicyKind,
  req: PreparedRequest,
  hasBoundary: boolean,
): StatementOutcome {
  const hit = matchAction(st, req.actionLc);
  if ((st.actionElement === "Action") !== hit >= 0) return { applies: false };
  if (!st.resourceElement) return { applies: false };
  let any = false;
  for (const r of st.resources) {
    const { matcher } = resourceMatcher(r, req.lookup);
    if (matcher?.(req.resource)) {
      any = true;
      break;
    }
  }
  if ((st.resourceElement === "Resource") !== any) return { applies: false };
  let principalKind: PrincipalMatchKind | undefined;
  if (kind === "resource") {
    const p = principalOutcome(st, req, hasBoundary);
    if (!p.matched) return { applies: false };
    principalKind = p.kind;
  }
  for (const c of st.conditions) {
    if (!evaluateCondition(c, req.context.get(c.keyLc), req.lookup)) return { applies: false };
  }
  return principalKind ? { applies: true, principalKind } : { applies: true };
}

/** Full evaluation of one statement with the reason for every element. */
function evaluateTraced(
  st: CompiledStatement,
  policy: CompiledPolicy,
  req: PreparedRequest,
  hasBoundary: boolean,
): StatementOutcome & { trace: StatementTrace } {
  const hit = matchAction(st, req.actionLc);
  const actionMatched = (st.actionElement === "Action") === hit >= 0;
  // A trace is made for every statement of every request: plain object literals and the
  // statement's own arrays keep a policy of thousands of statements cheap to explain.
  const action: ElementTrace = {
    element: st.actionElement,
    matched: actionMatched,
    values: st.actions,
  };
  if (hit >= 0) action.matchedValue = st.actions[hit] as string;

  let shown = st.resourceTexts;
  let matchedValue: string | undefined;
  if (st.resourcesFixed) {
    for (const r of st.resources) {
      if (r.matcher?.(req.resource)) {
        matchedValue = r.raw;
        break;
      }
    }
  } else {
    shown = [];
    for (const r of st.resources) {
      const m = resourceMatcher(r, req.lookup);
      shown.push(m.shown ?? r.raw);
      if (matchedValue === undefined && m.matcher?.(req.resource)) matchedValue = m.shown ?? r.raw;
    }
  }
  const resourceMatched =
    st.resourceElement !== undefined &&
    (st.resourceElement === "Resource") === (matchedValue !== undefined);
  const resource: ElementTrace = {
    element: st.resourceElement ?? "Resource",
    matched: resourceMatched,
    values: shown,
  };
  if (matchedValue !== undefined) resource.matchedValue = matchedValue;

  let principal: PrincipalTrace | undefined;
  let principalMatched = true;
  let principalKind: PrincipalMatchKind | undefined;
  if (policy.kind === "resource") {
    const p = principalOutcome(st, req, hasBoundary);
    principalMatched = p.matched;
    principalKind = p.kind;
    principal = {
      element: st.principalElement ?? "Principal",
      matched: p.matched,
      values: st.principal?.values ?? [],
      ...(p.kind ? { matchKind: p.kind } : {}),
    };
  }

  const conditions: ConditionTrace[] = [];
  let conditionsHold = true;
  for (const c of st.conditions) {
    if (!evaluateCondition(c, req.context.get(c.keyLc), req.lookup, conditions)) {
      conditionsHold = false;
    }
  }
  const applies = actionMatched && resourceMatched && principalMatched && conditionsHold;
  const trace: StatementTrace =
    st.sid !== undefined
      ? {
          policy: policy.name,
          kind: policy.kind,
          index: st.index,
          sid: st.sid,
          effect: st.effect,
          action,
          resource,
          conditions,
          applies,
        }
      : {
          policy: policy.name,
          kind: policy.kind,
          index: st.index,
          effect: st.effect,
          action,
          resource,
          conditions,
          applies,
        };
  if (principal) trace.principal = principal;
  const out: StatementOutcome & { trace: StatementTrace } = { applies, trace };
  if (applies && principalKind) out.principalKind = principalKind;
  return out;
}

function ref(policy: CompiledPolicy, st: CompiledStatement): StatementRef {
  const r: StatementRef = {
    policy: policy.name,
    kind: policy.kind,
    index: st.index,
    effect: st.effect,
  };
  if (st.sid !== undefined) r.sid = st.sid;
  return r;
}

interface Hit {
  ref: StatementRef;
  principalKind?: PrincipalMatchKind;
}

function run(
  set: CompiledPolicySet,
  request: EvaluationRequest,
  traced: boolean,
): EvaluationResult {
  const req = prepareRequest(request);
  const p = req.principal;
  const isIam = IAM_CALLERS.has(p.type);
  const bounded = BOUNDED_CALLERS.has(p.type);
  const hasBoundary = set.boundary !== undefined && bounded;
  const statements: StatementTrace[] = [];
  const denies: StatementRef[] = [];

  // Identity-side policies belong to an IAM caller; they cannot apply to anyone else.
  const applicable: CompiledPolicy[] = [];
  if (isIam) {
    applicable.push(...set.identityPolicies);
    if (hasBoundary && set.boundary) applicable.push(set.boundary);
    applicable.push(...set.scps);
  }
  if (set.resourcePolicy) applicable.push(set.resourcePolicy);

  const allows = new Map<PolicyKind, Hit[]>();
  const scpLevels = new Map<string, boolean>();
  for (const policy of applicable) {
    if (policy.kind === "scp" && !scpLevels.has(policy.level)) scpLevels.set(policy.level, false);
    for (const st of policy.statements) {
      let outcome: StatementOutcome;
      if (traced) {
        const t = evaluateTraced(st, policy, req, hasBoundary);
        statements.push(t.trace);
        outcome = t;
      } else {
        outcome = evaluateFast(st, policy.kind, req, hasBoundary);
      }
      if (!outcome.applies) continue;
      if (st.effect === "Deny") {
        denies.push(ref(policy, st));
        continue;
      }
      if (policy.kind === "scp") scpLevels.set(policy.level, true);
      const hit: Hit = { ref: ref(policy, st) };
      if (outcome.principalKind) hit.principalKind = outcome.principalKind;
      const list = allows.get(policy.kind) ?? [];
      list.push(hit);
      allows.set(policy.kind, list);
    }
  }

  const crossAccount = isIam && req.resourceAccount !== p.accountId;
  const base = {
    statements,
    crossAccount,
    action: req.action,
    resource: req.resource,
    principal: p,
  };
  if (denies.length > 0) return { decision: "explicit-deny", deciding: denies, ...base };

  const implicit = (blockedBy: BlockedBy): EvaluationResult => ({
    decision: "implicit-deny",
    deciding: [],
    blockedBy,
    ...base,
  });
  const allowed = (hits: Hit[]): EvaluationResult => ({
    decision: "allowed",
    deciding: hits.map((h) => h.ref),
    ...base,
  });

  const resourceAllows = allows.get("resource") ?? [];
  if (!isIam) {
    // Anonymous callers and services: only the bucket policy can grant.
    return resourceAllows.length > 0 ? allowed(resourceAllows) : implicit("no-allow");
  }

  if (set.scps.length > 0 && [...scpLevels.values()].some((ok) => !ok)) return implicit("scp");

  const identityAllows = allows.get("identity") ?? [];
  const boundaryOk = !hasBoundary || (allows.get("boundary") ?? []).length > 0;
  // The root user of the account has every permission its SCPs leave it.
  const identityGrants = (identityAllows.length > 0 || p.type === "root") && boundaryOk;

  if (crossAccount) {
    if (identityGrants && resourceAllows.length > 0) {
      return allowed([...identityAllows, ...resourceAllows]);
    }
    if (!identityGrants) {
      return implicit(identityAllows.length > 0 && !boundaryOk ? "boundary" : "identity-policy");
    }
    return implicit("resource-policy");
  }

  const granting: Hit[] = identityGrants ? [...identityAllows] : [];
  let delegatedOnly = false;
  let limitedByBoundary = false;
  for (const hit of resourceAllows) {
    switch (hit.principalKind) {
      case "account":
        // Naming the account delegates to the account's identity policies.
        if (identityGrants) granting.push(hit);
        else delegatedOnly = true;
        break;
      case "role-arn":
        if (boundaryOk) granting.push(hit);
        else limitedByBoundary = true;
        break;
      default:
        granting.push(hit);
    }
  }
  if (granting.length > 0 || (p.type === "root" && identityGrants)) return allowed(granting);
  if ((identityAllows.length > 0 && !boundaryOk) || limitedByBoundary) return implicit("boundary");
  if (delegatedOnly) return implicit("account-delegation");
  return implicit("no-allow");
}

export function createEvaluator(set: PolicySetInput | PolicySet): PolicyEvaluator {
  const policies = compilePolicySet(set);
  return {
    policies,
    evaluate: (request) => run(policies, request, true),
    decide: (request) => run(policies, request, false),
  };
}

/** One-off evaluation; prefer createEvaluator for many requests. */
export function evaluate(
  set: PolicySetInput | PolicySet,
  request: EvaluationRequest,
): EvaluationResult {
  return createEvaluator(set).evaluate(request);
}
