// What a variable in an app's settings can hold: one of the values s3kit hands over (a
// field) or a fixed text the app needs beside them (`AWS_S3_USE_SSL=false`). The same
// words are used on the command line (`--env NAME=FIELD`) and in the project file.
// Pure: no I/O.

import { describeCharacter, findControlCharacter } from "../control-characters.js";
import { UsageError } from "../errors.js";

export const FIELDS = [
  "access-key-id",
  "secret-access-key",
  "region",
  "bucket",
  "endpoint",
  "prefix",
] as const;
export type Field = (typeof FIELDS)[number];

export const FIELD_MEANINGS: Record<Field, string> = {
  "access-key-id": "the access key ID",
  "secret-access-key": "the secret access key",
  region: "the region",
  bucket: "the bucket",
  endpoint: "the S3 endpoint URL (the custom one, or AWS's regional endpoint)",
  prefix: "the key prefix the developer may use (empty for the whole bucket)",
};

/** A field, or a fixed text. */
export type VariableSource = { field: Field } | { value: string };

/** A fixed text is written `value:TEXT`; `true` and `false` are fixed texts as they are. */
export const FIXED_PREFIX = "value:";
const BARE_FIXED = new Set(["true", "false"]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_NAME_LENGTH = 128;
export const MAX_FIXED_LENGTH = 1024;
/** More variables than any app's settings need: a bound on the input. */
export const MAX_VARIABLES = 100;

export const FIELDS_HINT = `Fields: ${FIELDS.join(", ")}; a fixed text is value:TEXT (true and false need no "value:"), e.g. --env AWS_S3_BUCKET=bucket --env AWS_S3_USE_SSL=false.`;

/** Why `name` cannot be an environment variable's name, or undefined. */
export function variableNameProblem(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name.length > MAX_NAME_LENGTH)
    return `has ${name.length} characters; at most ${MAX_NAME_LENGTH} are allowed`;
  if (!NAME.test(name))
    return "is not a variable name (letters, digits and _, not starting with a digit)";
  return undefined;
}

/** `bucket`, `value:false`, `false` → what the variable holds; `where` names the input. */
export function parseSource(text: string, where: string): VariableSource {
  if (text.startsWith(FIXED_PREFIX))
    return { value: fixedText(text.slice(FIXED_PREFIX.length), where) };
  if (BARE_FIXED.has(text)) return { value: text };
  if ((FIELDS as readonly string[]).includes(text)) return { field: text as Field };
  throw new UsageError(`${where}: unknown field "${text}".`, FIELDS_HINT, "UnknownEnvField");
}

function fixedText(text: string, where: string): string {
  if (text.length > MAX_FIXED_LENGTH) {
    throw new UsageError(
      `${where}: the fixed value has ${text.length} characters; at most ${MAX_FIXED_LENGTH} are allowed.`,
      undefined,
      "InvalidEnvValue",
    );
  }
  const control = findControlCharacter(text);
  if (control) {
    throw new UsageError(
      `${where}: the fixed value contains a control character, ${describeCharacter(control.char)}.`,
      "A value in a .env file is one line of text.",
      "InvalidEnvValue",
    );
  }
  return text;
}

export function assertVariableName(name: string, where: string): void {
  const problem = variableNameProblem(name);
  if (problem) {
    throw new UsageError(
      `${where}: the variable name "${name}" ${problem}.`,
      `Write NAME=FIELD with a name such as AWS_S3_BUCKET. ${FIELDS_HINT}`,
      "InvalidEnvName",
    );
  }
}

/** One `--env NAME=FIELD` as typed. */
export function parseEnvFlag(text: string): { name: string; source: VariableSource } {
  const where = `--env ${JSON.stringify(text)}`;
  const eq = text.indexOf("=");
  if (eq < 0) {
    throw new UsageError(`${where} is not NAME=FIELD.`, FIELDS_HINT, "InvalidEnvMapping");
  }
  const name = text.slice(0, eq);
  assertVariableName(name, where);
  return { name, source: parseSource(text.slice(eq + 1), where) };
}

/** The source as the command line and the project file write it. */
export function formatSource(source: VariableSource): string {
  if ("field" in source) return source.field;
  return BARE_FIXED.has(source.value) ? source.value : `${FIXED_PREFIX}${source.value}`;
}

export function sameSource(a: VariableSource, b: VariableSource): boolean {
  return formatSource(a) === formatSource(b);
}

/**
 * Every `--env` flag, checked: two different mappings for one variable are refused (the
 * same one twice is the same). Throws UsageError (exit 2) before anything else happens.
 */
export function parseEnvFlags(flags: readonly string[]): Record<string, VariableSource> {
  if (flags.length > MAX_VARIABLES) {
    throw new UsageError(
      `${flags.length} --env flags; at most ${MAX_VARIABLES} are allowed.`,
      undefined,
      "TooManyEnvMappings",
    );
  }
  const out: Record<string, VariableSource> = {};
  for (const flag of flags) {
    const { name, source } = parseEnvFlag(flag);
    const earlier = out[name];
    if (earlier && !sameSource(earlier, source)) {
      throw new UsageError(
        `--env gives ${name} two mappings: ${formatSource(earlier)} and ${formatSource(source)}.`,
        `Map each variable once. ${FIELDS_HINT}`,
        "DuplicateEnvMapping",
      );
    }
    out[name] = source;
  }
  return out;
}
