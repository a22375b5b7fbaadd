// Handing the credentials over: rendered once, or merged into a file that is written
// durably and all at once, readable by its owner only (see ../iam/secret-file.ts), after
// a check, before any key exists, that the file can take them.

import { existsSync, readFileSync } from "node:fs";
import { checkSecretFileTarget, FileWriteError, writeSecretFile } from "../iam/secret-file.js";
import {
  type CredentialFormat,
  detectFormat,
  parseCredentialFormat,
  renderCsv,
  renderProfile,
  renderVariables,
} from "./formats.js";
import { type CredentialValues, credentialVariables, type EnvMapping } from "./mapping.js";
import { type MergeOptions, mergeCredentials } from "./merge.js";

/** The credentials as text in the chosen format. */
export function renderCredentials(
  format: CredentialFormat,
  mapping: EnvMapping,
  values: CredentialValues,
): string {
  switch (format) {
    case "csv":
      return renderCsv(values);
    case "aws-profile":
      return renderProfile(values);
    default:
      return renderVariables(format, credentialVariables(mapping, values));
  }
}

function readExisting(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new FileWriteError(path, err);
  }
}

/**
 * Checks, before any key is created, that the file can take the new credentials: the
 * path is writable (see checkSecretFileTarget) and holds nobody else's credentials (and,
 * on rotation, that s3kit can tell where the old key's secret is).
 */
export function precheckCredentialsFile(
  path: string,
  format: CredentialFormat,
  mapping: EnvMapping,
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
  mergeCredentials(path, existing, format, mapping, probe, options);
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
  mapping: EnvMapping,
  values: CredentialValues,
  options: MergeOptions,
): WrittenFile {
  const created = !existsSync(path);
  const existing = created ? "" : readExisting(path);
  const merged = mergeCredentials(path, existing, format, mapping, values, options);
  writeSecretFile(path, merged.text);
  return { path, created, replaced: merged.replaced, added: merged.added };
}

export interface DeliverInput {
  format: CredentialFormat;
  mapping: EnvMapping;
  /** The names were chosen (flags or project file): see MergeOptions. */
  namesChosen?: boolean;
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
    credentialVariables(input.mapping, input.values).map((v) => [v.name, v.value]),
  );
  if (!input.outPath) {
    return { text: renderCredentials(input.format, input.mapping, input.values), variables };
  }
  const file = writeCredentialsFile(input.outPath, input.format, input.mapping, input.values, {
    force: input.force,
    profileName: input.values.userName,
    ...(input.namesChosen ? { namesChosen: true } : {}),
    ...(input.replaceableKeyIds ? { replaceableKeyIds: input.replaceableKeyIds } : {}),
  });
  return { file, variables };
}

/** --format, or the format of the file the credentials go into, or dotenv. */
export function chooseFormat(
  flag: string | undefined,
  outPath: string | undefined,
): CredentialFormat {
  if (flag !== undefined) return parseCredentialFormat(flag);
  if (outPath && existsSync(outPath)) {
    try {
      return detectFormat(readFileSync(outPath, "utf8")) ?? "dotenv";
    } catch {
      // unreadable: the check of the file that follows says why
    }
  }
  return "dotenv";
}
