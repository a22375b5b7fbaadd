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
    /** A toggle's `--no-` twin: its description. */
    private readonly negation?: string,
  ) {}

  /** `--name`: true when given. */
  static flag(flags: `-${string}`, description: string): OptionSpec<true | undefined> {
    return new OptionSpec(flags, description);
  }

  /** `--no-name`: true unless given. */
  static negatable(flags: `--no-${string}`, description: string): OptionSpec<boolean> {
    return new OptionSpec(flags, description);
  }

  /**
   * `--name` and `--no-name`: true or false as the last one given says, undefined when
   * neither is (so the command can tell "not asked" from either answer).
   */
  static toggle(
    flags: `--${string}`,
    description: string,
    negatedDescription: string,
  ): OptionSpec<boolean | undefined> {
    return new OptionSpec(flags, description, undefined, negatedDescription);
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

  /**
   * `--name <value>`, each occurrence turned into T by `parse`, which gets the result so far
   * (undefined the first time; commander's argParser). Undefined when not given.
   */
  static parsed<T>(
    flags: `-${string}`,
    value: string,
    description: string,
    parse: (value: string, previous: T | undefined) => T,
  ): OptionSpec<T | undefined> {
    return new OptionSpec(`${flags} <${value}>`, description, (o) => {
      o.argParser(parse);
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
    return new OptionSpec(this.flags, description, this.setup, this.negation);
  }

  /** Must be given (commander says so, exit 2). */
  required(): OptionSpec<Exclude<T, undefined>> {
    return this.extended((o) => o.makeOptionMandatory());
  }

  /** The value when the option is not given (shown in help). */
  default(value: Exclude<T, undefined> & string): OptionSpec<Exclude<T, undefined>> {
    return this.extended((o) => o.default(value));
  }

  /** The commander Options (two for a toggle), new for each command that declares them. */
  options(): Option[] {
    const option = new Option(this.flags, this.description);
    this.setup(option);
    if (this.negation === undefined) return [option];
    // Declared after the positive one, so commander sets no default for it.
    return [option, new Option(`--no-${option.long?.slice(2)}`, this.negation)];
  }

  private extended<U>(more: (option: Option) => void): OptionSpec<U> {
    return new OptionSpec<U>(
      this.flags,
      this.description,
      (o) => {
        this.setup(o);
        more(o);
      },
      this.negation,
    );
  }
}

export const flag = OptionSpec.flag;
export const negatable = OptionSpec.negatable;
export const value = OptionSpec.value;
export const list = OptionSpec.list;
export const repeatable = OptionSpec.repeatable;
export const choice = OptionSpec.choice;
export const toggle = OptionSpec.toggle;
export const parsed = OptionSpec.parsed;

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
    for (const option of spec.options()) {
      if (option.attributeName() !== key) {
        throw new Error(
          `Option ${option.flags} is declared as "${key}", not "${option.attributeName()}".`,
        );
      }
      cmd.addOption(option);
    }
  }
  return cmd;
}
