// Reading back what s3kit handed over: any format (.env, shell exports, JSON, the CSV,
// a credentials-file profile), any style, and the project's own names (.s3kit.json), so
// that `whoami --env-file` and `doctor --env-file` check exactly what the app will get.

import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { NotFoundError, UsageError } from "../errors.js";
import { maskKeyId } from "../iam/names.js";
import type { Field } from "./fields.js";
import { nameStem as stem } from "./follow.js";
import {
  type CredentialFormat,
  csvKeyColumns,
  detectFormat,
  parseAssignments,
  parseCsv,
  parseProfiles,
  splitLines,
} from "./formats.js";
import { type EnvMapping, PROJECT_FILE, slots } from "./mapping.js";
import { ENV_STYLES, styleVariables } from "./styles.js";

const MAX_SIZE = 1024 * 1024;

export interface HandoverFile {
  path: string;
  format: CredentialFormat;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  endpoint?: string;
  bucket?: string;
  /** The prefixes the developer may use, as written ("" or absent: the whole bucket). */
  prefix?: string;
  /** The profile or the CSV's user name, where the format names one. */
  userName?: string;
  /** Where each value was found: a variable name, a profile key or a CSV column. */
  from: Partial<Record<Field, string>>;
}

export interface Entry {
  name: string;
  value: string;
}

function readText(path: string, flag: string): string {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      throw new UsageError(
        `${flag} ${path} is a directory.`,
        "Give the path of a file such as .env.",
        "InvalidEnvFile",
      );
    }
    if (stat.size > MAX_SIZE) {
      throw new UsageError(
        `${flag} ${path} has ${stat.size} bytes; a credentials file has at most ${MAX_SIZE}.`,
        "Check that it is the file s3kit wrote.",
        "InvalidEnvFile",
      );
    }
    return readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new NotFoundError(
        `${flag} ${path} does not exist.`,
        "Check the path (it is relative to the current directory).",
        "FileNotFound",
      );
    }
    throw new UsageError(
      `Cannot read ${flag} ${path}: ${(err as Error).message}.`,
      undefined,
      "InvalidEnvFile",
    );
  }
}

const PATTERNS: Record<Field, RegExp> = {
  "access-key-id": /ACCESS_?KEY(_?ID)?$|KEY_?ID$/i,
  "secret-access-key": /SECRET/i,
  region: /REGION/i,
  endpoint: /ENDPOINT/i,
  bucket: /BUCKET/i,
  prefix: /PREFIX/i,
};

/** Where s3kit looks for a field, most certain first: the project's names, any style's, a name pattern. */
function tiers(mapping: EnvMapping | undefined, field: Field, entries: readonly Entry[]) {
  const own = mapping ? slots(mapping).filter((s) => s.field === field) : [];
  const styles = ENV_STYLES.flatMap((s) => styleVariables(s)).filter((v) => v.field === field);
  const folder = new Set([...own, ...styles].filter((s) => s.form === "folder").map((s) => s.name));
  // django's AWS_LOCATION holds the prefix as a folder name: "uploads" is "uploads/".
  const read = (e: Entry): Entry =>
    folder.has(e.name) && !e.value.endsWith("/") ? { name: e.name, value: `${e.value}/` } : e;
  const named = (names: Set<string>) =>
    entries.filter((e) => names.has(e.name) && e.value !== "").map(read);
  const extra = field === "endpoint" ? ["AWS_ENDPOINT_URL_S3"] : [];
  return [
    named(new Set(own.map((s) => s.name))),
    named(new Set([...styles.map((s) => s.name), ...extra])),
    entries.filter(
      (e) =>
        PATTERNS[field].test(e.name) &&
        e.value !== "" &&
        (field !== "access-key-id" || !PATTERNS["secret-access-key"].test(e.name)),
    ),
  ];
}

/**
 * A field's value where the file names it clearly (the project's names, or a style's),
 * or undefined when it does not or its variables disagree: what a rotation, which cannot
 * know the prefix, keeps writing.
 */
