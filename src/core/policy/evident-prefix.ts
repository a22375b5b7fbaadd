// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// The prefixes a caller's policies evidently mean for a bucket: from their object
// resources (`B/uploads/*` → "uploads/", `B/*` → the whole bucket), the s3:prefix
// conditions of statements on the bucket, the names s3kit gives its grants
// (`s3kit-B-read-write-uploads`) and the principal's s3kit tags. `policy fix` keeps a
// fix inside them, and `policy lint` and `policy debug` suggest within them.

import { parseS3Arn } from "./arn.js";
import { bucketNearMiss } from "./near-miss.js";
import { ACCESS_LEVEL_NAMES } from "./templates.js";
import type { PolicyDocument, PolicyStatement } from "./types.js";
import { VARIABLES_VERSION } from "./variables.js";

export type EvidenceSource = "resource" | "condition" | "name" | "tag";

/** A prefix a policy evidently means for the bucket, as policy text (may hold variables). */
export interface EvidentPrefix {
  prefix: string;
  source: EvidenceSource;
  /** The policy (or tag) it comes from. */
  from: string;
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

function statementsOf(doc: PolicyDocument): PolicyStatement[] {
  const s = doc.Statement as unknown;
  if (Array.isArray(s)) return s.filter((x): x is PolicyStatement => !!x && typeof x === "object");
  return s && typeof s === "object" ? [s as PolicyStatement] : [];
}

/** Literal key text as policy text: `*`, `?` and `$` would otherwise be wildcards or variables. */
export function escapePolicyText(text: string): string {
  return text.replace(/[*?$]/g, (c) => `\${${c}}`);
}

/** The policy text up to the first wildcard (variables and escapes are kept whole). */
function literalHead(raw: string): { head: string; wild: boolean } {
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === "$" && raw[i + 1] === "{") {
      const end = raw.indexOf("}", i);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (raw[i] === "*" || raw[i] === "?") return { head: raw.slice(0, i), wild: true };
    i++;
  }
  return { head: raw, wild: false };
}

/** The first word of a result name: `s3kit-b-read (group devs)` → `s3kit-b-read`. */
function policyNameOf(name: string): string {
  return name.split(" ")[0] ?? name;
}

/**
 * The prefix an s3kit grant name carries for this bucket: `s3kit-B-read-write-uploads`
 * → "uploads/", `s3kit-B-read` → "" (the whole bucket), `…-per-user` adds
 * "${aws:username}/". Names shortened with a hash are ambiguous and say nothing.
 */
export function prefixFromGrantName(name: string, bucket: string): string | undefined {
  const start = `s3kit-${bucket}-`;
  if (!name.startsWith(start)) return undefined;
  const rest = name.slice(start.length);
  const level = [...ACCESS_LEVEL_NAMES]
    .sort((a, b) => b.length - a.length)
    .find((l) => rest === l || rest.startsWith(`${l}-`));
  if (!level) return undefined;
  let prefixPart = rest.slice(level.length + 1);
  if (/-[0-9a-f]{8}$/.test(rest) && prefixPart !== "") return undefined;
  let perUser = "";
  if (prefixPart === "per-user" || prefixPart.endsWith("-per-user")) {
    perUser = "${aws:username}/";
    prefixPart = prefixPart.slice(0, -"per-user".length).replace(/-$/, "");
  }
  if (prefixPart === "") return perUser;
  return `${escapePolicyText(prefixPart.replaceAll("+", "/"))}/${perUser}`;
}

/** The principal's s3kit tags for this bucket: `s3kit:prefix` when `s3kit:bucket` names it. */
export function prefixesFromTags(
  tags: readonly { Key?: string; Value?: string }[],
  bucket: string,
): EvidentPrefix[] {
  const value = (k: string) => tags.find((t) => t.Key === k)?.Value;
  const out: EvidentPrefix[] = [];
  const grant = value(`s3kit:grant:${bucket}`)?.split(" ")[1];
  const fromGrant = grant ? prefixFromGrantName(grant, bucket) : undefined;
  if (fromGrant !== undefined) {
    out.push({ prefix: fromGrant, source: "tag", from: `s3kit:grant:${bucket}` });
  }
  if (value("s3kit:bucket") === bucket) {
    for (const p of (value("s3kit:prefix") ?? "").split(" ").filter(Boolean)) {
      out.push({
        prefix: p.replace(/(^|\/)per-user\/$/, "$1${aws:username}/"),
        source: "tag",
        from: "s3kit:prefix",
      });
    }
  }
  return out;
}

export const PREFIX_OPERATORS: ReadonlySet<string> = new Set(["stringlike", "stringequals"]);

/**
 * The prefixes the caller's identity policies use for `bucket` (or a near miss of it):
 * object resources (`B/uploads/*` → "uploads/", `B/*` → ""), s3:prefix conditions of
 * statements on the bucket, and s3kit grant names.
 */
export function evidentPrefixes(
  bucket: string,
  policies: readonly { name: string; document: PolicyDocument }[],
): EvidentPrefix[] {
  const out: EvidentPrefix[] = [];
  const near = new Map<string, boolean>();
  const ours = (b: string) => {
    if (b === bucket) return true;
    let hit = near.get(b);
    if (hit === undefined) {
      hit = bucketNearMiss(bucket, b) !== undefined;
      near.set(b, hit);
    }
    return hit;
  };
  for (const p of policies) {
    const variables = p.document.Version === VARIABLES_VERSION;
    const asText = (raw: string) => (variables ? raw : escapePolicyText(raw));
    for (const st of statementsOf(p.document)) {
      if (st.Effect !== "Allow") continue;
      const resources = list(st.Resource);
      let onBucket = false;
      for (const r of resources) {
        const loc = parseS3Arn(r);
        if (!loc || /[*?$]/.test(loc.bucket) || !ours(loc.bucket)) continue;
        onBucket = true;
        if (loc.key === undefined) continue;
        const { head, wild } = literalHead(asText(loc.key));
        if (wild) out.push({ prefix: head, source: "resource", from: policyNameOf(p.name) });
      }
      if (!onBucket) continue;
      for (const [op, block] of Object.entries(st.Condition ?? {})) {
        if (!PREFIX_OPERATORS.has(op.toLowerCase())) continue;
        for (const [key, values] of Object.entries(block ?? {})) {
          if (key.toLowerCase() !== "s3:prefix") continue;
          for (const v of Array.isArray(values) ? values : [values]) {
            const text = String(v);
            const prefix =
              op.toLowerCase() === "stringlike"
                ? literalHead(asText(text)).head
                : escapePolicyText(text);
            if (prefix !== "")
              out.push({ prefix, source: "condition", from: policyNameOf(p.name) });
          }
        }
      }
    }
    const fromName = prefixFromGrantName(policyNameOf(p.name), bucket);
    if (fromName !== undefined) {
      out.push({ prefix: fromName, source: "name", from: policyNameOf(p.name) });
    }
  }
  return out;
}

/** The distinct non-empty prefixes, without those another one already covers. */
export function minimalPrefixes(prefixes: readonly string[]): string[] {
  const sorted = [...new Set(prefixes.filter((p) => p !== ""))].sort((a, b) => a.length - b.length);
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => p.startsWith(q)));
}
