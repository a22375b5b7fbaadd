// The variable names of a handover: a style's preset names, and the project's own names
// on top (`--env NAME=FIELD`, remembered in .s3kit.json). A name of the project's own
// replaces the style's variable of that name. Pure: no I/O.

import { UsageError } from "../errors.js";
import {
  FIELDS_HINT,
  type Field,
  formatSource,
  sameSource,
  type VariableSource,
} from "./fields.js";
import { DEFAULT_ENV_STYLE, type EnvStyle, type StyleVariable, styleVariables } from "./styles.js";

/** The project file, in the working folder, that remembers the mapping (see project-file.ts). */
export const PROJECT_FILE = ".s3kit.json";

export interface EnvMapping {
  style: EnvStyle;
  /** The project's own variables, in the order they were given. */
  variables: Readonly<Record<string, VariableSource>>;
}

export const DEFAULT_MAPPING: EnvMapping = { style: DEFAULT_ENV_STYLE, variables: {} };

export function styleMapping(style: EnvStyle): EnvMapping {
  return { style, variables: {} };
}

/** What the app needs: the key and where to use it. */
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
  /** The prefixes the developer may use ("" for the whole bucket; unknown: undefined). */
  prefix?: string;
}

/** One variable to write. */
export interface Variable {
  name: string;
  value: string;
  /** The field it holds; absent for a fixed text. */
  field?: Field;
  /** Which credential the variable holds, if any. */
  credential?: "accessKeyId" | "secretAccessKey";
}

/** A name of the mapping and what it holds (a field, or a fixed text), without values. */
export interface Slot extends Omit<StyleVariable, "field"> {
  field?: Field;
  fixed?: string;
  /** The project's own (--env, .s3kit.json), not the style's. */
  own: boolean;
}

/** The mapping's variables in order: the style's (less those the project renames), then its own. */
export function slots(mapping: EnvMapping): Slot[] {
  const own = mapping.variables;
  const out: Slot[] = styleVariables(mapping.style)
    .filter((v) => !Object.hasOwn(own, v.name))
    .map((v) => ({ ...v, own: false }));
  for (const [name, source] of Object.entries(own)) {
    out.push(
      "field" in source
        ? { name, field: source.field, own: true }
        : { name, fixed: source.value, own: true },
    );
  }
  return out;
}

function credentialOf(field: Field | undefined): Variable["credential"] {
  if (field === "access-key-id") return "accessKeyId";
  if (field === "secret-access-key") return "secretAccessKey";
  return undefined;
}

function fieldValue(slot: Slot & { field: Field }, values: CredentialValues): string | undefined {
  switch (slot.field) {
    case "access-key-id":
      return values.accessKeyId;
    case "secret-access-key":
      return values.secretAccessKey;
    case "region":
      return values.region;
    case "bucket":
      return values.bucket;
    case "endpoint":
      return slot.only === "custom-endpoint" ? values.customEndpoint : values.endpoint;
    case "prefix": {
      const prefix = values.prefix;
      if (slot.form !== "folder" || prefix === undefined) return prefix;
      // One folder only: a list of prefixes has no single location.
      return /\s/.test(prefix.trim()) ? undefined : prefix.replace(/\/+$/, "");
    }
  }
}

/**
 * The variables with their values. A style's variable without a value is left out (no
 * bucket, no custom endpoint); a variable of the project's own is left out only when the
 * value is unknown (a prefix of "" is written: the whole bucket).
 */
export function credentialVariables(mapping: EnvMapping, values: CredentialValues): Variable[] {
  const out: Variable[] = [];
  for (const slot of slots(mapping)) {
    if (slot.fixed !== undefined) {
      out.push({ name: slot.name, value: slot.fixed });
      continue;
    }
    if (!slot.field) continue;
    const value = fieldValue({ ...slot, field: slot.field }, values);
    if (value === undefined || (value === "" && !slot.own)) continue;
    const variable: Variable = { name: slot.name, value, field: slot.field };
    const credential = credentialOf(slot.field);
    if (credential) variable.credential = credential;
    out.push(variable);
  }
  return out;
}

/** The names (and which credential each holds) the mapping writes, to check a file before a key exists. */
export function credentialNames(mapping: EnvMapping): Variable[] {
  const out: Variable[] = [];
  for (const s of slots(mapping)) {
    const credential = credentialOf(s.field);
    if (s.field && credential) out.push({ name: s.name, value: "", field: s.field, credential });
  }
  return out;
}

/** Names the mapping gives `field`. */
export function namesOf(mapping: EnvMapping, field: Field): string[] {
  return slots(mapping)
    .filter((s) => s.field === field)
    .map((s) => s.name);
}

/** A mapping that writes no access key or no secret leaves the app without credentials: exit 2. */
export function assertWritesCredentials(mapping: EnvMapping, where: string): void {
  const missing = (["access-key-id", "secret-access-key"] as const).filter(
    (f) => namesOf(mapping, f).length === 0,
  );
  if (missing.length === 0) return;
  throw new UsageError(
    `${where} writes no variable for ${missing.join(" or ")}: the app would get no credentials.`,
    `Map them, e.g. --env APP_KEY_ID=access-key-id --env APP_SECRET=secret-access-key, or use a style that has them (--env-style aws). ${FIELDS_HINT}`,
    "EnvWithoutCredentials",
  );
}

/** The flags over what the project file says: what changed, in words, for the message. */
export function describeChanges(before: EnvMapping | undefined, after: EnvMapping): string[] {
  const changes: string[] = [];
  if (!before || before.style !== after.style) changes.push(`style ${after.style}`);
  for (const [name, source] of Object.entries(after.variables)) {
    const old = before?.variables[name];
    if (!old || !sameSource(old, source)) changes.push(`${name}=${formatSource(source)}`);
  }
  return changes;
}

export function sameMapping(a: EnvMapping, b: EnvMapping): boolean {
  const names = (m: EnvMapping) => Object.keys(m.variables).sort().join("\n");
  return (
    a.style === b.style &&
    names(a) === names(b) &&
    Object.entries(a.variables).every(([n, s]) => {
      const other = b.variables[n];
      return other !== undefined && sameSource(s, other);
    })
  );
}
