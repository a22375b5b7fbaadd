/**
 * `--include` / `--exclude` matching for recursive transfers: a pattern without a slash
 * matches a file or folder name at any depth (`*.log`, `node_modules`); a pattern with a
 * slash matches the path below the source (`images/*.png`, `**\/tmp/**`). `*` and `?` stop
 * at `/`, `**` crosses folders, `[a-z]`/`[!a-z]` are classes and `{a,b}` alternatives.
 */

export interface FilterRule {
  type: "include" | "exclude";
  pattern: string;
}

export function globToRegExp(pattern: string): RegExp {
  let source = "";
  let i = 0;
  let braceDepth = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const atSegmentStart = i === 0 || pattern[i - 1] === "/";
        const next = pattern[i + 2];
        if (atSegmentStart && next === "/") {
          // `**/` : zero or more whole folders
          source += "(?:[^/]*/)*";
          i += 3;
          continue;
        }
        source += ".*";
        i += 2;
        continue;
      }
      source += "[^/]*";
    } else if (c === "?") {
      source += "[^/]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) {
        source += "\\[";
      } else {
        let body = pattern.slice(i + 1, end);
        const negate = body.startsWith("!") || body.startsWith("^");
        if (negate) body = body.slice(1);
        body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
        source += negate ? `[^/${body}]` : `[${body}]`;
        i = end + 1;
        continue;
      }
    } else if (c === "{") {
      braceDepth++;
      source += "(?:";
    } else if (c === "}" && braceDepth > 0) {
      braceDepth--;
      source += ")";
    } else if (c === "," && braceDepth > 0) {
      source += "|";
    } else if (c === "\\" && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[i + 1] as string);
      i += 2;
      continue;
    } else {
      source += escapeRegExp(c);
    }
    i++;
  }
  if (braceDepth > 0) {
    // An unclosed brace is literal text, not an alternation.
    return new RegExp(`^${escapeRegExp(pattern)}$`);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Whether one pattern matches a relative path (always with `/` separators). */
export function matchesPattern(pattern: string, path: string): boolean {
  const trimmed = pattern.replace(/^\.\//, "");
  if (trimmed.endsWith("/")) {
    // `folder/`: everything under that folder
    return matchesPattern(`${trimmed}**`, path);
  }
  const regexp = globToRegExp(trimmed.replace(/^\//, ""));
  if (trimmed.includes("/")) return regexp.test(path);
  return path.split("/").some((segment) => regexp.test(segment));
}

/**
 * The rules in the order they were given; the last one that matches decides. A path no
 * rule matches is included, unless the first rule is an include (then only what the
 * includes name is transferred): `--include '*.jpg'` alone means "only JPEGs", and
 * `--exclude '*' --include '*.jpg'` (the AWS CLI idiom) means the same.
 */
export function compileFilter(rules: readonly FilterRule[]): (path: string) => boolean {
  if (rules.length === 0) return () => true;
  const defaultIncluded = rules[0]?.type !== "include";
  return (path) => {
    let included = defaultIncluded;
    for (const rule of rules) {
      if (matchesPattern(rule.pattern, path)) included = rule.type === "include";
    }
    return included;
  };
}
