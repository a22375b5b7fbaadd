import type { Command, Option } from "commander";
import { UsageError } from "./core/errors.js";

/**
 * Rules every command's options follow, checked once here rather than in each command:
 * commander itself lets the last occurrence win and takes an empty value as given, so
 * `--tls-policy --no-tls-policy`, `--region a --region b` and `--profile ''` would each
 * silently mean something the user did not say.
 */

interface OptionUse {
  option: Option;
  owner: Command;
  /** As typed: a string for options that take a value, undefined for flags. */
  value: unknown;
}

/** Collects every occurrence of the options of the given commands, in command-line order. */
export function trackOptionUse(): {
  watch(command: Command): void;
  check(): void;
} {
  const uses: OptionUse[] = [];
  return {
    watch(command) {
      for (const option of command.options) {
        // commander announces each occurrence as `option:NAME`, after storing its value.
        command.on(`option:${option.name()}`, (value: unknown) => {
          uses.push({ option, owner: command, value });
        });
      }
    },
    check: () => checkOptionUse(uses),
  };
}

function checkOptionUse(uses: readonly OptionUse[]): void {
  for (const { option, value } of uses) {
    if (value === "" && (option.required || option.optional)) {
      throw new UsageError(
        `${option.long ?? option.flags} was given an empty value.`,
        `Give ${option.long ?? "it"} a value, or leave it out for the default.`,
        "EmptyOptionValue",
      );
    }
  }
  const byAttribute = new Map<string, OptionUse[]>();
  for (const use of uses) {
    const key = use.option.attributeName();
    byAttribute.set(key, [...(byAttribute.get(key) ?? []), use]);
  }
  for (const group of byAttribute.values()) {
    const negated = group.find((u) => u.option.negate);
    const plain = group.find((u) => !u.option.negate);
    if (negated && plain) {
      const [first, second] = negated === group[0] ? [negated, plain] : [plain, negated];
      throw new UsageError(
        `${first.option.long} and ${second.option.long} contradict each other.`,
        `Give one of them.`,
        "ConflictingOptions",
      );
    }
    checkRepeats(group);
  }
}

/**
 * An option given twice with different values: both cannot hold. Options that collect
 * their values (variadic ones, `--metadata k=v` repeated) are meant to be repeated; they
 * end up as a list.
 */
function checkRepeats(group: readonly OptionUse[]): void {
  const [first] = group;
  if (first === undefined || group.length < 2 || first.option.variadic) return;
  if (Array.isArray(first.owner.getOptionValue(first.option.attributeName()))) return;
  const other = group.find((u) => u.value !== first.value);
  if (other === undefined) return;
  const shown = (u: OptionUse) => (typeof u.value === "string" ? JSON.stringify(u.value) : "on");
  throw new UsageError(
    `${first.option.long} was given more than once, with different values (${shown(first)}, then ${shown(other)}).`,
    `Give ${first.option.long} once.`,
    "ConflictingOptions",
  );
}
