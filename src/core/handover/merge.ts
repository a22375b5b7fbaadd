// Merging credentials into a file that exists: other lines are kept, the credentials of
// someone else are replaced only with --force, and a rotation follows the file: the
// variables (or profile, or CSV row) holding the old key and its secret get the new ones
// in place, whatever they are called. Pure: no I/O.

import { ConflictError } from "../errors.js";
import { maskKeyId } from "../iam/names.js";
import { findOldCredentials, type OldCredentials } from "./follow.js";
import {
  type CredentialFormat,
  CSV_HEADER,
  csvField,
  csvKeyColumns,
  dotenvValue,
  parseAssignments,
  parseCsv,
  parseProfiles,
  renderCsv,
  renderProfile,
  sectionHeader,
  shellValue,
  splitLines,
} from "./formats.js";
import {
  type CredentialValues,
  credentialVariables,
  type EnvMapping,
  namesOf,
  type Variable,
} from "./mapping.js";
import { type Entry, namedValue } from "./read.js";

export interface MergeOptions {
  /** Replace existing credentials of anyone. */
  force: boolean;
  /** Key IDs the file may hold and that may be replaced (the user's keys, on rotation). */
  replaceableKeyIds?: readonly string[];
  /** For aws-profile: the section name. */
  profileName: string;
  /**
   * The names were chosen (flags or project file), not the default: when a rotation
   * follows the file, the chosen names missing from it are added too.
   */
  namesChosen?: boolean;
}

export interface MergeResult {
  text: string;
  /** Names (or the profile, or `csv`) whose value changed. */
  replaced: string[];
  added: string[];
}

function conflict(path: string, what: string, hint: string): ConflictError {
  return new ConflictError(
    `${path} already holds ${what}; s3kit does not replace credentials without --force.`,
    hint,
    "CredentialsExist",
  );
}

const FORCE_HINT = "Pass --force to replace them, or write to another file with --out.";

function checkExisting(
  path: string,
  found: Map<string, string>,
  vars: readonly Variable[],
  options: MergeOptions,
): void {
  if (options.force) return;
  const keyVar = vars.find((v) => v.credential === "accessKeyId");
  const existingKey = keyVar ? found.get(keyVar.name) : undefined;
  const replaceable = (id: string | undefined) =>
    id !== undefined && (options.replaceableKeyIds ?? []).includes(id);
  for (const v of vars) {
    if (!v.credential) continue;
    const existing = found.get(v.name);
    if (existing === undefined || existing === "" || existing === v.value) continue;
    if (replaceable(existingKey)) continue;
    throw conflict(
      path,
      `credentials in ${v.name}${existingKey ? ` (key ${maskKeyId(existingKey)})` : ""}`,
      FORCE_HINT,
    );
  }
}

/**
 * What a followed file gets: the new key and secret wherever the old ones were, the
 * mapping's other variables where the file has them (and, with chosen names, where it
 * does not). A credential variable of the mapping that holds someone else's key is
 * theirs: replaced only with --force.
 */
function followedVariables(
  path: string,
  old: OldCredentials,
  vars: readonly Variable[],
  values: CredentialValues,
  found: ReadonlyMap<string, string>,
  options: MergeOptions,
): { byName: Map<string, string>; add: Variable[] } {
  const byName = new Map<string, string>();
  const add: Variable[] = [];
  const followed = new Set([...old.keyNames, ...old.secretNames]);
  for (const v of vars) {
    if (followed.has(v.name)) continue;
    const existing = found.get(v.name);
    if (existing === undefined) {
      if (options.namesChosen) add.push(v);
      continue;
    }
    if (v.credential && existing !== "" && existing !== v.value && !options.force) {
      throw conflict(path, `other credentials in ${v.name}`, FORCE_HINT);
    }
    byName.set(v.name, v.value);
  }
  for (const name of old.keyNames) byName.set(name, values.accessKeyId);
  for (const name of old.secretNames) byName.set(name, values.secretAccessKey);
  // The file named the key but not its secret: the mapping's secret variable takes it.
  if (old.secretNames.length === 0 && !add.some((v) => v.credential === "secretAccessKey")) {
    const secret = vars.find((v) => v.credential === "secretAccessKey" && !found.has(v.name));
    if (secret) add.push(secret);
  }
  return { byName, add };
}

/**
 * A rotation does not know the prefix: the one the file names (under the project's or a
 * style's name) goes into the other prefix variables, the ones added included.
 */
