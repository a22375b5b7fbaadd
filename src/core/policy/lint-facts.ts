// What the lint rules look at: the policy text, the document and each statement with its
// action, resource and condition entries, worked out once by the walk in lint.ts so that
// every rule reads the same facts.

import type { ParsedOperator } from "./conditions.js";
import type { JsonSyntaxError, SourcePosition } from "./json-parse.js";
import type { ActionMetadata, PolicyMetadata } from "./metadata.js";

export type LintSeverity = "error" | "warning";

export interface LintOptions {
  kind: "identity" | "resource";
  /** The bucket the policy is meant for: enables bucket-mismatch. */
  bucket?: string;
  /** Enables unknown-action, action-resource-mismatch and condition-key-not-valid. */
  metadata?: PolicyMetadata;
  /** The file name, for errors that stop the lint (JSON nested too deeply). */
  source?: string;
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reports a finding of the rule it was made for; `at` when the path has no position. */
export type Found = (
  path: string,
  message: string,
  fix: string,
  at?: Pick<SourcePosition, "line" | "column">,
) => void;

export interface TextFacts {
  text: string;
  kind: LintOptions["kind"];
  /** Set when the text is not JSON. */
  syntaxError?: JsonSyntaxError;
}

/** The document, or one of its statements, before its shape is known. */
export interface ShapeFacts {
  of: "policy" | "statement";
  path: string;
  value: unknown;
}

export interface PolicyFacts {
  document: Json;
}

/** An entry of Action or NotAction, as written. */
export interface ActionEntry {
  value: string;
  path: string;
  /** In Action (not NotAction). */
  inAction: boolean;
  /** The service prefix in lower case; unset for "*" and for a name without a prefix. */
  service: string | undefined;
  /** The actions it names, when the metadata knows its service (empty: none). */
  expanded: ActionMetadata[] | undefined;
}

/** An entry of Resource or NotResource, as written. */
export interface ResourceEntry {
  value: string;
  path: string;
  /** In Resource (not NotResource). */
  inResource: boolean;
  /** Why it is not a well-formed ARN. */
  problem: string | undefined;
}

export interface StatementFacts {
  /** `Statement[2]`, or `Statement` for a single statement. */
  path: string;
  statement: Json;
  effect: unknown;
  document: Json;
  options: LintOptions;
  /** Sids of the statements before this one, and where each was first used. */
  sids: Map<string, string>;
  actions: ActionEntry[] | undefined;
  notActions: ActionEntry[] | undefined;
  resources: ResourceEntry[] | undefined;
  notResources: ResourceEntry[] | undefined;
  /** An S3 action (or "*") is named. */
  hasS3: boolean;
  /** The actions Action names explicitly (no wildcard), where the metadata knows them. */
  known: ActionMetadata[];
}

export interface ConditionEntry {
  operator: string;
  path: string;
  parsed: ParsedOperator;
}

export interface ConditionKeyEntry {
  key: string;
  path: string;
  operator: ConditionEntry;
  /** What the metadata says of the key: false unknown, undefined not known either way. */
  exists: boolean | undefined;
  metadata: PolicyMetadata;
}
