// Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`,
// defaults `${aws:username, 'anonymous'}` (a doubled '' is a quote), and the escapes
// `${*}`, `${?}`, `${$}` that stand for the literal characters. Variables exist only
// in policies with Version 2012-10-17; older or missing versions keep the text as is.

import type { PatternPart } from "./wildcard.js";

export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "literal"; text: string }
  | { kind: "var"; key: string; name: string; fallback?: string };

export interface Template {
  raw: string;
  parts: TemplatePart[];
  hasVariables: boolean;
}

export const VARIABLES_VERSION = "2012-10-17";

function parseVariable(inner: string): TemplatePart | undefined {
  const trimmed = inner.trim();
  if (trimmed === "*" || trimmed === "?" || trimmed === "$") {
    return { kind: "literal", text: trimmed };
  }
  let name = trimmed;
  let fallback: string | undefined;
  const comma = trimmed.indexOf(",");
  if (comma >= 0) {
    name = trimmed.slice(0, comma).trim();
    const def = trimmed.slice(comma + 1).trim();
    if (def.length < 2 || !def.startsWith("'") || !def.endsWith("'")) return undefined;
    const body = def.slice(1, -1);
    // Inside the quotes a quote must be doubled; a lone one makes the variable malformed.
    if (body.replaceAll("''", "").includes("'")) return undefined;
    fallback = body.replaceAll("''", "'");
  }
  if (name === "" || /\s/.test(name)) return undefined;
  const part: TemplatePart = { kind: "var", key: name.toLowerCase(), name };
  if (fallback !== undefined) part.fallback = fallback;
  return part;
}

/** Split policy text into wildcard text, literal escapes and variable references. */
export function parseTemplate(raw: string, variablesEnabled: boolean): Template {
  if (!variablesEnabled || !raw.includes("${")) {
    return { raw, parts: [{ kind: "text", text: raw }], hasVariables: false };
  }
  const parts: TemplatePart[] = [];
  let text = "";
  let hasVariables = false;
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === "$" && raw[i + 1] === "{") {
      // Find the closing brace, skipping braces inside a quoted default value.
      let j = i + 2;
      let inQuote = false;
      while (j < raw.length && (inQuote || raw[j] !== "}")) {
        if (raw[j] === "'") inQuote = !inQuote;
        j++;
      }
      const part = j < raw.length ? parseVariable(raw.slice(i + 2, j)) : undefined;
      if (part) {
        if (text) parts.push({ kind: "text", text });
        text = "";
        parts.push(part);
        if (part.kind === "var") hasVariables = true;
        i = j + 1;
        continue;
      }
    }
    text += raw[i];
    i++;
  }
  if (text) parts.push({ kind: "text", text });
  return { raw, parts, hasVariables };
}

/** Looks a (lower-cased) context key up; multi-valued keys cannot be substituted. */
export type VariableLookup = (key: string) => string | undefined;

/**
 * Substitute variables. Returns undefined when a variable has no value and no default:
 * AWS then treats the element as not matching.
 */
export function resolveTemplate(t: Template, lookup: VariableLookup): PatternPart[] | undefined {
  const out: PatternPart[] = [];
  for (const p of t.parts) {
    if (p.kind === "text") out.push({ text: p.text, wild: true });
    else if (p.kind === "literal") out.push({ text: p.text, wild: false });
    else {
      const value = lookup(p.key) ?? p.fallback;
      if (value === undefined) return undefined;
      // A substituted value is data, never a pattern: `*` in a tag value is literal.
      out.push({ text: value, wild: false });
    }
  }
  return out;
}

/** The resolved text (for display), or undefined when a variable is unresolved. */
export function resolveToText(t: Template, lookup: VariableLookup): string | undefined {
  const parts = resolveTemplate(t, lookup);
  return parts?.map((p) => p.text).join("");
}
