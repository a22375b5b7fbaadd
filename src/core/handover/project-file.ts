// The project file, `.s3kit.json` in the working folder: it remembers the variable names
// of the project's .env files, so that every later `iam add-dev`, `iam rotate-key` and
// `init` writes the same names and `whoami`/`doctor --env-file` read them back:
//
//   { "env": { "style": "aws", "variables": { "AWS_S3_BUCKET": "bucket",
//                                             "AWS_S3_USE_SSL": "false" } } }
//
// `style` is one of ENV_STYLES; each variable holds a field or a fixed text, written as on
// the command line (see fields.ts). Other top-level keys are kept as they are.

import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseJsonText } from "../buckets/json-input.js";
import { UsageError } from "../errors.js";
import { FileWriteError } from "../iam/secret-file.js";
import {
  assertVariableName,
  FIELDS_HINT,
  formatSource,
  MAX_VARIABLES,
  parseEnvFlags,
  parseSource,
  type VariableSource,
} from "./fields.js";
import { type CredentialFormat, NAMED_FORMATS } from "./formats.js";
import {
  assertWritesCredentials,
  describeChanges,
  type EnvMapping,
  PROJECT_FILE,
  sameMapping,
} from "./mapping.js";
import { DEFAULT_ENV_STYLE, type EnvStyle, parseEnvStyle } from "./styles.js";

export { PROJECT_FILE } from "./mapping.js";

const MAX_SIZE = 64 * 1024;

export interface ProjectFile {
  path: string;
  /** Absent when the file has no `env` section. */
  mapping?: EnvMapping;
}

export function projectFilePath(cwd: string): string {
  return join(cwd, PROJECT_FILE);
}

function readText(path: string): string | undefined {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      throw new UsageError(
        `${path} is not a file.`,
        `Remove it, or run s3kit in another folder.`,
        "InvalidProjectFile",
      );
    }
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `Cannot read ${path}: ${(err as Error).message}.`,
      undefined,
      "InvalidProjectFile",
    );
  }
  if (size > MAX_SIZE) {
    throw new UsageError(
      `${path} has ${size} bytes; a project file has at most ${MAX_SIZE}.`,
      "It holds variable names only: check that it is the right file.",
      "InvalidProjectFile",
    );
  }
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(
      `Cannot read ${path}: ${(err as Error).message}.`,
      undefined,
      "InvalidProjectFile",
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalid(path: string, what: string): UsageError {
  return new UsageError(
    `${path}: ${what}.`,
    `The file reads {"env": {"style": "aws", "variables": {"NAME": "FIELD"}}}. ${FIELDS_HINT}`,
    "InvalidProjectFile",
  );
}

/** The `env` section, checked like the flags are (exit 2 on anything s3kit would not write). */
function parseEnvSection(path: string, env: unknown): EnvMapping {
  if (!isObject(env)) throw invalid(path, `"env" is not an object`);
  for (const key of Object.keys(env)) {
    if (key !== "style" && key !== "variables") {
      throw invalid(path, `"env" has an unknown key "${key}" (it has "style" and "variables")`);
    }
  }
  let style: EnvStyle = DEFAULT_ENV_STYLE;
  if (env.style !== undefined) {
    if (typeof env.style !== "string") throw invalid(path, `"env.style" is not a string`);
    style = parseEnvStyle(env.style, `env.style in ${path}`);
  }
  const variables: Record<string, VariableSource> = {};
  if (env.variables !== undefined) {
    if (!isObject(env.variables)) throw invalid(path, `"env.variables" is not an object`);
    const entries = Object.entries(env.variables);
    if (entries.length > MAX_VARIABLES) {
      throw invalid(
        path,
        `"env.variables" has ${entries.length} entries; at most ${MAX_VARIABLES} are allowed`,
      );
    }
    for (const [name, source] of entries) {
      const where = `${path}: env.variables.${name}`;
      assertVariableName(name, where);
      if (typeof source !== "string") throw invalid(path, `env.variables.${name} is not a string`);
      variables[name] = parseSource(source, where);
    }
  }
  const mapping = { style, variables };
  assertWritesCredentials(mapping, path);
  return mapping;
}

/** The project file of `cwd`, or undefined when there is none. Throws UsageError (exit 2). */
export function readProjectFile(cwd: string): ProjectFile | undefined {
  const path = projectFilePath(cwd);
  const text = readText(path);
  if (text === undefined) return undefined;
  const parsed = parseJsonText(text, path);
  if (!isObject(parsed)) throw invalid(path, "it is not a JSON object");
  if (parsed.env === undefined) return { path };
  return { path, mapping: parseEnvSection(path, parsed.env) };
}

export interface ResolvedMapping {
  mapping: EnvMapping;
  /** The mapping differs from the project file's (or there is none): it is saved. */
  save: boolean;
  /** What the flags changed, in words ("style s3", "AWS_S3_BUCKET=bucket"). */
  changes: string[];
  /** Where the mapping came from, for messages. */
  source: "flags" | "project file" | "default";
}

/**
 * The flags on top of the project file: `--env-style` replaces its style, `--env` adds
 * or replaces variables. Only flags make a change worth saving; without them, the project
 * file (or the default style) is used as it is.
 */
export function resolveMapping(
  flags: { style?: EnvStyle; variables: Readonly<Record<string, VariableSource>> },
  project: ProjectFile | undefined,
): ResolvedMapping {
  const base = project?.mapping;
  const given = flags.style !== undefined || Object.keys(flags.variables).length > 0;
  if (!given) {
    return base
      ? { mapping: base, save: false, changes: [], source: "project file" }
      : {
          mapping: { style: DEFAULT_ENV_STYLE, variables: {} },
          save: false,
          changes: [],
          source: "default",
        };
  }
  const mapping: EnvMapping = {
    style: flags.style ?? base?.style ?? DEFAULT_ENV_STYLE,
    variables: { ...(base?.variables ?? {}), ...flags.variables },
  };
  assertWritesCredentials(mapping, "This mapping");
  const save = !base || !sameMapping(base, mapping);
  return { mapping, save, changes: save ? describeChanges(base, mapping) : [], source: "flags" };
}

/** The file's JSON with `env` set to the mapping (other keys kept). */
export function projectFileText(existing: string | undefined, mapping: EnvMapping): string {
  let object: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== "") {
    const parsed: unknown = JSON.parse(existing);
    if (isObject(parsed)) object = parsed;
  }
  object.env = {
    style: mapping.style,
    variables: Object.fromEntries(
      Object.entries(mapping.variables).map(([name, source]) => [name, formatSource(source)]),
    ),
  };
  return `${JSON.stringify(object, null, 2)}\n`;
}