export function namedValue(
  mapping: EnvMapping | undefined,
  field: Field,
  entries: readonly Entry[],
): string | undefined {
  for (const tier of tiers(mapping, field, entries).slice(0, 2)) {
    if (tier.length === 0) continue;
    const values = distinct(tier);
    return values.length === 1 ? values[0] : undefined;
  }
  return undefined;
}

const distinct = (entries: readonly Entry[]) => [...new Set(entries.map((e) => e.value))];

function ambiguous(path: string, what: string, found: readonly Entry[]): UsageError {
  return new UsageError(
    `${path} holds several ${what} (${found.map((e) => e.name).join(", ")}); s3kit cannot tell which one the app uses.`,
    `Name it in ${PROJECT_FILE} ({"env": {"variables": {"NAME": "FIELD"}}}) or keep one of them in the file.`,
    "AmbiguousEnvFile",
  );
}

/** The value of a field: the first tier that has one; differing values in that tier are ambiguous. */
function pick(
  path: string,
  mapping: EnvMapping | undefined,
  field: Field,
  entries: readonly Entry[],
  what: string,
  strict: boolean,
): Entry | undefined {
  for (const [index, tier] of tiers(mapping, field, entries).entries()) {
    if (tier.length === 0) continue;
    if (distinct(tier).length > 1) {
      // A name pattern is a guess: several guesses for a setting mean none.
      if (index === 2 && !strict) return undefined;
      throw ambiguous(path, what, tier);
    }
    return tier[0];
  }
  return undefined;
}

/** The secret that goes with the key: the project's name, one named like the key, or the only one. */
function pickSecret(
  path: string,
  mapping: EnvMapping | undefined,
  key: Entry,
  entries: readonly Entry[],
): Entry | undefined {
  const found = tiers(mapping, "secret-access-key", entries);
  const paired = found.map((tier) => tier.filter((e) => stem(e.name) === stem(key.name)));
  for (const tier of [found[0] ?? [], ...paired, found[1] ?? [], found[2] ?? []]) {
    if (tier.length === 0) continue;
    if (distinct(tier).length > 1) throw ambiguous(path, "secrets", tier);
    return tier[0];
  }
  return undefined;
}

function fromEntries(
  path: string,
  format: CredentialFormat,
  entries: readonly Entry[],
  mapping: EnvMapping | undefined,
): HandoverFile {
  const key = pick(path, mapping, "access-key-id", entries, "access key IDs", true);
  const secret = key ? pickSecret(path, mapping, key, entries) : undefined;
  if (!key || !secret) {
    throw new UsageError(
      `${path} holds no ${key ? "secret access key" : "access key ID"} s3kit can find.`,
      `s3kit looks for the names of --env-style ${ENV_STYLES.filter((s) => s !== "none").join(", ")} and those in ${PROJECT_FILE}; name the app's own with --env NAME=${key ? "secret-access-key" : "access-key-id"} (saved to ${PROJECT_FILE}), or write the file with \`s3kit iam add-dev\`.`,
      "NoCredentialsInFile",
    );
  }
  const out: HandoverFile = {
    path,
    format,
    accessKeyId: key.value,
    secretAccessKey: secret.value,
    from: { "access-key-id": key.name, "secret-access-key": secret.name },
  };
  const more: [Field, string][] = [
    ["region", "regions"],
    ["endpoint", "endpoints"],
    ["bucket", "buckets"],
    ["prefix", "prefixes"],
  ];
  for (const [field, what] of more) {
    const entry = pick(path, mapping, field, entries, what, false);
    if (!entry) continue;
    out.from[field] = entry.name;
    if (field === "region") out.region = entry.value;
    else if (field === "endpoint") out.endpoint = entry.value;
    else if (field === "bucket") out.bucket = entry.value;
    else out.prefix = entry.value;
  }
  return out;
}

