// biome-ignore-all lint/suspicious/noControlCharactersInRegex: these tests are about control characters
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/io/output.js";
import { loadStyle } from "../../src/io/style.js";
import { renderTable } from "../../src/io/table.js";
import { oneLine, toTerminal, visibleLength } from "../../src/io/terminal-text.js";

// A key that sets the terminal's title, rings the bell, and hides the rest of the line.
const HOSTILE = "a\u001b]0;PWNED\u0007b\u001b[8mhidden\rc";
// Anything a terminal would act on or that reorders the text on screen.
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe("text for a terminal", () => {
  it.each([
    ["\u001b", "\\u001b"],
    ["\u0007", "\\u0007"],
    ["\r", "\\r"],
    ["\t", "\\t"],
    ["\u0000", "\\u0000"],
    ["\u007f", "\\u007f"],
    ["\u009b", "\\u009b"], // the 8-bit CSI some terminals honour
    ["\u202e", "\\u202e"], // right-to-left override ("Trojan source")
    ["\u2066", "\\u2066"],
    ["\u2028", "\\u2028"],
  ])("shows %j as %s", (char, shown) => {
    expect(toTerminal(`x${char}y`)).toBe(`x${shown}y`);
    expect(oneLine(`x${char}y`)).toBe(`x${shown}y`);
  });

  it("keeps line breaks in text, and escapes them in one-line values", () => {
    expect(toTerminal("line 1\nline 2")).toBe("line 1\nline 2");
    expect(oneLine("key\nerror: forged")).toBe("key\\nerror: forged");
  });

  it("leaves printable text alone, Unicode included", () => {
    const text = "café/ünï 😀 a\u00a0b\u3000c \\x1b";
    expect(toTerminal(text)).toBe(text);
    expect(oneLine(text)).toBe(text);
  });

  it("escapes so that JSON stays valid and exact", () => {
    const value = { key: `k\u0085\u2028\u202e${HOSTILE}` };
    const text = toTerminal(JSON.stringify(value));
    expect(text).not.toMatch(ACTIVE);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe("colour", () => {
  it("paints with real SGR codes, nests like chalk, and measures without them", async () => {
    const style = await loadStyle(true);
    expect(toTerminal(style.red("no"))).toBe("\u001b[31mno\u001b[39m");
    expect(toTerminal(style.bold(`a ${style.dim("b")} c`))).toBe(
      "\u001b[1ma \u001b[2mb\u001b[22m\u001b[1m c\u001b[22m",
    );
    expect(visibleLength(style.green("✓ ok"))).toBe(4);
    expect(
      renderTable(
        [{ a: style.red("x"), b: "y" }],
        [
          { header: "A", value: (r) => r.a },
          { header: "B", value: (r) => r.b },
        ],
      ),
    ).toBe(`A  B\n${style.red("x")}  y`);
  });

  it("never lets a value's own escape sequences through, painted or not", async () => {
    const style = await loadStyle(true);
    const painted = toTerminal(`${style.bold(HOSTILE)} ${HOSTILE} \u001b[31mred?`);
    expect(painted.replace(/\u001b\[(1|22)m/g, "")).not.toMatch(ACTIVE);
    expect(painted).toContain("a\\u001b]0;PWNED\\u0007b\\u001b[8mhidden\\rc");
  });

  it("cannot be forged by a value that guesses the markers", async () => {
    const style = await loadStyle(true);
    const marker = style.red("x").slice(0, style.red("x").indexOf("\u0000", 1) + 1);
    expect(marker).toMatch(/^\u0000.+\u0000$/);
    // A value made in another run cannot know this run's marker.
    const forged = "\u0000s3kit31\u0000";
    expect(toTerminal(forged)).toBe("\\u0000s3kit31\\u0000");
    expect(toTerminal(`${style.red("x")}`)).toBe("\u001b[31mx\u001b[39m");
  });

  it("is plain when off", async () => {
    const style = await loadStyle(false);
    expect(style.red(HOSTILE)).toBe(HOSTILE);
  });
});

function output(options: { json?: boolean; color?: boolean; tty?: boolean } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const read = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString() ?? "";
  const out = new Output(
    {
      stdin: new PassThrough(),
      stdout,
      stderr,
      stdinIsTTY: false,
      stdoutIsTTY: options.tty ?? false,
      stderrIsTTY: options.tty ?? false,
      columns: 80,
    },
    {
      json: options.json ?? false,
      quiet: false,
      debug: true,
      color: options.color ?? false,
      env: options.color ? { FORCE_COLOR: "1" } : {},
    },
  );
  return { out, stdout: read(stdout), stderr: read(stderr) };
}

describe("Output, the only writer", () => {
  it("escapes every human line, on stdout and stderr", async () => {
    const { out, stdout, stderr } = output({ tty: true, color: true });
    await out.useColor();
    out.data(`s3://b/${HOSTILE}\nnext line`);
    out.info(`copied ${HOSTILE}`);
    out.success(HOSTILE);
    out.warn(HOSTILE);
    out.hint(HOSTILE);
    out.debug(HOSTILE);
    expect(stdout()).toBe("s3://b/a\\u001b]0;PWNED\\u0007b\\u001b[8mhidden\\rc\nnext line\n");
    const err = stderr();
    expect(err.replace(/\u001b\[(2|22|32|33|39)m/g, "")).not.toMatch(ACTIVE);
    expect(err.split("a\\u001b]0;PWNED").length).toBe(6);
  });

  it("keeps an error on one line, details included", () => {
    const { out, stderr } = output();
    out.error({
      code: "X",
      message: `s3://b/${HOSTILE}\nerror: forged`,
      hint: "h\rx",
      details: ["one\ntwo", "three"],
    });
    expect(stderr()).toBe(
      "error: s3://b/a\\u001b]0;PWNED\\u0007b\\u001b[8mhidden\\rc\\nerror: forged\n" +
        "  one\\ntwo\n  three\nhint: h\\rx\n",
    );
  });

  it("keeps exact values in JSON, escaped so no terminal acts on them", () => {
    const { out, stdout, stderr } = output({ json: true });
    const value = { key: `${HOSTILE}\u009b\u202e` };
    out.jsonDocument(value);
    out.jsonLine(value);
    out.error({ code: "X", message: HOSTILE, details: [HOSTILE] });
    const [doc, line] = [stdout().slice(0, -1), ""];
    void line;
    const lines = doc.split(/\n(?=\{"key")/);
    expect(JSON.parse(lines[0] as string)).toEqual(value);
    expect(JSON.parse(lines[1] as string)).toEqual(value);
    expect(doc).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const error = stderr();
    expect(error).not.toMatch(ACTIVE);
    expect(JSON.parse(error).error).toEqual({
      code: "X",
      message: HOSTILE,
      hint: null,
      details: [HOSTILE],
    });
  });

  it("writes a generated file byte for byte when stdout is not a terminal", () => {
    const piped = output();
    piped.out.file(`<input value="${HOSTILE}">`);
    expect(piped.stdout()).toBe(`<input value="${HOSTILE}">\n`);
    const tty = output({ tty: true });
    tty.out.file(`<input value="${HOSTILE}">`);
    expect(tty.stdout()).not.toMatch(ACTIVE);
  });
});
