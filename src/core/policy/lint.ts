// `policy lint`: offline checks of a policy document. Every finding names the rule, a
// path like `Statement[1].Resource[0]`, the line and column when the text is known,
// what is wrong and how to fix it. The rules are in lint-rules.ts; here is the walk that
// visits each place of the policy in document order and runs the rules that look there.

import { arnProblem } from "./arn.js";
import { parseOperator } from "./conditions.js";
import { nestedTooDeeply } from "./errors.js";
import {
  JsonSyntaxError,
  JsonTooDeepError,
  type LazyParsedJson,
  MAX_JSON_DEPTH,
  parseJsonFast,
  type SourcePosition,
} from "./json-parse.js";
import {
  type ActionEntry,
  type ConditionEntry,
  type ConditionKeyEntry,
  type Found,
  isObject,
  type Json,
  type LintOptions,
  type LintSeverity,
  type ResourceEntry,
  type StatementFacts,
} from "./lint-facts.js";
import { type AnyRule, type Place, RULES, type RuleChecks, type RuleOn } from "./lint-rules.js";
import type { ActionMetadata } from "./metadata.js";

export type { LintOptions, LintSeverity } from "./lint-facts.js";

export type LintRule = (typeof RULES)[number]["id"];

/** Each rule's severity and what it finds, by id. */
export const LINT_RULES = Object.fromEntries(
  RULES.map((r) => [r.id, { severity: r.severity, summary: r.summary }]),
) as Readonly<Record<LintRule, { severity: LintSeverity; summary: string }>>;

export interface LintFinding {
  rule: LintRule;
  severity: LintSeverity;
  path: string;
  message: string;
  fix: string;
  line?: number;
  column?: number;
}

function rulesOn<P extends Place>(place: P): RuleOn<P>[] {
  return (RULES as readonly AnyRule[]).filter((r) => r.on === place) as RuleOn<P>[];
}

const ON = {
  text: rulesOn("text"),
  shape: rulesOn("shape"),
  policy: rulesOn("policy"),
  statement: rulesOn("statement"),
  action: rulesOn("action"),
  resources: rulesOn("resources"),
  resource: rulesOn("resource"),
  actionsOnResources: rulesOn("actions-on-resources"),
  condition: rulesOn("condition"),
  conditionKey: rulesOn("condition-key"),
};

/** Reports a finding of `rule` into `findings`, with its position where known. */
function reporter(
  findings: LintFinding[],
  rule: AnyRule,
  positions?: Map<string, SourcePosition>,
): Found {
  return (path, message, fix, at) => {
    const f: LintFinding = {
      rule: rule.id as LintRule,
      severity: rule.severity,
      path,
      message,
      fix,
    };
    const pos = at ?? positions?.get(path);
    if (pos) {
      f.line = pos.line;
      f.column = pos.column;
    }
    findings.push(f);
  };
}

type Bound<P extends Place> = { check: RuleChecks[P]; found: Found }[];

/** Each place's checks with their reporters, made once per lint run. */
function bind(findings: LintFinding[], positions?: Map<string, SourcePosition>) {
  const on = <P extends Place>(rules: RuleOn<P>[]): Bound<P> =>
    rules.map((rule) => ({
      check: rule.check,
      found: reporter(findings, rule as AnyRule, positions),
    }));
  return {
    shape: on(ON.shape),
    policy: on(ON.policy),
    statement: on(ON.statement),
    action: on(ON.action),
    resources: on(ON.resources),
    resource: on(ON.resource),
    actionsOnResources: on(ON.actionsOnResources),
    condition: on(ON.condition),
    conditionKey: on(ON.conditionKey),
  };
}

type Checks = ReturnType<typeof bind>;