/**
 * Saves the mapping into the project file of `cwd` (created when missing), written to a
 * temporary file and renamed, so that the file is never half-written. Throws FileWriteError.
 */
export function saveMapping(cwd: string, mapping: EnvMapping): string {
  const path = projectFilePath(cwd);
  // Read and checked first: a broken project file is not overwritten.
  readProjectFile(cwd);
  const text = projectFileText(readText(path), mapping);
  const temp = join(
    dirname(path),
    `.${basename(path)}.s3kit-${randomBytes(4).toString("hex")}.tmp`,
  );
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", 0o644);
    const data = Buffer.from(text, "utf8");
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new FileWriteError(path, err);
  }
  return path;
}

export interface ChosenNames extends ResolvedMapping {
  /** The names were chosen (flags or project file), not the default style. */
  namesChosen: boolean;
}

/**
 * The variable names for a command that writes credentials: `--env-style` and `--env`
 * (checked first, exit 2) over the project file of `cwd`. `--env` with a format that has
 * no variable names (csv, aws-profile) is refused.
 */
export function chooseNames(
  cwd: string,
  flags: { style?: string | undefined; env?: readonly string[] | undefined },
  format?: CredentialFormat,
): ChosenNames {
  const variables = parseEnvFlags(flags.env ?? []);
  const style = flags.style !== undefined ? parseEnvStyle(flags.style) : undefined;
  if (format && !NAMED_FORMATS.includes(format) && Object.keys(variables).length > 0) {
    throw new UsageError(
      `--env names variables, and --format ${format} has none: its fields are fixed.`,
      `Use --env with --format ${NAMED_FORMATS.join(", ")}.`,
      "EnvWithoutVariables",
    );
  }
  const resolved = resolveMapping({ ...(style ? { style } : {}), variables }, readProjectFile(cwd));
  return { ...resolved, namesChosen: resolved.source !== "default" };
}
