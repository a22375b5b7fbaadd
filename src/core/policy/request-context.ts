// A request prepared for evaluation: the caller parsed, context keys lower-cased (IAM
// keys are case-insensitive) and merged with the keys AWS derives from the caller.
// Prepared once per request object and reused by every evaluator.

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

const prepared = new WeakMap<EvaluationRequest, PreparedRequest>();

export function prepareRequest(req: EvaluationRequest): PreparedRequest {
  const cached = prepared.get(req);
  if (cached) return cached;
  const principal = derivePrincipal(req.principal);
  const context = new Map<string, ContextValue>();
  // Derived keys first so that an explicit context value (e.g. a real aws:userid) wins.
  for (const [k, v] of Object.entries(principalContext(principal))) context.set(k.toLowerCase(), v);
  for (const [k, v] of Object.entries(req.context ?? {})) context.set(k.toLowerCase(), v);
  const lookup: VariableLookup = (key) => {
    const v = context.get(key);
    if (Array.isArray(v)) return v.length === 1 ? v[0] : undefined;
    return v;
  };
  const out: PreparedRequest = {
    source: req,
    action: req.action,
    actionLc: req.action.toLowerCase(),
    resource: req.resource,
    principal,
    resourceAccount: req.resourceAccount ?? principal.accountId,
    context,
    lookup,
  };
  prepared.set(req, out);
  return out;
}
