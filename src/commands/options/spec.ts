// Declarative options: one spec gives both the commander Option (its flags built from the
// spec, so that `<value...>` and the type cannot disagree) and the TypeScript type of the
// value the command receives. Specs are plain values: an option group is an object of
// them, and a command lists its options in help order, picking from the groups.

import { type Command, Option } from "commander";

/** An option whose parsed value has type T. */
export class OptionSpec<T> {
  /** Never set: carries the value type. */
  declare readonly valueType: T;

  private constructor(
    readonly flags: string,
    readonly description: string,
    private readonly setup: (option: Option) => void = () => {},
  ) {}

  /** `--name`: true when given. */
  static flag(flags: `-${string}`, description: string): OptionSpec<true | undefined> {
    return new OptionSpec(flags, description);
  }

  /** `--no-name`: true unless given. */
  static negatable(flags: `--no-${string}`, description: string): OptionSpec<boolean> {
    return new OptionSpec(flags, description);
  }

  /** `--name <value>`. */
  static value(
    flags: `-${string}`,
    value: string,
    description: string,
  ): OptionSpec<string | undefined> {
    return new OptionSpec(`${flags} <${value}>`, description);
  }

  /** `--name <value...>`: one or more values after the flag (and the flag repeated). */
  static list(
    flags: `-${string}`,
    value: string,
    description: string,
  ): OptionSpec<string[] | undefined> {
    return new OptionSpec(`${flags} <${value}...>`, description);
  }

  /** `--name <value>`, repeatable: every occurrence's value, in order (default none). */
  static repeatable(flags: `-${string}`, value: string, description: string): OptionSpec<string[]> {
    const collect = (v: string, previous: string[]) => [...previous, v];
    return new OptionSpec(`${flags} <${value}>`, description, (o) => {
      o.default([]).argParser(collect);
    });
  }

  /** `--name <value>` limited to `choices`. */
  static choice<const C extends readonly string[]>(
    flags: `-${string}`,
    value: string,
    description: string,
    choices: C,
  ): OptionSpec<C[number] | undefined> {
    return new OptionSpec(`${flags} <${value}>`, description, (o) => {
      o.choices(choices);
    });
  }

  /** The same option with the description this command gives it. */
  describe(description: string): OptionSpec<T> {
    return new OptionSpec(this.flags, description, this.setup);
  }

  /** Must be given (commander says so, exit 2). */
  required(): OptionSpec<Exclude<T, undefined>> {
    return this.extended((o) => o.makeOptionMandatory());
  }

  /** The value when the option is not given (shown in help). */
  default(value: Exclude<T, undefined> & string): OptionSpec<Exclude<T, undefined>> {
    return this.extended((o) => o.default(value));
  }

  /** The commander Option, new for each command that declares it. */
  option(): Option {
    const option = new Option(this.flags, this.description);
    this.setup(option);
    return option;
  }

  private extended<U>(more: (option: Option) => void): OptionSpec<U> {
    return new OptionSpec<U>(this.flags, this.description, (o) => {
      this.setup(o);
      more(o);
    });
  }
}

export const flag = OptionSpec.flag;
export const negatable = OptionSpec.negatable;
export const value = OptionSpec.value;
export const list = OptionSpec.list;
export const repeatable = OptionSpec.repeatable;
export const choice = OptionSpec.choice;

// biome-ignore lint/suspicious/noExplicitAny: any value type; each spec keeps its own.
export type OptionSpecs = Record<string, OptionSpec<any>>;

/** The options a command receives for its specs: each key has its spec's value type. */
export type OptionsOf<S extends OptionSpecs> = { [K in keyof S]: S[K]["valueType"] };

/**
 * Adds the options to the command in the order of the specs. Each key must be the name
 * commander gives the option's value (`--bucket-policy-file` → bucketPolicyFile).
 */
export function declareOptions(cmd: Command, specs: OptionSpecs): Command {
  for (const [key, spec] of Object.entries(specs)) {
    const option = spec.option();
    if (option.attributeName() !== key) {
      throw new Error(
        `Option ${spec.flags} is declared as "${key}", not "${option.attributeName()}".`,
      );
    }
    cmd.addOption(option);
  }
  return cmd;
}
