// Declarative options: the commander Option and the value type come from one spec, and
// every command's declaration holds together.

import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { CommandModule } from "../../src/commands/context.js";
import {
  choice,
  declareOptions,
  flag,
  list,
  negatable,
  type OptionsOf,
  parsed,
  repeatable,
  toggle,
  value,
} from "../../src/commands/options/spec.js";

const specs = {
  bucket: value("--bucket", "name", "the bucket").required(),
  policyFile: list("--policy-file", "file", "policies"),
  prefix: repeatable("--prefix", "prefix", "prefixes"),
  probe: flag("--probe", "probe"),
  simulate: negatable("--no-simulate", "no simulator"),
  expect: choice("--expect", "decision", "expectation", ["allow", "deny"]),
  format: value("--format", "format", "format").default("dotenv"),
};

function parse(argv: string[]): OptionsOf<typeof specs> {
  const cmd = new Command("t").exitOverride().configureOutput({ writeErr: () => {} });
  declareOptions(cmd, specs);
  cmd.parse(argv, { from: "user" });
  return cmd.opts() as OptionsOf<typeof specs>;
}

describe("option specs", () => {
  it("build the flags from the spec", () => {
    const cmd = declareOptions(new Command("t"), specs);
    expect(cmd.options.map((o) => o.flags)).toEqual([
      "--bucket <name>",
      "--policy-file <file...>",
      "--prefix <prefix>",
      "--probe",
      "--no-simulate",
      "--expect <decision>",
      "--format <format>",
    ]);
    expect(cmd.options.map((o) => o.mandatory)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("parse to the values the types say", () => {
    const given = parse([
      "--bucket",
      "b1",
      "--policy-file",
      "a.json",
      "b.json",
      "--prefix",
      "x/",
      "--prefix",
      "y/",
      "--probe",
      "--no-simulate",
      "--expect",
      "deny",
    ]);
    expect(given).toEqual({
      bucket: "b1",
      policyFile: ["a.json", "b.json"],
      prefix: ["x/", "y/"],
      probe: true,
      simulate: false,
      expect: "deny",
      format: "dotenv",
    });
    expect(parse(["--bucket", "b1"])).toEqual({
      bucket: "b1",
      prefix: [],
      simulate: true,
      format: "dotenv",
    });
  });

  it("keep required, choices and defaults when a command describes them its own way", () => {
    const described = {
      bucket: specs.bucket.describe("the bucket the policy is for"),
      expect: specs.expect.describe("what to expect"),
      format: specs.format.describe("how to print"),
    };
    const cmd = declareOptions(new Command("t"), described);
    const [bucket, expectation, format] = cmd.options;
    expect(bucket?.description).toBe("the bucket the policy is for");
    expect(bucket?.mandatory).toBe(true);
    expect(expectation?.argChoices).toEqual(["allow", "deny"]);
    expect(format?.defaultValue).toBe("dotenv");
  });

  it("give each command its own Option objects", () => {
    const a = declareOptions(new Command("a"), specs);
    const b = declareOptions(new Command("b"), specs);
    expect(a.options[0]).not.toBe(b.options[0]);
  });

  it("declare a toggle as --name and --no-name, undefined unless one is given", () => {
    const toggles = { tls: toggle("--tls", "use TLS", "never use TLS") };
    const cmd = declareOptions(new Command("t"), toggles);
    expect(cmd.options.map((o) => [o.flags, o.description])).toEqual([
      ["--tls", "use TLS"],
      ["--no-tls", "never use TLS"],
    ]);
    const run = (argv: string[]) => {
      const c = declareOptions(new Command("t"), {
        tls: toggles.tls.describe("TLS"),
      }).exitOverride();
      c.parse(argv, { from: "user" });
      return c.opts().tls as boolean | undefined;
    };
    expect([run([]), run(["--tls"]), run(["--no-tls"]), run(["--no-tls", "--tls"])]).toEqual([
      undefined,
      true,
      false,
      true,
    ]);
  });

  it("parse each occurrence of a parsed option with the result so far", () => {
    const sums = { add: parsed("--add", "n", "add N", (v, sum: number = 0) => sum + Number(v)) };
    const run = (argv: string[]): OptionsOf<typeof sums> => {
      const c = declareOptions(new Command("t"), sums).exitOverride();
      c.parse(argv, { from: "user" });
      return c.opts() as OptionsOf<typeof sums>;
    };
    expect(run(["--add", "2", "--add", "3"])).toEqual({ add: 5 });
    expect(run([])).toEqual({});
    expect(declareOptions(new Command("t"), sums).options[0]?.defaultValue).toBeUndefined();
  });

  it("refuse a key that is not the option's value name", () => {
    expect(() =>
      declareOptions(new Command("t"), { bucketName: value("--bucket", "name", "the bucket") }),
    ).toThrow('Option --bucket <name> is declared as "bucketName", not "bucket".');
  });
});

function commandFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? commandFiles(join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [join(dir, e.name)]
        : [],
  );
}

describe("every command", () => {
  const root = join(import.meta.dirname, "../../src/commands");
  const files = commandFiles(root)
    .map((f) => relative(root, f))
    .filter((f) => !/^(options|render)\/|\/render-|stdin-batch|context/.test(f));
  it.each(files)("%s declares its options consistently", async (file) => {
    const mod = (await import(join(root, file))) as { default?: Partial<CommandModule<never>> };
    const configure = mod.default?.configure;
    if (typeof configure !== "function") return;
    const cmd = new Command("t");
    configure(cmd);
    const flags = cmd.options.map((o) => o.long);
    expect(new Set(flags).size).toBe(flags.length);
  });
});
