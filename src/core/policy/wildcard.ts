// IAM wildcards: `*` matches any run of characters (including none and `/` and `:`),
// `?` matches exactly one character. Patterns are compiled once into the cheapest
// test that works (equality, prefix, suffix, then a regex) because matching runs
// for every statement of every request.

export type Matcher = (value: string) => boolean;

/** A piece of a pattern: `wild` text interprets `*` and `?`, literal text does not. */
export interface PatternPart {
  text: string;
  wild: boolean;
}

const matchAll: Matcher = () => true;

export function hasWildcard(text: string): boolean {
  return text.includes("*") || text.includes("?");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function wildToRegExp(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "*") out += ".*";
    else if (ch === "?") out += ".";
    else out += escapeRegExp(ch);
  }
  return out;
}

/**
 * Compile pattern parts into a matcher. With `ignoreCase` the pattern is lower-cased
 * here and the caller must pass lower-cased values (cheaper than a case-insensitive regex).
 */
export function compileParts(parts: readonly PatternPart[], ignoreCase: boolean): Matcher {
  const norm = ignoreCase
    ? parts.map((p) => ({ text: p.text.toLowerCase(), wild: p.wild }))
    : parts.slice();
  const wildParts = norm.filter((p) => p.wild && hasWildcard(p.text));
  if (wildParts.length === 0) {
    const exact = norm.map((p) => p.text).join("");
    return (value) => value === exact;
  }
  if (norm.length === 1 && norm[0]?.text === "*") return matchAll;
  // The common shapes `prefix*` and `*suffix` need no regex.
  const only = norm.length === 1 ? norm[0] : undefined;
  if (only) {
    const t = only.text;
    const star = t.indexOf("*");
    if (!t.includes("?") && star === t.length - 1 && t.indexOf("*") === t.lastIndexOf("*")) {
      const prefix = t.slice(0, -1);
      return (value) => value.startsWith(prefix);
    }
    if (!t.includes("?") && star === 0 && t.lastIndexOf("*") === 0) {
      const suffix = t.slice(1);
      return (value) => value.endsWith(suffix);
    }
  }
  const source = norm.map((p) => (p.wild ? wildToRegExp(p.text) : escapeRegExp(p.text))).join("");
  const re = new RegExp(`^${source}$`, "s");
  return (value) => re.test(value);
}

/** Compile one pattern where `*` and `?` are wildcards. */
export function compileWildcard(pattern: string, ignoreCase = false): Matcher {
  return compileParts([{ text: pattern, wild: true }], ignoreCase);
}
