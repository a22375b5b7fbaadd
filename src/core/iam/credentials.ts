// Credentials for apps: the variables of templates/env/<style>.json rendered as a
// .env file, shell exports, JSON, the AWS console's CSV or a credentials-file profile,
// and the merge of those into an existing file (other lines kept, mode 0600, existing
// credentials replaced only when allowed).

import { existsSync, readFileSync } from "node:fs";
import awsStyle from "../../../templates/env/aws.json" with { type: "json" };
import djangoStyle from "../../../templates/env/django.json" with { type: "json" };
import s3Style from "../../../templates/env/s3.json" with { type: "json" };
import { ConflictError, UsageError } from "../errors.js";
import { checkSecretFileTarget, FileWriteError, writeSecretFile } from "./secret-file.js";

export const CREDENTIAL_FORMATS = ["dotenv", "shell", "json", "csv", "aws-profile"] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];
export const ENV_STYLES = ["aws", "django", "s3"] as const;
export type EnvStyle = (typeof ENV_STYLES)[number];

interface EnvTemplate {
  description: string;
  variables: { name: string; value: string; credential?: string }[];
}

const TEMPLATES: Record<EnvStyle, EnvTemplate> = {
  aws: awsStyle,
  django: djangoStyle,
  s3: s3Style,
};

export function parseCredentialFormat(value: string): CredentialFormat {
  if ((CREDENTIAL_FORMATS as readonly string[]).includes(value)) return value as CredentialFormat;
  throw new UsageError(
    `Unknown --format "${value}".`,
    `Use one of: ${CREDENTIAL_FORMATS.join(", ")}.`,
    "InvalidFormat",
  );
}

export function parseEnvStyle(value: string): EnvStyle {
  if ((ENV_STYLES as readonly string[]).includes(value)) return value as EnvStyle;
  throw new UsageError(
    `Unknown --env-style "${value}".`,
    `Use one of: ${ENV_STYLES.map((s) => `${s} (${TEMPLATES[s].description})`).join("; ")}.`,
    "InvalidEnvStyle",
  );
}

export interface CredentialValues {
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The S3 endpoint apps should use (AWS's regional one when no custom endpoint is set). */
  endpoint: string;
  /** Set only for a non-AWS endpoint. */
  customEndpoint?: string;
  bucket?: string;
}

export interface Variable {
  name: string;
  value: string;
  /** Which credential the variable holds, if any. */
  credential?: "accessKeyId" | "secretAccessKey";
}

/** The variables of an env style with their values; variables without a value are left out. */
export function credentialVariables(style: EnvStyle, values: CredentialValues): Variable[] {
  const out: Variable[] = [];
  for (const v of TEMPLATES[style].variables) {
    const value = v.value.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
      const x = (values as unknown as Record<string, unknown>)[key];
      return typeof x === "string" ? x : "";
    });
    if (value === "") continue;
    const variable: Variable = { name: v.name, value };
    if (v.credential === "accessKeyId" || v.credential === "secretAccessKey")
      variable.credential = v.credential;
    out.push(variable);
  }
  return out;
}

/** The names (and which credential each holds) a style writes, to check a file before a key exists. */
export function credentialNames(style: EnvStyle): Variable[] {
  return TEMPLATES[style].variables
    .filter((v) => v.credential)
    .map((v) => ({ name: v.name, value: "", credential: v.credential as Variable["credential"] }));
}

const SAFE_DOTENV = /^[A-Za-z0-9_\-./:+=@,]*$/;

