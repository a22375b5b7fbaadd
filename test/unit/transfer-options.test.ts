// cp, mv and sync share their transfer options; --include and --exclude are two options
// whose rules keep the order of the command line, parse after parse.

import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { declareOptions, type OptionsOf } from "../../src/commands/options/spec.js";
import { filterRules, transferOptions } from "../../src/commands/options/transfer.js";

function parse(argv: string[]): OptionsOf<typeof transferOptions> {
  const cmd = declareOptions(new Command("t"), transferOptions).exitOverride();
  cmd.parse(argv, { from: "user" });
  return cmd.opts() as OptionsOf<typeof transferOptions>;
}

describe("transfer options", () => {
  it("keep --include and --exclude in command-line order across both", () => {
    const argv = ["--exclude", "*", "--include", "*.html", "--exclude", "a.html", "--include", "x"];
    const expected = [
      { type: "exclude", pattern: "*" },
      { type: "include", pattern: "*.html" },
      { type: "exclude", pattern: "a.html" },
      { type: "include", pattern: "x" },
    ];
    expect(filterRules(parse(argv))).toEqual(expected);
    // A second parse (another command in the same process) starts from its own rules.
    expect(filterRules(parse(argv))).toEqual(expected);
    expect(filterRules(parse(["--include", "b"]))).toEqual([{ type: "include", pattern: "b" }]);
    expect(filterRules(parse([]))).toEqual([]);
  });

  it("collect --metadata, undefined when not given", () => {
    expect(parse(["--metadata", "a=1", "--metadata", "b=2"]).metadata).toEqual(["a=1", "b=2"]);
    expect(parse([]).metadata).toBeUndefined();
  });
});
