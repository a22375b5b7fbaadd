import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";

/**
 * Reads a file named by a flag (`--cors-file F`), a relative path from `cwd`; a missing or
 * unreadable file is a usage error. Messages name the path as it was given.
 */
export function readInputFile(
  path: string,
  flag: string,
  cwd: string,
): { source: string; text: string } {
  try {
    return { source: path, text: readFileSync(resolve(cwd, path), "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (err as Error).message;
    throw new UsageError(
      `Cannot read ${flag} ${path}: ${why}.`,
      "Check the path.",
      "FileNotReadable",
    );
  }
}

/** Line and column (both from 1) of a character offset in a text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/**
 * Parses JSON a person wrote, and on a syntax error says where, e.g.
 * `cors.json:4:3: invalid JSON: expected ',' or '}' (line 4, column 3)`.
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // V8's messages do not always carry a position; a small scanner finds it.
    const problem = findJsonError(text) ?? { offset: text.length, message: "invalid JSON" };
    const { line, column } = lineAndColumn(text, problem.offset);
    throw new UsageError(
      `${source}:${line}:${column}: invalid JSON: ${problem.message} (line ${line}, column ${column}).`,
      "Fix the JSON syntax at that spot (`jq . FILE` shows the same error).",
      "InvalidJson",
    );
  }
}

interface JsonProblem {
  offset: number;
  message: string;
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where the first syntax error in a JSON text is, or undefined if the text is valid JSON. */
export function findJsonError(text: string): JsonProblem | undefined {
  let i = 0;
  const describe = (): string => (i >= text.length ? "end of input" : `${JSON.stringify(text[i])}`);
  const fail = (expected: string): never => {
    throw new JsonSyntax(i, `expected ${expected}, found ${describe()}`);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail("a value");
  };
  const string = () => {
    if (text[i] !== '"') fail("a string");
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text[i] as string;
      if (c < " ") throw new JsonSyntax(i, "control character in a string (escape it)");
      if (c === "\\") {
        i++;
        const e = text[i];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5)))
            throw new JsonSyntax(i, "bad \\u escape");
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          throw new JsonSyntax(i, "bad escape in a string");
        }
      }
      i++;
    }
    if (i >= text.length) throw new JsonSyntax(i, "unterminated string");
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === "" || m[0] === "-") fail("a value");
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("a property name in double quotes");
        string();
        ws();
        if (text[i] !== ":") fail("':'");
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          ws();
          if (text[i] === "}") throw new JsonSyntax(i, "trailing comma before '}'");
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          ws();
          if (text[i] === "]") throw new JsonSyntax(i, "trailing comma before ']'");
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    }
    if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else fail("a value");
  };
  try {
    value();
    ws();
    if (i < text.length) fail("end of input");
    return undefined;
  } catch (err) {
    if (err instanceof JsonSyntax) return { offset: err.offset, message: err.message };
    throw err;
  }
}
