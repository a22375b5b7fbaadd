import { describe, expect, it } from "vitest";
import {
  adjustForColonBreaks,
  type CompletionTree,
  completionFor,
  splitCommandLine,
} from "../../src/core/completion.js";

const tree: CompletionTree = {
  commands: [
    { path: ["whoami"], options: [], argumentChoices: [] },
    { path: ["doctor"], options: [{ flags: ["--bucket"], takesValue: true }], argumentChoices: [] },
    { path: ["completion"], options: [], argumentChoices: [["bash", "zsh", "fish"]] },
    {
      path: ["bucket", "create"],
      options: [
        { flags: ["--versioning"], takesValue: false },
        { flags: ["--transition"], takesValue: true },
        { flags: ["--fail-on"], takesValue: true, choices: ["high", "medium", "low"] },
      ],
      argumentChoices: [undefined],
    },
    { path: ["bucket", "cors", "get"], options: [], argumentChoices: [undefined] },
    {
      path: ["cp"],
      options: [{ flags: ["--recursive"], takesValue: false }],
      argumentChoices: [undefined, undefined],
    },
  ],
  globalOptions: [
    { flags: ["--region"], takesValue: true },
    { flags: ["-y", "--yes"], takesValue: false },
    { flags: ["--json"], takesValue: false },
  ],
};

describe("splitCommandLine", () => {
  it.each([
    ["s3kit ", ["s3kit", ""]],
    ["s3kit buc", ["s3kit", "buc"]],
    ["s3kit  bucket   create x", ["s3kit", "bucket", "create", "x"]],
    ["s3kit cp 'my file.txt' s3://b/", ["s3kit", "cp", "my file.txt", "s3://b/"]],
    ['s3kit cp "a \\"b\\"" ', ["s3kit", "cp", 'a "b"', ""]],
    ["s3kit cp my\\ file", ["s3kit", "cp", "my file"]],
    ["s3kit cp 'unterminated", ["s3kit", "cp", "unterminated"]],
  ])("%j", (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });
});

describe("completionFor", () => {
  const cases: [string, ReturnType<typeof completionFor>][] = [
    ["", { kind: "words", words: ["bucket", "completion", "cp", "doctor", "whoami"] }],
    ["b", { kind: "words", words: ["bucket"] }],
    ["bucket ", { kind: "words", words: ["cors", "create"] }],
    ["bucket c", { kind: "words", words: ["cors", "create"] }],
    ["bucket cors ", { kind: "words", words: ["get"] }],
    ["--region eu-west-1 bucket cr", { kind: "words", words: ["create"] }],
    [
      "bucket create --",
      {
        kind: "words",
        words: ["--fail-on", "--json", "--region", "--transition", "--versioning", "--yes"],
      },
    ],
    ["bucket create --v", { kind: "words", words: ["--versioning"] }],
    ["bucket create --fail-on ", { kind: "words", words: ["high", "low", "medium"] }],
    ["bucket create --fail-on h", { kind: "words", words: ["high"] }],
    ["bucket create --transition ", { kind: "files" }],
    ["completion ", { kind: "words", words: ["bash", "fish", "zsh"] }],
    ["completion z", { kind: "words", words: ["zsh"] }],
    ["cp ./file s3", { kind: "s3", prefix: "s3" }],
    ["cp ./file s3://", { kind: "s3", prefix: "s3://" }],
    ["cp s3://bucket/ke", { kind: "s3", prefix: "s3://bucket/ke" }],
    ["cp ./fi", { kind: "files" }],
    ["doctor --bucket ", { kind: "files" }],
    ["whoami ", { kind: "files" }],
    ["nope ", { kind: "words", words: ["bucket", "completion", "cp", "doctor", "whoami"] }],
  ];
  it.each(cases)("s3kit %s", (line, expected) => {
    expect(completionFor(tree, splitCommandLine(line))).toEqual(expected);
  });
});

describe("bash colon handling", () => {
  it("returns only the part after the last colon", () => {
    expect(adjustForColonBreaks(["s3://bucket-a/", "s3://bucket-b/"], "s3://bu")).toEqual([
      "//bucket-a/",
      "//bucket-b/",
    ]);
    expect(adjustForColonBreaks(["create"], "cr")).toEqual(["create"]);
  });
});
