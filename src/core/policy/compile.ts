// Turns a policy document into a form that is cheap to evaluate many times:
// wildcards become matchers, conditions are parsed, variables are pre-split, and each
// statement remembers which actions it matched before.

import { type CompiledCondition, compileCondition } from "./conditions.js";
import { nestedTooDeeply, PolicyInputError } from "./errors.js";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "./json-parse.js";
import { type CompiledPrincipal, compilePrincipal } from "./principal.js";
import type {
  ConditionScalar,
  NamedPolicy,
  PolicyDocument,
  PolicyKind,
  PolicyStatement,
} from "./types.js";
import {
  parseTemplate,
  resolveTemplate,
  type Template,
  VARIABLES_VERSION,
  type VariableLookup,
} from "./variables.js";
import { compileParts, compileWildcard, type Matcher } from "./wildcard.js";

export interface CompiledResource {
  raw: string;
  template?: Template;
  matcher?: Matcher;
  cache?: Map<string, Matcher>;
}

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  statement: PolicyStatement;
  actionElement: "Action" | "NotAction";
  actions: string[];
  actionMatchers: Matcher[];
  /** Undefined when the statement has neither Resource nor NotResource. */
  resourceElement?: "Resource" | "NotResource";
  resources: CompiledResource[];
  /** The Resource entries as written; what a trace shows when none has a variable. */
  resourceTexts: string[];
  /** No Resource entry has a policy variable: every matcher is fixed. */
  resourcesFixed: boolean;
  principalElement?: "Principal" | "NotPrincipal";
  principal?: CompiledPrincipal;
  conditions: CompiledCondition[];
  /** Lower-cased action → index of the first matching pattern, or -1. */
  actionCache: Map<string, number>;
}

export interface CompiledPolicy {
  name: string;
  kind: PolicyKind;
  level: string;
  document: PolicyDocument;
  /** Version is 2012-10-17, so `${…}` are variables rather than text. */
  variables: boolean;
  statements: CompiledStatement[];
}

const CACHE_LIMIT = 1024;

/** SCPs without a level are taken as attached to the same node (usually the account). */
export const DEFAULT_SCP_LEVEL = "account";

function asList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map((x) => String(x)) : [String(v)];
}

function invalid(
  policy: string,
  message: string,
  path?: string,
  hint = "Check the policy with `s3kit policy lint`.",
): PolicyInputError {
  return new PolicyInputError(
    "invalid-policy",
    `${policy}: ${message}`,
    hint,
    path ? { path } : {},
  );
}

/** Statement list of a document, accepting a single statement object. */
export function statementsOf(doc: PolicyDocument): PolicyStatement[] {
  const s = doc.Statement as unknown;
  if (Array.isArray(s)) return s as PolicyStatement[];
  return s && typeof s === "object" ? [s as PolicyStatement] : [];
}