function dotenvValue(value: string): string {
  if (SAFE_DOTENV.test(value)) return value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function shellValue(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The AWS console's access key CSV, which `aws configure import --csv` reads. */
function renderCsv(values: CredentialValues): string {
  return `User name,Access key ID,Secret access key\n${[
    values.userName,
    values.accessKeyId,
    values.secretAccessKey,
  ]
    .map(csvField)
    .join(",")}\n`;
}

function renderProfile(values: CredentialValues): string {
  const lines = [
    `[${values.userName}]`,
    `aws_access_key_id = ${values.accessKeyId}`,
    `aws_secret_access_key = ${values.secretAccessKey}`,
    `region = ${values.region}`,
  ];
  if (values.customEndpoint) lines.push(`endpoint_url = ${values.customEndpoint}`);
  return `${lines.join("\n")}\n`;
}

/** The credentials as text in the chosen format. */
export function renderCredentials(
  format: CredentialFormat,
  style: EnvStyle,
  values: CredentialValues,
): string {
  const vars = credentialVariables(style, values);
  switch (format) {
    case "dotenv":
      return vars.map((v) => `${v.name}=${dotenvValue(v.value)}\n`).join("");
    case "shell":
      return vars.map((v) => `export ${v.name}=${shellValue(v.value)}\n`).join("");
    case "json":
      return `${JSON.stringify(Object.fromEntries(vars.map((v) => [v.name, v.value])), null, 2)}\n`;
    case "csv":
      return renderCsv(values);
    case "aws-profile":
      return renderProfile(values);
  }
}

// --- Merging into an existing file -------------------------------------------------

export interface MergeOptions {
  /** Replace existing credentials of anyone. */
  force: boolean;
  /** Key ids the file may hold and that may be replaced (the key being rotated). */
  replaceableKeyIds?: readonly string[];
  /** For aws-profile: the section name. */
  profileName: string;
}

export interface MergeResult {
  text: string;
  /** Names (or the profile) whose value changed. */
  replaced: string[];
  added: string[];
}

const ASSIGNMENT = /^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) return v.slice(1, -1);
  return v.replace(/\s+#.*$/, "");
}

function conflict(path: string, what: string, hint: string): ConflictError {
  return new ConflictError(
    `${path} already holds ${what}; s3kit does not replace credentials without --force.`,
    hint,
    "CredentialsExist",
  );
}

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
      `credentials in ${v.name}${existingKey ? ` (key ${existingKey.slice(0, 4)}…${existingKey.slice(-4)})` : ""}`,
      "Pass --force to replace them, or write to another file with --out.",
    );
  }
}

/** Merges KEY=value lines: existing names are updated in place, new ones appended. */
function mergeLines(
  path: string,
  existing: string,
  vars: readonly Variable[],
  format: "dotenv" | "shell",
  options: MergeOptions,
): MergeResult {
  const lines = existing === "" ? [] : existing.replace(/\r?\n$/, "").split(/\r?\n/);
  const found = new Map<string, string>();
  for (const line of lines) {
    const m = ASSIGNMENT.exec(line);
    if (m?.[3] && !line.trimStart().startsWith("#")) found.set(m[3], unquote(m[5] ?? ""));
  }
  checkExisting(path, found, vars, options);
  const render = (v: Variable, exported: boolean) =>
    format === "shell" || exported
      ? `export ${v.name}=${format === "shell" ? shellValue(v.value) : dotenvValue(v.value)}`
      : `${v.name}=${dotenvValue(v.value)}`;
  const byName = new Map(vars.map((v) => [v.name, v]));
  const written = new Set<string>();
  const replaced: string[] = [];
  const out = lines.map((line) => {
    const m = ASSIGNMENT.exec(line);
    const name = m?.[3];
    if (!m || !name || line.trimStart().startsWith("#")) return line;
    const v = byName.get(name);
    if (!v) return line;
    if (written.has(name)) return undefined; // a duplicate assignment: keep only one
    written.add(name);
    if (found.get(name) !== v.value) replaced.push(name);
    return `${m[1] ?? ""}${render(v, Boolean(m[2]))}`;
  });
  const added = vars.filter((v) => !written.has(v.name));
  const kept = out.filter((l): l is string => l !== undefined);
  const text = [...kept, ...added.map((v) => render(v, false))].join("\n");
  return { text: `${text}\n`, replaced, added: added.map((v) => v.name) };
}

function mergeJson(
  path: string,
  existing: string,
  vars: readonly Variable[],
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
  checkExisting(path, found, vars, options);
  const replaced: string[] = [];
  const added: string[] = [];
  for (const v of vars) {
    if (!(v.name in object)) added.push(v.name);
    else if (object[v.name] !== v.value) replaced.push(v.name);
    object[v.name] = v.value;
  }
  return { text: `${JSON.stringify(object, null, 2)}\n`, replaced, added };
}

