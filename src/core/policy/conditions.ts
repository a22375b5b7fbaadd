// Condition operators. Each policy value is compiled once into a test of one request
// value; the documented rules for missing keys, `…IfExists`, `Null`, negated operators
// and the `ForAnyValue:` / `ForAllValues:` set operators are applied around that test.

import { parseArn } from "./arn.js";
import { cidrContains, parseCidr, parseIp } from "./cidr.js";
import type { ConditionScalar, ConditionTrace, ContextValue } from "./types.js";
import { parseTemplate, resolveTemplate, type Template, type VariableLookup } from "./variables.js";
import { compileParts, compileWildcard, type Matcher, type PatternPart } from "./wildcard.js";

export type OperatorFamily =
  | "string"
  | "numeric"
  | "date"
  | "bool"
  | "binary"
  | "ip"
  | "arn"
  | "null";

interface BaseOperator {
  family: OperatorFamily;
  negated: boolean;
  /** For string operators: `*`/`?` are wildcards (StringLike). */
  like?: boolean;
  ignoreCase?: boolean;
  /** For numeric/date: how the request value compares with the policy value. */
  compare?: "eq" | "lt" | "lte" | "gt" | "gte";
}

/** Every base operator IAM documents, by lower-cased name. */
const BASE_OPERATORS: Record<string, BaseOperator & { name: string }> = {};
function def(name: string, op: BaseOperator): void {
  BASE_OPERATORS[name.toLowerCase()] = { name, ...op };
}
def("StringEquals", { family: "string", negated: false });
def("StringNotEquals", { family: "string", negated: true });
def("StringEqualsIgnoreCase", { family: "string", negated: false, ignoreCase: true });
def("StringNotEqualsIgnoreCase", { family: "string", negated: true, ignoreCase: true });
def("StringLike", { family: "string", negated: false, like: true });
def("StringNotLike", { family: "string", negated: true, like: true });
for (const [suffix, compare] of [
  ["Equals", "eq"],
  ["LessThan", "lt"],
  ["LessThanEquals", "lte"],
  ["GreaterThan", "gt"],
  ["GreaterThanEquals", "gte"],
] as const) {
  def(`Numeric${suffix}`, { family: "numeric", negated: false, compare });
  def(`Date${suffix}`, { family: "date", negated: false, compare });
}
def("NumericNotEquals", { family: "numeric", negated: true, compare: "eq" });
def("DateNotEquals", { family: "date", negated: true, compare: "eq" });
def("Bool", { family: "bool", negated: false });
def("BinaryEquals", { family: "binary", negated: false });
def("IpAddress", { family: "ip", negated: false });
def("NotIpAddress", { family: "ip", negated: true });
def("ArnEquals", { family: "arn", negated: false });
def("ArnLike", { family: "arn", negated: false });
def("ArnNotEquals", { family: "arn", negated: true });
def("ArnNotLike", { family: "arn", negated: true });
def("Null", { family: "null", negated: false });

export const CONDITION_OPERATORS: readonly string[] = Object.values(BASE_OPERATORS).map(
  (o) => o.name,
);

export interface ParsedOperator {
  written: string;
  set?: "any" | "all";
  ifExists: boolean;
  base?: BaseOperator & { name: string };
}

