import { Command, Option } from "commander";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { trackOptionUse } from "../../src/option-checks.js";

/** A root command with global options and one subcommand, as program.ts builds them. */
function parse(argv: string[]): void {
  const root = new Command("s3kit").exitOverride();
  root.option("--profile <name>").option("--region <region>").option("--json");
  const sub = root.command("create").argument("[name]").exitOverride();
  const list = (value: string, previous: string[] = []) => [...previous, value];
  sub
    .option("--tls-policy")
    .option("--no-tls-policy")
    .option("--cors-origin <url...>")
    .option("--metadata <key=value>", "repeatable", list)
    .option("--expires <duration>", "with a default", "1h")
    .addOption(new Option("--sse <mode>").choices(["AES256", "aws:kms"]));
  const tracker = trackOptionUse();
  tracker.watch(root);
  tracker.watch(sub);
  sub.action(() => tracker.check());
  root.parse(argv, { from: "user" });
}

function refusal(argv: string[]): UsageError {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
}

describe("option rules every command follows", () => {
  it.each([
    [["create", "--tls-policy", "--no-tls-policy"], /--tls-policy and --no-tls-policy contradict/],
    [["create", "--no-tls-policy", "--tls-policy"], /--no-tls-policy and --tls-policy contradict/],
    [
      ["--region", "eu-west-1", "create", "--region", "us-east-1"],
      /--region was given more than once, with different values \("eu-west-1", then "us-east-1"\)/,
    ],
    [["create", "--expires", "1h", "--expires=2h"], /--expires was given more than once/],
    [["create", "--sse", "AES256", "--sse", "aws:kms"], /--sse was given more than once/],
  ])("%j contradicts itself", (argv, message) => {
    const err = refusal(argv);
    expect(err.code).toBe("ConflictingOptions");
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
  });

  it.each([
    [["--profile", "", "create"], "--profile"],
    [["--region=", "create"], "--region"],
    [["create", "--cors-origin", ""], "--cors-origin"],
    [["create", "--cors-origin", "https://a.example", ""], "--cors-origin"],
    [["create", "--metadata", ""], "--metadata"],
    [["create", "--expires", ""], "--expires"],
  ])("%j has an empty value", (argv, flag) => {
    const err = refusal(argv);
    expect(err.code).toBe("EmptyOptionValue");
    expect(err.message).toBe(`${flag} was given an empty value.`);
    expect(err.hint).toContain(`Give ${flag} a value`);
  });

  it.each([
    [["create", "--tls-policy", "--tls-policy"]],
    [["create", "--no-tls-policy"]],
    [["--json", "create", "--json"]],
    [["--region", "eu-west-1", "create", "--region", "eu-west-1"]],
    [["create", "--metadata", "a=1", "--metadata", "b=2"]],
    [["create", "--cors-origin", "https://a.example", "https://b.example"]],
    [["create", "--cors-origin", "https://a.example", "--cors-origin", "https://b.example"]],
    [["create", ""]],
  ])("%j is fine", (argv) => {
    expect(() => parse(argv)).not.toThrow();
  });
});