function mergeProfile(
  path: string,
  existing: string,
  section: string,
  options: MergeOptions,
): MergeResult {
  const lines = existing === "" ? [] : existing.replace(/\r?\n$/, "").split(/\r?\n/);
  const header = (line: string) => /^\s*\[([^\]]+)\]\s*$/.exec(line)?.[1]?.trim();
  const start = lines.findIndex((l) => header(l) === options.profileName);
  const sectionLines = section.replace(/\n$/, "").split("\n");
  if (start < 0) {
    const sep = lines.length > 0 && lines.at(-1)?.trim() !== "" ? [""] : [];
    return {
      text: `${[...lines, ...sep, ...sectionLines].join("\n")}\n`,
      replaced: [],
      added: [options.profileName],
    };
  }
  let end = start + 1;
  while (end < lines.length && header(lines[end] as string) === undefined) end++;
  const found = new Map<string, string>();
  for (const l of lines.slice(start + 1, end)) {
    const m = /^\s*([A-Za-z_]+)\s*=\s*(.*)$/.exec(l);
    if (m?.[1]) found.set(m[1], (m[2] ?? "").trim());
  }
  const existingKey = found.get("aws_access_key_id");
  const newKey = /aws_access_key_id = (\S+)/.exec(section)?.[1];
  if (
    !options.force &&
    existingKey &&
    existingKey !== newKey &&
    !(options.replaceableKeyIds ?? []).includes(existingKey)
  ) {
    throw conflict(
      path,
      `credentials in profile [${options.profileName}]`,
      "Pass --force to replace them, or write to another file with --out.",
    );
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

/**
 * The new content of a credentials file: `existing` (empty for a new file) with the
 * credentials merged in. Throws ConflictError when it would replace someone's
 * credentials without --force.
 */
export function mergeCredentials(
  path: string,
  existing: string,
  format: CredentialFormat,
  style: EnvStyle,
  values: CredentialValues,
  options: MergeOptions,
): MergeResult {
  const vars = credentialVariables(style, values);
  switch (format) {
    case "dotenv":
    case "shell":
      return mergeLines(path, existing, vars, format, options);
    case "json":
      return mergeJson(path, existing, vars, options);
    case "aws-profile":
      return mergeProfile(path, existing, renderProfile(values), options);
    case "csv":
      if (existing.trim() !== "" && !options.force) {
        throw conflict(path, "data", "A CSV file cannot be merged: pass --force to replace it.");
      }
      return { text: renderCsv(values), replaced: [], added: ["csv"] };
  }
}

/**
 * Checks, before any key is created, that the file can take the new credentials: the
 * path is writable (see checkSecretFileTarget) and holds nobody else's credentials.
 */
export function precheckCredentialsFile(
  path: string,
  format: CredentialFormat,
  style: EnvStyle,
  options: MergeOptions,
): void {
  checkSecretFileTarget(path);
  if (!existsSync(path)) return;
  const existing = readExisting(path);
  // A placeholder key that no real key equals: any credentials in the file conflict.
  const probe: CredentialValues = {
    userName: options.profileName,
    accessKeyId: "\u0000new",
    secretAccessKey: "\u0000new",
    region: "",
    endpoint: "",
  };
  mergeCredentials(path, existing, format, style, probe, options);
}

function readExisting(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new FileWriteError(path, err);
  }
}

export interface WrittenFile {
  path: string;
  created: boolean;
  replaced: string[];
  added: string[];
}

/**
 * Writes (or merges into) a credentials file, readable by its owner only (0600), durably
 * and all at once (see writeSecretFile). Throws FileWriteError or ConflictError.
 */
export function writeCredentialsFile(
  path: string,
  format: CredentialFormat,
  style: EnvStyle,
  values: CredentialValues,
  options: MergeOptions,
): WrittenFile {
  const created = !existsSync(path);
  const existing = created ? "" : readExisting(path);
  const merged = mergeCredentials(path, existing, format, style, values, options);
  writeSecretFile(path, merged.text);
  return { path, created, replaced: merged.replaced, added: merged.added };
}

export interface DeliverInput {
  format: CredentialFormat;
  style: EnvStyle;
  values: CredentialValues;
  /** Write (merge) into this file instead of returning the text. */
  outPath?: string;
  force: boolean;
  replaceableKeyIds?: readonly string[];
}

export interface Delivery {
  /** The credentials to print once, when no file was asked for. */
  text?: string;
  file?: WrittenFile;
  /** The variables, for --json. */
  variables: Record<string, string>;
}

/** A new key that could be neither saved nor deleted: shown once instead. */
export interface UnsavedKey {
  accessKey: { accessKeyId: string; secretAccessKey: string; createDate: string };
  delivery: Delivery;
}

/** Renders the credentials, or writes them into `outPath` (0600, merged). */
export function deliverCredentials(input: DeliverInput): Delivery {
  const variables = Object.fromEntries(
    credentialVariables(input.style, input.values).map((v) => [v.name, v.value]),
  );
  if (!input.outPath) {
    return { text: renderCredentials(input.format, input.style, input.values), variables };
  }
  const file = writeCredentialsFile(input.outPath, input.format, input.style, input.values, {
    force: input.force,
    profileName: input.values.userName,
    ...(input.replaceableKeyIds ? { replaceableKeyIds: input.replaceableKeyIds } : {}),
  });
  return { file, variables };
}