function withFilePrefix(
  values: CredentialValues,
  mapping: EnvMapping,
  entries: readonly Entry[],
): CredentialValues {
  if (values.prefix !== undefined) return values;
  const prefix = namedValue(mapping, "prefix", entries);
  return prefix === undefined ? values : { ...values, prefix };
}

/** Merges KEY=value lines: existing names are updated in place, new ones appended. */
function mergeLines(
  path: string,
  existing: string,
  mapping: EnvMapping,
  values: CredentialValues,
  format: "dotenv" | "shell",
  options: MergeOptions,
): MergeResult {
  const lines = splitLines(existing);
  const assignments = parseAssignments(lines);
  const vars = credentialVariables(mapping, withFilePrefix(values, mapping, assignments));
  const found = new Map(assignments.map((a) => [a.name, a.value]));
  const old = options.replaceableKeyIds
    ? findOldCredentials(
        path,
        assignments,
        options.replaceableKeyIds,
        namesOf(mapping, "secret-access-key"),
      )
    : undefined;
  let byName: Map<string, string>;
  let append: Variable[];
  if (old) {
    ({ byName, add: append } = followedVariables(path, old, vars, values, found, options));
  } else {
    checkExisting(path, found, vars, options);
    byName = new Map(vars.map((v) => [v.name, v.value]));
    append = vars.filter((v) => !found.has(v.name));
  }
  const render = (name: string, value: string, exported: boolean) =>
    format === "shell" || exported
      ? `export ${name}=${format === "shell" ? shellValue(value) : dotenvValue(value)}`
      : `${name}=${dotenvValue(value)}`;
  const byLine = new Map(assignments.map((a) => [a.line, a]));
  const written = new Set<string>();
  const replaced: string[] = [];
  const out: string[] = [];
  lines.forEach((line, index) => {
    const a = byLine.get(index);
    const value = a ? byName.get(a.name) : undefined;
    if (!a || value === undefined) {
      out.push(line);
      return;
    }
    if (written.has(a.name)) return; // a duplicate assignment: keep only one
    written.add(a.name);
    if (a.value !== value) replaced.push(a.name);
    out.push(`${a.indent}${render(a.name, value, a.exported)}`);
  });
  const added = append.filter((v) => !written.has(v.name));
  const text = [...out, ...added.map((v) => render(v.name, v.value, false))].join("\n");
  return { text: `${text}\n`, replaced, added: added.map((v) => v.name) };
}

function mergeJson(
  path: string,
  existing: string,
  mapping: EnvMapping,
  values: CredentialValues,
  options: MergeOptions,
): MergeResult {
  let object: Record<string, unknown> = {};
  if (existing.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("no object");
      object = parsed as Record<string, unknown>;
    } catch {
      if (!options.force) {
        throw new ConflictError(
          `${path} exists and is not a JSON object; s3kit will not overwrite it.`,
          "Pass --force to replace it, or write to another file with --out.",
          "CredentialsExist",
        );
      }
      object = {};
    }
  }
  const found = new Map(
    Object.entries(object)
      .filter(([, v]) => typeof v === "string")
      .map(([k, v]) => [k, v as string]),
  );
  const vars = credentialVariables(
    mapping,
    withFilePrefix(
      values,
      mapping,
      [...found].map(([name, value]) => ({ name, value })),
    ),
  );
  const old = options.replaceableKeyIds
    ? findOldCredentials(
        path,
        [...found].map(([name, value]) => ({ name, value })),
        options.replaceableKeyIds,
        namesOf(mapping, "secret-access-key"),
      )
    : undefined;
  let entries: [string, string][];
  if (old) {
    const { byName, add } = followedVariables(path, old, vars, values, found, options);
    entries = [...byName, ...add.map((v): [string, string] => [v.name, v.value])];
  } else {
    checkExisting(path, found, vars, options);
    entries = vars.map((v) => [v.name, v.value]);
  }
  const replaced: string[] = [];
  const added: string[] = [];
  for (const [name, value] of entries) {
    if (!(name in object)) added.push(name);
    else if (object[name] !== value) replaced.push(name);
    object[name] = value;
  }
  return { text: `${JSON.stringify(object, null, 2)}\n`, replaced, added };
}