/** Split `ForAnyValue:StringLikeIfExists` into its parts; `base` is unset when unknown. */
export function parseOperator(written: string): ParsedOperator {
  let rest = written;
  let set: "any" | "all" | undefined;
  const lower = rest.toLowerCase();
  if (lower.startsWith("foranyvalue:")) {
    set = "any";
    rest = rest.slice("ForAnyValue:".length);
  } else if (lower.startsWith("forallvalues:")) {
    set = "all";
    rest = rest.slice("ForAllValues:".length);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists") && rest.toLowerCase() !== "ifexists") {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  const base = BASE_OPERATORS[rest.toLowerCase()];
  const out: ParsedOperator = { written, ifExists };
  if (set) out.set = set;
  // Null has no IfExists form: "NullIfExists" is not an operator.
  if (base && !(ifExists && base.family === "null")) out.base = base;
  return out;
}

/** Variables are substituted only for these families (IAM documents string, ARN, Bool). */
const VARIABLE_FAMILIES = new Set<OperatorFamily>(["string", "arn", "bool"]);

type ValueTest = (requestValue: string) => boolean;

interface CompiledValue {
  raw: string;
  template?: Template;
  /** Set when the value has no variables; undefined test means the policy value is invalid. */
  test?: ValueTest;
  invalid?: boolean;
  cache?: Map<string, ValueTest>;
}

export interface CompiledCondition {
  operator: string;
  key: string;
  keyLc: string;
  parsed: ParsedOperator;
  values: CompiledValue[];
}

function toEpochMs(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  // W3C ISO 8601 profiles: YYYY, YYYY-MM, YYYY-MM-DD, with optional time and zone.
  if (!/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.test(t)) {
    return undefined;
  }
  // A date-time without a zone is read as UTC: Date.parse would take the host's local
  // time, and the decision must not depend on where s3kit runs. (Date-only forms are UTC
  // for Date.parse already.)
  const zoned = t.length === 4 ? `${t}-01-01T00:00:00Z` : /T[^Z+-]*$/.test(t) ? `${t}Z` : t;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

function toNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function decodeBase64(text: string): string | undefined {
  try {
    return atob(text.replace(/\s+/g, ""));
  } catch {
    return undefined;
  }
}

function ordered(cmp: BaseOperator["compare"], a: number, b: number): boolean {
  switch (cmp) {
    case "lt":
      return a < b;
    case "lte":
      return a <= b;
    case "gt":
      return a > b;
    case "gte":
      return a >= b;
    default:
      return a === b;
  }
}

/** ArnLike matches each of the six colon-separated components on its own. */
function arnTest(pattern: string): ValueTest {
  const p = parseArn(pattern);
  if (!p) {
    const whole = compileWildcard(pattern);
    return (v) => whole(v);
  }
  const parts = [p.partition, p.service, p.region, p.account, p.resource].map((x) =>
    compileWildcard(x),
  );
  return (v) => {
    const a = parseArn(v);
    if (!a) return false;
    const values = [a.partition, a.service, a.region, a.account, a.resource];
    return parts.every((m, i) => m(values[i] ?? ""));
  };
}

/** Build the test of one request value against one (resolved) policy value. */
function buildTest(base: BaseOperator, parts: PatternPart[]): ValueTest | undefined {
  const text = parts.map((p) => p.text).join("");
  switch (base.family) {
    case "string": {
      const m: Matcher = compileParts(
        base.like ? parts : parts.map((p) => ({ text: p.text, wild: false })),
        base.ignoreCase === true,
      );
      return base.ignoreCase ? (v) => m(v.toLowerCase()) : m;
    }
    case "numeric": {
      const n = toNumber(text);
      if (n === undefined) return undefined;
      return (v) => {
        const r = toNumber(v);
        return r !== undefined && ordered(base.compare, r, n);
      };
    }
    case "date": {
      const d = toEpochMs(text);
      if (d === undefined) return undefined;
      return (v) => {
        const r = toEpochMs(v);
        return r !== undefined && ordered(base.compare, r, d);
      };
    }
    case "bool": {
      const b = text.trim().toLowerCase();
      if (b !== "true" && b !== "false") return undefined;
      return (v) => v.trim().toLowerCase() === b;
    }
    case "binary": {
      const bytes = decodeBase64(text);
      if (bytes === undefined) return undefined;
      return (v) => decodeBase64(v) === bytes;
    }
    case "ip": {
      const range = parseCidr(text);
      if (!range) return undefined;
      return (v) => {
        const ip = parseIp(v);
        return ip !== undefined && cidrContains(range, ip);
      };
    }
    case "arn":
      return arnTest(text);
    case "null":
      return undefined;
  }
}

export function compileCondition(
  operator: string,
  key: string,
  rawValues: ConditionScalar | ConditionScalar[],
  variablesEnabled: boolean,
): CompiledCondition {
  const parsed = parseOperator(operator);
  const list = Array.isArray(rawValues) ? rawValues : [rawValues];
  const values: CompiledValue[] = list.map((v) => {
    const raw = String(v);
    const base = parsed.base;
    if (!base || base.family === "null") return { raw };
    const template = parseTemplate(raw, variablesEnabled && VARIABLE_FAMILIES.has(base.family));
    if (template.hasVariables) return { raw, template, cache: new Map() };
    const test = buildTest(base, resolveTemplate(template, () => undefined) ?? []);
    return test ? { raw, test } : { raw, invalid: true };
  });
  return { operator, key, keyLc: key.toLowerCase(), parsed, values };
}

const CACHE_LIMIT = 256;

/** The test for one policy value in this request; undefined when it cannot apply. */
function valueTest(
  cv: CompiledValue,
  base: BaseOperator,
  lookup: VariableLookup,
): { test?: ValueTest; shown?: string } {
  if (!cv.template) return cv.test ? { test: cv.test, shown: cv.raw } : {};
  const parts = resolveTemplate(cv.template, lookup);
  if (!parts) return {};
  const shown = parts.map((p) => p.text).join("");
  const cacheKey = parts.map((p) => (p.wild ? `w${p.text}` : `l${p.text}`)).join("\u0000");
  const cache = cv.cache ?? new Map<string, ValueTest>();
  let test = cache.get(cacheKey);
  if (!test) {
    test = buildTest(base, parts);
    if (!test) return { shown };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, test);
  }
  return { test, shown };
}

/** The variables of a value that have no value (and no default) in this request. */
function unsetVariables(t: Template, lookup: VariableLookup): string[] {
  const out: string[] = [];
  for (const p of t.parts) {
    if (p.kind === "var" && p.fallback === undefined && lookup(p.key) === undefined) {
      out.push(`\${${p.name}}`);
    }
  }
  return out;
}

function missing(actual: ContextValue | undefined): boolean {
  return actual === undefined || (Array.isArray(actual) && actual.length === 0);
}

/**
 * Evaluate one condition (one operator + one key). `actual` is the request value.
 * With `trace`, also explains the outcome.
 */
export function evaluateCondition(
  cc: CompiledCondition,
  actual: ContextValue | undefined,
  lookup: VariableLookup,
  trace?: ConditionTrace[],
): boolean {
  const { parsed } = cc;
  const base = parsed.base;
  let result: boolean;
  let note: string | undefined;
  const expected: string[] = [];

  if (!base) {
    result = false;
    note = `unknown condition operator "${cc.operator}"`;
    for (const v of cc.values) expected.push(v.raw);
  } else if (base.family === "null") {
    const isNull = missing(actual);
    result = cc.values.some((v) => {
      const want = v.raw.trim().toLowerCase();
      return (want === "true" && isNull) || (want === "false" && !isNull);
    });
    for (const v of cc.values) expected.push(v.raw);
  } else {
    const tests: ValueTest[] = [];
    // Values whose policy variable has no value in this request: IAM treats them as null,
    // which no request value equals or is like. Positive operators do not match them;
    // negated ones (StringNotEquals, ArnNotLike, …) do, so a Deny guarded by one applies.
    const unset: string[] = [];
    for (const cv of cc.values) {
      const { test, shown } = valueTest(cv, base, lookup);
      if (shown !== undefined) expected.push(shown);
      if (test) tests.push(test);
      else if (cv.template && shown === undefined)
        unset.push(...unsetVariables(cv.template, lookup));
    }
    const positive = (v: string) => tests.some((t) => t(v));
    const unsetNote =
      unset.length > 0
        ? `${[...new Set(unset)].join(", ")} has no value in this request, so no request value equals it`
        : undefined;
    if (tests.length === 0 && unset.length === 0) {
      result = false;
      note = "no valid value for this operator";
    } else if (missing(actual)) {
      if (parsed.ifExists) {
        result = true;
        note = "key not in the request; …IfExists treats that as a match";
      } else if (parsed.set === "all") {
        result = true;
        note = "key not in the request; ForAllValues is true for a missing key";
      } else if (parsed.set === "any") {
        result = false;
        note = "key not in the request; ForAnyValue is false for a missing key";
      } else {
        result = base.negated;
        note = base.negated
          ? "key not in the request; a negated operator is then true"
          : "key not in the request";
      }
      if (unsetNote) note = `${note}; ${unsetNote}`;
    } else {
      const values = Array.isArray(actual) ? actual : [actual as string];
      const one = (v: string) => (base.negated ? !positive(v) : positive(v));
      if (parsed.set === "all") result = values.every(one);
      else if (parsed.set === "any") result = values.some(one);
      else result = base.negated ? !values.some(positive) : values.some(positive);
      if (unsetNote) note = unsetNote;
    }
  }

  if (trace) {
    const t: ConditionTrace = {
      operator: cc.operator,
      key: cc.key,
      expected,
      actual,
      result,
    };
    if (note) t.note = note;
    trace.push(t);
  }
  return result;
}