function compileStatement(
  policy: string,
  st: PolicyStatement,
  index: number,
  variables: boolean,
): CompiledStatement {
  const path = `Statement[${index}]`;
  if (!st || typeof st !== "object" || Array.isArray(st)) {
    throw invalid(policy, `${path} is not an object`, path);
  }
  if (st.Effect !== "Allow" && st.Effect !== "Deny") {
    throw invalid(policy, `${path}.Effect must be "Allow" or "Deny"`, `${path}.Effect`);
  }
  const actionElement = st.NotAction !== undefined ? "NotAction" : "Action";
  const actions = asList(st.NotAction ?? st.Action);
  let resourceElement: "Resource" | "NotResource" | undefined;
  if (st.NotResource !== undefined) resourceElement = "NotResource";
  else if (st.Resource !== undefined) resourceElement = "Resource";
  const resources: CompiledResource[] = asList(st.NotResource ?? st.Resource).map((raw) => {
    const template = parseTemplate(raw, variables);
    if (template.hasVariables) return { raw, template, cache: new Map() };
    return { raw, matcher: compileParts(resolveTemplate(template, () => undefined) ?? [], false) };
  });
  const conditions: CompiledCondition[] = [];
  if (st.Condition !== undefined) {
    if (typeof st.Condition !== "object" || st.Condition === null || Array.isArray(st.Condition)) {
      throw invalid(policy, `${path}.Condition must be an object`, `${path}.Condition`);
    }
    for (const [op, block] of Object.entries(st.Condition)) {
      if (typeof block !== "object" || block === null || Array.isArray(block)) {
        throw invalid(policy, `${path}.Condition.${op} must be an object of keys`);
      }
      for (const [key, value] of Object.entries(block)) {
        const c = compileCondition(
          op,
          key,
          value as ConditionScalar | ConditionScalar[],
          variables,
        );
        // AWS rejects a policy with an unknown operator. Evaluating it anyway would make a
        // Deny with a typo silently never apply, so the policy is invalid input instead.
        if (!c.parsed.base) {
          const which =
            typeof st.Sid === "string" && st.Sid !== "" ? `${path} (Sid "${st.Sid}")` : path;
          throw invalid(
            policy,
            `${which}: "${op}" is not a condition operator, so AWS rejects this policy`,
            `${path}.Condition.${op}`,
            "Correct the operator (StringEquals, StringNotLike, ArnLike, IpAddress, Bool, DateLessThan, Null, …; IfExists and ForAnyValue:/ForAllValues: where they apply); `s3kit policy lint` lists every problem.",
          );
        }
        conditions.push(c);
      }
    }
  }
  const out: CompiledStatement = {
    index,
    effect: st.Effect,
    statement: st,
    actionElement,
    actions,
    actionMatchers: actions.map((a) => compileWildcard(a, true)),
    resources,
    resourceTexts: resources.map((r) => r.raw),
    resourcesFixed: resources.every((r) => r.matcher !== undefined),
    conditions,
    actionCache: new Map(),
  };
  if (typeof st.Sid === "string") out.sid = st.Sid;
  if (resourceElement) out.resourceElement = resourceElement;
  const principal = st.NotPrincipal ?? st.Principal;
  if (principal !== undefined) {
    out.principalElement = st.NotPrincipal !== undefined ? "NotPrincipal" : "Principal";
    out.principal = compilePrincipal(principal);
  }
  return out;
}

/** Parse once, evaluate many times. Throws PolicyInputError for a malformed document. */
export function compilePolicy(policy: NamedPolicy, kind: PolicyKind): CompiledPolicy {
  const doc = policy.document as unknown;
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw invalid(policy.name, "the policy is not a JSON object");
  }
  // Read from anywhere (IAM, a bucket policy, a caller): recursion over thousands of
  // levels would exhaust the stack, and no policy nests more than a few.
  if (nestedDeeperThan(doc, MAX_JSON_DEPTH)) {
    throw nestedTooDeeply(policy.name, undefined, MAX_JSON_DEPTH);
  }
  const d = doc as PolicyDocument;
  if (d.Statement === undefined) throw invalid(policy.name, "the policy has no Statement");
  const variables = d.Version === VARIABLES_VERSION;
  return {
    name: policy.name,
    kind,
    level: policy.level ?? DEFAULT_SCP_LEVEL,
    document: d,
    variables,
    statements: statementsOf(d).map((st, i) => compileStatement(policy.name, st, i, variables)),
  };
}

/** Index of the first action pattern matching `actionLc` (already lower-cased), or -1. */
export function matchAction(st: CompiledStatement, actionLc: string): number {
  let hit = st.actionCache.get(actionLc);
  if (hit === undefined) {
    hit = st.actionMatchers.findIndex((m) => m(actionLc));
    if (st.actionCache.size >= CACHE_LIMIT) st.actionCache.clear();
    st.actionCache.set(actionLc, hit);
  }
  return hit;
}

/** The matcher of one Resource entry in this request; undefined when a variable is unresolved. */
export function resourceMatcher(
  r: CompiledResource,
  lookup: VariableLookup,
): { matcher?: Matcher; shown?: string } {
  if (r.matcher) return { matcher: r.matcher, shown: r.raw };
  if (!r.template) return {};
  const parts = resolveTemplate(r.template, lookup);
  if (!parts) return {};
  const shown = parts.map((p) => p.text).join("");
  const key = parts.map((p) => (p.wild ? `w${p.text}` : `l${p.text}`)).join("\u0000");
  const cache = r.cache ?? new Map<string, Matcher>();
  let m = cache.get(key);
  if (!m) {
    m = compileParts(parts, false);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, m);
  }
  return { matcher: m, shown };
}
