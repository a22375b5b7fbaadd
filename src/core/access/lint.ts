// `policy lint` as a use-case: read the files and lint each text, detecting bucket
// policies by their Principal, with the service metadata of just the services the
// policies name (so a policy of S3 actions loads only S3's action list).

import { UsageError } from "../errors.js";
import { type LintFinding, lintPolicy } from "../policy/lint.js";
import { loadPolicyMetadata } from "../policy/metadata-load.js";
import { assertValidBucketName } from "../s3/bucket-names.js";
import { type ReadOptions, readPolicySource } from "./policy-files.js";

export interface LintTarget {
  /** File name as given, or "stdin". */
  name: string;
  text: string;
}

export type PolicyLintKind = "identity" | "resource";

export interface LintedFile {
  file: string;
  kind: PolicyLintKind;
  /** The kind came from --kind rather than from the document. */
  kindGiven: boolean;
  findings: LintFinding[];
}

export interface PolicyLintReport {
  files: LintedFile[];
  errors: number;
  warnings: number;
}

export interface PolicyLintOptions {
  /** The bucket the policies are for (enables the bucket-mismatch and "*" checks). */
  bucket?: string;
  /** Overrides detection. */
  kind?: PolicyLintKind;
}

function statementsOf(text: string): Record<string, unknown>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof doc !== "object" || doc === null) return [];
  const st = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(st) ? st : st !== undefined ? [st] : [];
  return list.filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null);
}

/** A bucket (resource) policy names whom it applies to; an identity policy does not. */
export function detectPolicyKind(text: string): PolicyLintKind {
  return statementsOf(text).some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined)
    ? "resource"
    : "identity";
}

/** Service prefixes of the actions in the text: `s3`, `kms`, … */
export function servicesNamed(text: string): string[] {
  const out = new Set<string>();
  for (const s of statementsOf(text)) {
    for (const key of ["Action", "NotAction"]) {
      const v = s[key];
      for (const a of Array.isArray(v) ? v : [v]) {
        if (typeof a !== "string") continue;
        const colon = a.indexOf(":");
        const service = a.slice(0, colon).toLowerCase();
        if (colon > 0 && /^[a-z0-9-]+$/.test(service)) out.add(service);
      }
    }
  }
  return [...out].sort();
}

export async function lintPolicySources(
  targets: readonly LintTarget[],
  options: PolicyLintOptions = {},
): Promise<PolicyLintReport> {
  const services = [...new Set(targets.flatMap((t) => servicesNamed(t.text)))];
  const metadata = services.length > 0 ? await loadPolicyMetadata(services) : undefined;
  const files = targets.map((t): LintedFile => {
    const kind = options.kind ?? detectPolicyKind(t.text);
    const findings = lintPolicy(t.text, {
      kind,
      source: t.name,
      ...(options.bucket !== undefined ? { bucket: options.bucket } : {}),
      ...(metadata ? { metadata } : {}),
    });
    return { file: t.name, kind, kindGiven: options.kind !== undefined, findings };
  });
  const all = files.flatMap((f) => f.findings);
  return {
    files,
    errors: all.filter((f) => f.severity === "error").length,
    warnings: all.filter((f) => f.severity === "warning").length,
  };
}

/**
 * Reads the files (a missing one is exit 3; `-`, standard input, at most once) and lints
 * them. A bad --bucket is exit 2 before any file is read.
 */
export async function lintPolicyFiles(
  files: readonly string[],
  options: PolicyLintOptions,
  read: ReadOptions,
): Promise<PolicyLintReport> {
  if (options.bucket !== undefined) assertValidBucketName(options.bucket);
  if (files.filter((f) => f === "-").length > 1) {
    throw new UsageError("Standard input (-) can be given only once.");
  }
  const targets: LintTarget[] = [];
  for (const file of files) targets.push(await readPolicySource(file, read));
  return lintPolicySources(targets, options);
}

/** Errors fail the check; with --strict, warnings too. */
export function lintFailed(report: PolicyLintReport, strict: boolean): boolean {
  return report.errors > 0 || (strict && report.warnings > 0);
}
