// A strict JSON parser that records where every value starts, so that errors and lint
// findings can point at a line and column. JSON.parse cannot: V8's messages do not
// reliably carry a position.

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based, counted in UTF-16 code units like editors do for BMP text. */
  column: number;
  offset: number;
}

export class JsonSyntaxError extends Error {
  readonly position: SourcePosition;
  constructor(message: string, position: SourcePosition) {
    super(message);
    this.name = "JsonSyntaxError";
    this.position = position;
  }
}

/**
 * JSON nested deeper than this is refused: an IAM policy needs 7 levels (document,
 * Statement list, statement, Condition, operator, key, values), and recursion over
 * thousands of levels would exhaust the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The input nests arrays and objects deeper than MAX_JSON_DEPTH. */
export class JsonTooDeepError extends Error {
  readonly position: SourcePosition;
  constructor(position: SourcePosition) {
    super(`JSON nested too deeply (more than ${MAX_JSON_DEPTH} levels of arrays and objects)`);
    this.name = "JsonTooDeepError";
    this.position = position;
  }
}

export interface ParsedJson {
  value: unknown;
  /** Start of each value by path: "" (root), "Statement[0].Action[1]", "Statement.Effect". */
  positions: Map<string, SourcePosition>;
}

/** Line and column of an offset in `text`. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return parent === "" ? safe : `${parent}.${safe}`;
}

export function parseJsonWithPositions(text: string): ParsedJson {
  const positions = new Map<string, SourcePosition>();
  let i = 0;
  // A byte-order mark is not JSON, but editors add it; skip it rather than fail.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  // Line breaks can only occur in whitespace (strings reject raw control characters), so
  // the current line is tracked there: every position costs O(1), not a scan from the start.
  let line = 1;
  let lineStart = 0;
  const here = (): SourcePosition => ({ line, column: i - lineStart + 1, offset: i });
  let depth = 0;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, positionAt(text, at));
  };
  const describe = (at: number) => {
    if (at >= text.length) return "end of input";
    const ch = text[at] ?? "";
    return JSON.stringify(ch);
  };
  const skipWs = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else break;
    }
  };

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = "";
    while (true) {
      if (i >= text.length) fail("Unterminated string", start);
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === "\\") {
        const e = text[i + 1];
        const map: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e !== undefined && e in map) {
          out += map[e];
          i += 2;
          continue;
        }
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid \\u escape in string", i);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
          continue;
        }
        fail(`Invalid escape "\\${e ?? ""}" in string`, i);
      }
      if (ch.charCodeAt(0) < 0x20) fail("Control character in string (use \\n, \\t, …)", i);
      out += ch;
      i++;
    }
  };

  const parseValue = (path: string): unknown => {
    skipWs();
    positions.set(path, here());
    const ch = text[i];
    if (ch === "{" || ch === "[") {
      depth++;
      if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError(here());
    }
    const value = parseInner(path, ch);
    if (ch === "{" || ch === "[") depth--;
    return value;
  };

  const parseInner = (path: string, ch: string | undefined): unknown => {
    if (ch === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      skipWs();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      while (true) {
        skipWs();
        if (text[i] !== '"') {
          fail(
            text[i] === "}"
              ? "Trailing comma before }"
              : `Expected a property name in double quotes, found ${describe(i)}`,
          );
        }
        const key = parseString();
        skipWs();
        if (text[i] !== ":") fail(`Expected ":" after property name, found ${describe(i)}`);
        i++;
        const value = parseValue(childPath(path, key));
        // As JSON.parse does: "__proto__" is a key like any other, not the prototype.
        if (key === "__proto__") {
          Object.defineProperty(obj, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else obj[key] = value;
        skipWs();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail(`Expected "," or "}" after a property value, found ${describe(i)}`);
      }
    }
    if (ch === "[") {
      i++;
      const arr: unknown[] = [];
      skipWs();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      while (true) {
        arr.push(parseValue(childPath(path, arr.length)));
        skipWs();
        if (text[i] === ",") {
          i++;
          skipWs();
          if (text[i] === "]") fail("Trailing comma before ]");
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail(`Expected "," or "]" after an array element, found ${describe(i)}`);
      }
    }
    if (ch === '"') return parseString();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0] !== "" && m[0] !== "-") {
      i += m[0].length;
      return Number(m[0]);
    }
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    if (ch === "'") return fail("Strings must use double quotes");
    return fail(`Unexpected ${describe(i)}; expected a JSON value`);
  };

  const value = parseValue("");
  skipWs();
  if (i < text.length) fail(`Unexpected ${describe(i)} after the JSON document`);
  return { value, positions };
}

// Documents already found shallow enough (a policy is checked when read, and again when
// compiled): the second check is free.
const shallow = new WeakSet<object>();

/** True when arrays and objects nest deeper than `max` (iterative: any depth is safe). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (max >= MAX_JSON_DEPTH && shallow.has(value)) return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  if (max <= MAX_JSON_DEPTH) shallow.add(value);
  return false;
}

export interface LazyParsedJson {
  value: unknown;
  /** Computed on first use by a second, position-recording parse. */
  readonly positions: Map<string, SourcePosition>;
}

/**
 * Parses with the engine's JSON.parse, which is several times faster and allocates far
 * less than the position-recording parser; that parser runs only when positions are
 * needed: for a syntax error, for nesting beyond MAX_JSON_DEPTH (both thrown with their
 * position, as parseJsonWithPositions does), or when a caller reads `positions`.
 */
export function parseJsonFast(text: string): LazyParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    parseJsonWithPositions(text);
    throw new JsonSyntaxError("Invalid JSON", positionAt(text, 0));
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    parseJsonWithPositions(text);
    throw new JsonTooDeepError(positionAt(text, 0));
  }
  let positions: Map<string, SourcePosition> | undefined;
  return {
    value,
    get positions() {
      positions ??= parseJsonWithPositions(text).positions;
      return positions;
    },
  };
}