function mergeProfile(
  path: string,
  existing: string,
  values: CredentialValues,
  options: MergeOptions,
): MergeResult {
  const lines = splitLines(existing);
  const sections = parseProfiles(lines);
  const old = new Set(options.replaceableKeyIds ?? []);
  const holding = sections.filter((s) => old.has(s.entries.get("aws_access_key_id")?.value ?? ""));
  if (holding.length > 0) {
    // Rotation follows the file: the profiles holding the old key get the new one in place.
    const out = [...lines];
    const inserts: { after: number; line: string }[] = [];
    for (const s of holding) {
      const key = s.entries.get("aws_access_key_id");
      const secret = s.entries.get("aws_secret_access_key");
      if (key) out[key.line] = `aws_access_key_id = ${values.accessKeyId}`;
      if (secret) out[secret.line] = `aws_secret_access_key = ${values.secretAccessKey}`;
      else
        inserts.push({
          after: key?.line ?? s.start,
          line: `aws_secret_access_key = ${values.secretAccessKey}`,
        });
    }
    for (const i of inserts.sort((a, b) => b.after - a.after)) out.splice(i.after + 1, 0, i.line);
    return { text: `${out.join("\n")}\n`, replaced: holding.map((s) => s.name), added: [] };
  }
  const section = renderProfile(values);
  const start = lines.findIndex((l) => sectionHeader(l) === options.profileName);
  const sectionLines = section.replace(/\n$/, "").split("\n");
  if (start < 0) {
    const sep = lines.length > 0 && lines.at(-1)?.trim() !== "" ? [""] : [];
    return {
      text: `${[...lines, ...sep, ...sectionLines].join("\n")}\n`,
      replaced: [],
      added: [options.profileName],
    };
  }
  const current = sections.find((s) => s.start === start);
  const end = current?.end ?? lines.length;
  const existingKey = current?.entries.get("aws_access_key_id")?.value;
  if (!options.force && existingKey && existingKey !== values.accessKeyId) {
    throw conflict(path, `credentials in profile [${options.profileName}]`, FORCE_HINT);
  }
  // Keep a blank line between this section and the next one.
  const trailing = end < lines.length ? [""] : [];
  const before = lines.slice(0, start);
  const after = lines.slice(end);
  while (after.length > 0 && after[0]?.trim() === "") after.shift();
  return {
    text: `${[...before, ...sectionLines, ...trailing, ...after].join("\n")}\n`,
    replaced: [options.profileName],
    added: [],
  };
}

function mergeCsv(
  path: string,
  existing: string,
  values: CredentialValues,
  options: MergeOptions,
): MergeResult {
  if (existing.trim() === "") return { text: renderCsv(values), replaced: [], added: ["csv"] };
  const rows = parseCsv(existing);
  const keys = csvKeyColumns(rows);
  const old = new Set(options.replaceableKeyIds ?? []);
  if (keys?.rows.some((r) => old.has(r[keys.keyColumn] ?? ""))) {
    // Rotation follows the file: the rows holding the old key get the new one.
    const body = keys.rows.map((r) => {
      if (!old.has(r[keys.keyColumn] ?? "")) return r;
      const row = [...r];
      row[keys.keyColumn] = values.accessKeyId;
      row[keys.secretColumn] = values.secretAccessKey;
      return row;
    });
    const text = [keys.header ?? CSV_HEADER, ...body]
      .map((r) => r.map(csvField).join(","))
      .join("\n");
    return { text: `${text}\n`, replaced: ["csv"], added: [] };
  }
  if (options.force) return { text: renderCsv(values), replaced: ["csv"], added: [] };
  const held = keys?.rows.map((r) => r[keys.keyColumn] ?? "").filter(Boolean) ?? [];
  const what =
    held.length > 0
      ? `another access key (${held.map(maskKeyId).join(", ")})`
      : "data that is not an access key CSV";
  throw new ConflictError(
    `${path} already holds ${what}. A CSV file holds one key and is not merged into.`,
    `Write the new key to a file of its own (--out ${csvSibling(path)}), or pass --force to replace ${path} (what it holds now is lost).`,
    "CredentialsExist",
  );
}

function csvSibling(path: string): string {
  return path.replace(/(\.csv)?$/i, "-new.csv");
}

/**
 * The new content of a credentials file: `existing` (empty for a new file) with the
 * credentials merged in. Throws ConflictError when it would replace someone's
 * credentials without --force.
 */
export function mergeCredentials(
  path: string,
  existing: string,
  format: CredentialFormat,
  mapping: EnvMapping,
  values: CredentialValues,
  options: MergeOptions,
): MergeResult {
  switch (format) {
    case "dotenv":
    case "shell":
      return mergeLines(path, existing, mapping, values, format, options);
    case "json":
      return mergeJson(path, existing, mapping, values, options);
    case "aws-profile":
      return mergeProfile(path, existing, values, options);
    case "csv":
      return mergeCsv(path, existing, values, options);
  }
}