function fromProfile(path: string, text: string, profile: string | undefined): HandoverFile {
  const sections = parseProfiles(splitLines(text)).filter((s) =>
    s.entries.has("aws_access_key_id"),
  );
  const names = sections.map((s) => s.name);
  const chosen = profile
    ? sections.find((s) => s.name === profile)
    : sections.length === 1
      ? sections[0]
      : undefined;
  if (!chosen) {
    throw new UsageError(
      profile
        ? `${path} has no profile [${profile}] with keys (it has: ${names.join(", ") || "none"}).`
        : `${path} has ${names.length === 0 ? "no profile with keys" : `several profiles with keys (${names.join(", ")})`}.`,
      names.length > 0
        ? `Say which one with --profile NAME.`
        : "Check that it is the file s3kit wrote.",
      "NoCredentialsInFile",
    );
  }
  const get = (k: string) => chosen.entries.get(k)?.value;
  const secret = get("aws_secret_access_key");
  if (!secret) {
    throw new UsageError(
      `Profile [${chosen.name}] of ${path} has no aws_secret_access_key.`,
      undefined,
      "NoCredentialsInFile",
    );
  }
  const out: HandoverFile = {
    path,
    format: "aws-profile",
    accessKeyId: get("aws_access_key_id") ?? "",
    secretAccessKey: secret,
    userName: chosen.name,
    from: { "access-key-id": "aws_access_key_id", "secret-access-key": "aws_secret_access_key" },
  };
  const region = get("region");
  if (region) {
    out.region = region;
    out.from.region = "region";
  }
  const endpoint = get("endpoint_url");
  if (endpoint) {
    out.endpoint = endpoint;
    out.from.endpoint = "endpoint_url";
  }
  return out;
}

function fromCsv(path: string, text: string): HandoverFile {
  const keys = csvKeyColumns(parseCsv(text));
  const rows = keys?.rows.filter((r) => (r[keys.keyColumn] ?? "") !== "") ?? [];
  if (!keys || rows.length !== 1) {
    throw new UsageError(
      rows.length > 1
        ? `${path} holds ${rows.length} keys (${rows.map((r) => maskKeyId(r[keys?.keyColumn ?? 0] ?? "")).join(", ")}); s3kit reads a file with one.`
        : `${path} holds no access key s3kit can find.`,
      "Check that it is the CSV s3kit (or the AWS console) wrote.",
      "NoCredentialsInFile",
    );
  }
  const row = rows[0] as string[];
  const user = keys.userColumn !== undefined ? row[keys.userColumn] : undefined;
  return {
    path,
    format: "csv",
    accessKeyId: row[keys.keyColumn] ?? "",
    secretAccessKey: row[keys.secretColumn] ?? "",
    ...(user ? { userName: user } : {}),
    from: { "access-key-id": "Access key ID", "secret-access-key": "Secret access key" },
  };
}

/**
 * Reads a file s3kit wrote (or one like it). `mapping`: the project file's names;
 * `profile`: the section of a credentials file. Throws NotFoundError (exit 3) for a
 * missing file, UsageError (exit 2) for one without credentials s3kit can tell apart.
 */
export function readHandoverFile(
  file: string,
  options: { cwd: string; mapping?: EnvMapping; profile?: string; flag?: string },
): HandoverFile {
  const flag = options.flag ?? "--env-file";
  const path = resolve(options.cwd, file);
  const text = readText(path, flag);
  const format = detectFormat(text);
  if (!format) throw new UsageError(`${flag} ${file} is empty.`, undefined, "NoCredentialsInFile");
  if (format === "aws-profile") return { ...fromProfile(file, text, options.profile), path: file };
  if (format === "csv") return fromCsv(file, text);
  let entries: Entry[];
  if (format === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`${flag} ${file} is not valid JSON.`, undefined, "InvalidEnvFile");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new UsageError(`${flag} ${file} is not a JSON object.`, undefined, "InvalidEnvFile");
    }
    entries = Object.entries(parsed as Record<string, unknown>)
      .filter(([, v]) => typeof v === "string")
      .map(([name, value]) => ({ name, value: value as string }));
  } else {
    entries = parseAssignments(splitLines(text)).map((a) => ({ name: a.name, value: a.value }));
  }
  return fromEntries(file, format, entries, options.mapping);
}
