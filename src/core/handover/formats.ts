// The five ways s3kit hands credentials over, written and read back: a .env file, shell
// exports, a JSON object, the AWS console's access key CSV, and a credentials-file
// profile. Pure: no I/O.

import { UsageError } from "../errors.js";
import type { CredentialValues, Variable } from "./mapping.js";

export const CREDENTIAL_FORMATS = ["dotenv", "shell", "json", "csv", "aws-profile"] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/** The formats whose names come from the mapping (csv and aws-profile have fixed fields). */
export const NAMED_FORMATS: readonly CredentialFormat[] = ["dotenv", "shell", "json"];

export function parseCredentialFormat(value: string): CredentialFormat {
  if ((CREDENTIAL_FORMATS as readonly string[]).includes(value)) return value as CredentialFormat;
  throw new UsageError(
    `Unknown --format "${value}".`,
    `Use one of: ${CREDENTIAL_FORMATS.join(", ")}.`,
    "InvalidFormat",
  );
}

// --- writing ---------------------------------------------------------------------

const SAFE_DOTENV = /^[A-Za-z0-9_\-./:+=@,]*$/;

export function dotenvValue(value: string): string {
  if (SAFE_DOTENV.test(value)) return value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export function shellValue(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const CSV_HEADER = ["User name", "Access key ID", "Secret access key"];

/** The AWS console's access key CSV, which `aws configure import --csv` reads. */
export function renderCsv(values: CredentialValues): string {
  return `${CSV_HEADER.join(",")}\n${[values.userName, values.accessKeyId, values.secretAccessKey]
    .map(csvField)
    .join(",")}\n`;
}

export function renderProfile(values: CredentialValues): string {
  const lines = [
    `[${values.userName}]`,
    `aws_access_key_id = ${values.accessKeyId}`,
    `aws_secret_access_key = ${values.secretAccessKey}`,
    `region = ${values.region}`,
  ];
  if (values.customEndpoint) lines.push(`endpoint_url = ${values.customEndpoint}`);
  return `${lines.join("\n")}\n`;
}

/** The variables as text in a named format. */
export function renderVariables(
  format: "dotenv" | "shell" | "json",
  vars: readonly Variable[],
): string {
  switch (format) {
    case "dotenv":
      return vars.map((v) => `${v.name}=${dotenvValue(v.value)}\n`).join("");
    case "shell":
      return vars.map((v) => `export ${v.name}=${shellValue(v.value)}\n`).join("");
    case "json":
      return `${JSON.stringify(Object.fromEntries(vars.map((v) => [v.name, v.value])), null, 2)}\n`;
  }
}

// --- reading ---------------------------------------------------------------------

export interface Assignment {
  /** Line index in the file. */
  line: number;
  name: string;
  value: string;
  exported: boolean;
  indent: string;
}

const ASSIGNMENT = /^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

/** A value as dotenv readers (python-dotenv, dotenv for Node) and shells take it. */
export function unquote(raw: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    // Shell style: 'it'\''s' is one value.
    const shell = /^'((?:[^']|'\\'')*)'/.exec(v);
    if (shell) return (shell[1] ?? "").replace(/'\\''/g, "'");
  }
  if (v.startsWith('"')) {
    let out = "";
    for (let i = 1; i < v.length; i++) {
      const c = v[i] as string;
      if (c === '"') return out;
      if (c === "\\" && i + 1 < v.length) {
        const n = v[++i] as string;
        out += n === "n" ? "\n" : n === "t" ? "\t" : n === "r" ? "\r" : n;
      } else out += c;
    }
    return v.slice(1);
  }
  return v.replace(/\s+#.*$/, "");
}

export function splitLines(text: string): string[] {
  return text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
}

/** `NAME=value` and `export NAME=value` lines (comments and blank lines are not assignments). */
export function parseAssignments(lines: readonly string[]): Assignment[] {
  const out: Assignment[] = [];
  lines.forEach((line, index) => {
    if (line.trimStart().startsWith("#")) return;
    const m = ASSIGNMENT.exec(line);
    if (!m?.[3]) return;
    out.push({
      line: index,
      name: m[3],
      value: unquote(m[5] ?? ""),
      exported: Boolean(m[2]),
      indent: m[1] ?? "",
    });
  });
  return out;
}

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

export interface CsvKeys {
  header: string[] | undefined;
  userColumn: number | undefined;
  keyColumn: number;
  secretColumn: number;
  /** Indexes into `rows` of the rows that hold keys. */
  rows: string[][];
}

/**
 * The key and secret columns of an access key CSV: named by the header (the console's
 * "Access key ID" and "Secret access key", any order), or the console's order without one.
 */
export function csvKeyColumns(rows: string[][]): CsvKeys | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const lower = first.map((f) => f.trim().toLowerCase());
  const keyColumn = lower.findIndex((f) => f === "access key id" || f === "access_key_id");
  const secretColumn = lower.findIndex(
    (f) => f === "secret access key" || f === "secret_access_key",
  );
  if (keyColumn >= 0 && secretColumn >= 0) {
    const user = lower.findIndex((f) => f === "user name" || f === "user_name");
    return {
      header: first,
      userColumn: user >= 0 ? user : undefined,
      keyColumn,
      secretColumn,
      rows: rows.slice(1),
    };
  }
  return undefined;
}

export interface ProfileSection {
  name: string;
  /** Line index of the `[name]` header. */
  start: number;
  /** Line index after the section's last line. */
  end: number;
  entries: Map<string, { value: string; line: number }>;
}

const HEADER = /^\s*\[([^\]]+)\]\s*$/;

export function sectionHeader(line: string): string | undefined {
  return HEADER.exec(line)?.[1]?.trim();
}

export function parseProfiles(lines: readonly string[]): ProfileSection[] {
  const out: ProfileSection[] = [];
  let current: ProfileSection | undefined;
  lines.forEach((line, index) => {
    const name = sectionHeader(line);
    if (name !== undefined) {
      if (current) current.end = index;
      current = { name, start: index, end: lines.length, entries: new Map() };
      out.push(current);
      return;
    }
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (current && m?.[1]) current.entries.set(m[1], { value: (m[2] ?? "").trim(), line: index });
  });
  return out;
}

/** Which format a file s3kit (or a person) wrote is in, from its content. */
export function detectFormat(text: string): CredentialFormat | undefined {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") return undefined;
  if (trimmed.startsWith("{")) return "json";
  const lines = splitLines(trimmed).filter(
    (l) => l.trim() !== "" && !l.trimStart().startsWith("#"),
  );
  if (lines.some((l) => sectionHeader(l) !== undefined)) return "aws-profile";
  if (csvKeyColumns(parseCsv(trimmed))) return "csv";
  const assignments = parseAssignments(lines);
  if (assignments.length > 0 && assignments.every((a) => a.exported)) return "shell";
  return "dotenv";
}
