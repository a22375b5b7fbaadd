// A request prepared for evaluation: the caller parsed, context keys lower-cased (IAM
// keys are case-insensitive) and merged with the keys AWS derives from the caller.
// Prepared on every evaluation (requests may be mutated between calls); the costly
// parts, caller ARNs and key spellings, are cached instead.

import { derivePrincipal, principalContext } from "./principal.js";
import type { ContextValue, EvaluationRequest, RequestPrincipal } from "./types.js";
import type { VariableLookup } from "./variables.js";

export interface PreparedRequest {
  source: EvaluationRequest;
  action: string;
  actionLc: string;
  resource: string;
  principal: RequestPrincipal;
  resourceAccount: string;
  context: Map<string, ContextValue>;
  lookup: VariableLookup;
}

interface CallerInfo {
  principal: RequestPrincipal;
  derived: [string, ContextValue][];
}

// Many requests share a caller: parse each ARN once. Bounded so a long batch of
// distinct callers cannot grow it without limit.
const callers = new Map<string, CallerInfo>();
const lowerKeys = new Map<string, string>();
const CACHE_LIMIT = 4096;

function callerInfo(input: EvaluationRequest["principal"]): CallerInfo {
  const cacheKey = typeof input === "string" || input === undefined ? (input ?? "") : undefined;
  if (cacheKey !== undefined) {
    const hit = callers.get(cacheKey);
    if (hit) return hit;
  }
  const principal = derivePrincipal(input);
  const derived = Object.entries(principalContext(principal)).map(
    ([k, v]) => [k.toLowerCase(), v] as [string, ContextValue],
  );
  const info = { principal, derived };
  if (cacheKey !== undefined) {
    if (callers.size >= CACHE_LIMIT) callers.clear();
    callers.set(cacheKey, info);
  }
  return info;
}

function lower(key: string): string {
  let lc = lowerKeys.get(key);
  if (lc === undefined) {
    lc = key.toLowerCase();
    if (lowerKeys.size >= CACHE_LIMIT) lowerKeys.clear();
    lowerKeys.set(key, lc);
  }
  return lc;
}

export function prepareRequest(req: EvaluationRequest): PreparedRequest {
  const { principal, derived } = callerInfo(req.principal);
  // Derived keys first so that an explicit context value (e.g. a real aws:userid) wins.
  const context = new Map<string, ContextValue>(derived);
  const given = req.context;
  if (given) for (const k in given) context.set(lower(k), given[k] as ContextValue);
  const lookup: VariableLookup = (key) => {
    const v = context.get(key);
    if (Array.isArray(v)) return v.length === 1 ? v[0] : undefined;
    return v;
  };
  const out: PreparedRequest = {
    source: req,
    action: req.action,
    actionLc: lower(req.action),
    resource: req.resource,
    principal,
    resourceAccount: req.resourceAccount ?? principal.accountId,
    context,
    lookup,
  };
  return out;
}
