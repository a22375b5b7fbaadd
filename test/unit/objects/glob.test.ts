import { describe, expect, it } from "vitest";
import { compileFilter, globToRegExp, matchesPattern } from "../../../src/core/objects/glob.js";

describe("matchesPattern", () => {
  it.each([
    ["*.txt", "a.txt", true],
    ["*.txt", "dir/sub/a.txt", true],
    ["*.txt", "a.txt.bak", false],
    ["a?c.md", "abc.md", true],
    ["a?c.md", "a/c.md", false],
    ["node_modules", "node_modules/x/y.js", true],
    ["node_modules", "src/node_modules/y.js", true],
    ["node_modules", "src/my_node_modules.js", false],
    ["images/*.png", "images/a.png", true],
    ["images/*.png", "images/sub/a.png", false],
    ["images/*.png", "x/images/a.png", false],
    ["images/**", "images/sub/a.png", true],
    ["**/*.png", "a.png", true],
    ["**/*.png", "x/y/a.png", true],
    ["logs/", "logs/2024/app.log", true],
    ["logs/", "app/logs/x", false],
    ["*.{jpg,png}", "a/b.png", true],
    ["*.{jpg,png}", "b.gif", false],
    ["[abc]*.txt", "b1.txt", true],
    ["[!abc]*.txt", "b1.txt", false],
    ["[!abc]*.txt", "d1.txt", true],
    ["file[0-9].csv", "file7.csv", true],
    ["./top.txt", "top.txt", true],
    ["a+b(1).txt", "a+b(1).txt", true],
    ["\\*.txt", "*.txt", true],
    ["\\*.txt", "a.txt", false],
    ["{unclosed", "{unclosed", true],
  ])("%s ~ %s → %s", (pattern, path, expected) => {
    expect(matchesPattern(pattern, path)).toBe(expected);
  });

  it("anchors the whole name", () => {
    expect(globToRegExp("*.txt").test("a.txt")).toBe(true);
    expect(globToRegExp("a").test("ba")).toBe(false);
  });
});

describe("compileFilter", () => {
  const files = ["a.txt", "b.log", "img/c.jpg", "img/d.png", "node_modules/e.js", "docs/f.txt"];
  const run = (rules: Parameters<typeof compileFilter>[0]) => files.filter(compileFilter(rules));

  it("keeps everything without rules", () => {
    expect(run([])).toEqual(files);
  });

  it("an exclude removes what it matches", () => {
    expect(run([{ type: "exclude", pattern: "*.log" }])).toEqual(
      files.filter((f) => f !== "b.log"),
    );
  });

  it("an include first means only what the includes name", () => {
    expect(run([{ type: "include", pattern: "*.txt" }])).toEqual(["a.txt", "docs/f.txt"]);
  });

  it("the AWS CLI idiom: exclude everything, then include", () => {
    expect(
      run([
        { type: "exclude", pattern: "*" },
        { type: "include", pattern: "*.jpg" },
      ]),
    ).toEqual(["img/c.jpg"]);
  });

  it("the last matching rule wins", () => {
    expect(
      run([
        { type: "include", pattern: "*.txt" },
        { type: "exclude", pattern: "docs/**" },
      ]),
    ).toEqual(["a.txt"]);
    expect(
      run([
        { type: "exclude", pattern: "img/**" },
        { type: "include", pattern: "*.png" },
      ]),
    ).toEqual(["a.txt", "b.log", "img/d.png", "node_modules/e.js", "docs/f.txt"]);
  });
});