/** Each entry of Action, NotAction, Resource or NotResource (one string or a list). */
function entriesOf<T>(
  st: Json,
  key: string,
  stPath: string,
  make: (value: string, path: string) => T,
): T[] | undefined {
  const v = st[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return [make(String(v), `${stPath}.${key}`)];
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = make(String(v[i]), `${stPath}.${key}[${i}]`);
  return out;
}

/**
 * An entry of Action or NotAction with its service and, where the metadata knows the
 * service, the actions it names; what Action names explicitly is added to `known`.
 */
function actionEntry(s: StatementFacts, value: string, path: string, inAction: boolean) {
  // Every entry has every field, so that the rules read one object shape.
  const a: ActionEntry = { value, path, inAction, service: undefined, expanded: undefined };
  if (value === "*") {
    s.hasS3 = true;
    return a;
  }
  const colon = value.indexOf(":");
  if (colon < 0) return a;
  const service = value.slice(0, colon).toLowerCase();
  a.service = service;
  if (service === "s3") s.hasS3 = true;
  const meta = s.options.metadata;
  if (meta?.hasService(service)) {
    a.expanded = meta.expandAction(value) ?? [];
    if (inAction && a.expanded.length > 0 && !/[*?]/.test(value)) s.known.push(...a.expanded);
  }
  return a;
}

function resourceEntry(value: string, path: string, inResource: boolean): ResourceEntry {
  return { value, path, inResource, problem: arnProblem(value) };
}

function statementFacts(
  st: Json,
  path: string,
  document: Json,
  options: LintOptions,
  sids: Map<string, string>,
): StatementFacts {
  const s: StatementFacts = {
    path,
    statement: st,
    effect: st.Effect,
    document,
    options,
    sids,
    actions: undefined,
    notActions: undefined,
    resources: undefined,
    notResources: undefined,
    hasS3: false,
    known: [] as ActionMetadata[],
  };
  s.actions = entriesOf(st, "Action", path, (v, p) => actionEntry(s, v, p, true));
  s.notActions = entriesOf(st, "NotAction", path, (v, p) => actionEntry(s, v, p, false));
  s.resources = entriesOf(st, "Resource", path, (v, p) => resourceEntry(v, p, true));
  s.notResources = entriesOf(st, "NotResource", path, (v, p) => resourceEntry(v, p, false));
  return s;
}

function checkActions(list: ActionEntry[] | undefined, s: StatementFacts, on: Checks): void {
  if (list) for (const a of list) for (const c of on.action) c.check(a, s, c.found);
}

function checkResources(list: ResourceEntry[] | undefined, s: StatementFacts, on: Checks): void {
  if (list) for (const r of list) for (const c of on.resource) c.check(r, s, c.found);
}

function lintStatement(s: StatementFacts, on: Checks): void {
  for (const c of on.statement) c.check(s, c.found);
  checkActions(s.actions, s, on);
  checkActions(s.notActions, s, on);
  for (const c of on.resources) c.check(s, c.found);
  checkResources(s.resources, s, on);
  checkResources(s.notResources, s, on);
  for (const c of on.actionsOnResources) c.check(s, c.found);

  const cond = s.statement.Condition;
  if (cond === undefined || !isObject(cond)) return;
  const meta = s.options.metadata;
  for (const [operator, block] of Object.entries(cond)) {
    const entry: ConditionEntry = {
      operator,
      path: `${s.path}.Condition.${operator}`,
      parsed: parseOperator(operator),
    };
    for (const c of on.condition) c.check(entry, s, c.found);
    // Keys are judged against a known operator, with the metadata only.
    if (!entry.parsed.base || !meta || !isObject(block)) continue;
    for (const key of Object.keys(block)) {
      const k: ConditionKeyEntry = {
        key,
        path: `${entry.path}.${key}`,
        operator: entry,
        exists: meta.conditionKeyExists(key),
        metadata: meta,
      };
      for (const c of on.conditionKey) c.check(k, s, c.found);
    }
  }
}

export function lintPolicyDocument(
  doc: unknown,
  options: LintOptions,
  positions?: Map<string, SourcePosition>,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const on = bind(findings, positions);
  const shapeOk = (of: "policy" | "statement", path: string, value: unknown): boolean => {
    for (const c of on.shape) if (!c.check({ of, path, value }, c.found)) return false;
    return true;
  };

  if (!shapeOk("policy", "", doc)) return findings;
  const document = doc as Json;
  for (const c of on.policy) c.check({ document }, c.found);

  const raw = document.Statement;
  const single = !Array.isArray(raw);
  const statements: unknown[] = single ? [raw] : raw;
  const sids = new Map<string, string>();
  for (let index = 0; index < statements.length; index++) {
    const st = statements[index];
    const path = single ? "Statement" : `Statement[${index}]`;
    if (!shapeOk("statement", path, st)) continue;
    lintStatement(statementFacts(st as Json, path, document, options, sids), on);
  }
  return findings;
}

/**
 * Lint policy text: JSON errors come back as a finding with line and column. JSON nested
 * deeper than any policy is bad input, not a finding: PolicyInputError (exit 2).
 */
export function lintPolicy(text: string, options: LintOptions): LintFinding[] {
  let parsed: LazyParsedJson | undefined;
  let syntaxError: JsonSyntaxError | undefined;
  try {
    parsed = parseJsonFast(text);
  } catch (e) {
    if (e instanceof JsonTooDeepError) {
      throw nestedTooDeeply(options.source ?? "The policy", e.position, MAX_JSON_DEPTH);
    }
    if (!(e instanceof JsonSyntaxError)) throw e;
    syntaxError = e;
  }
  const textFindings: LintFinding[] = [];
  const facts = { text, kind: options.kind, ...(syntaxError ? { syntaxError } : {}) };
  for (const rule of ON.text) {
    if (!rule.check(facts, reporter(textFindings, rule))) return textFindings;
  }
  if (!parsed) return textFindings;
  // Positions cost a second parse: only a policy with findings needs them.
  const findings = lintPolicyDocument(parsed.value, options);
  if (findings.length > 0) {
    const { positions } = parsed;
    for (const f of findings) {
      const pos = positions.get(f.path);
      if (pos) {
        f.line = pos.line;
        f.column = pos.column;
      }
    }
  }
  return textFindings.length > 0 ? [...textFindings, ...findings] : findings;
}

/** True when a finding list contains errors (what makes `policy lint` exit non-zero). */
export function hasLintErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
