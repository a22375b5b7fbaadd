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
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
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
    positions.set(path, positionAt(text, i));
    const ch = text[i];
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
        obj[key] = parseValue(childPath(path, key));
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
