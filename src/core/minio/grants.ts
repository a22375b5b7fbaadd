// Which s3kit grant a policy document is: MinIO has no tags to record it, so s3kit reads
// it back from the policy itself, by regenerating the candidate and comparing. A document
// someone edited is no s3kit grant. Pure: no calls.

import { generatePolicy, isAccessLevel, PER_USER_FOLDER } from "../policy/generate.js";
import { ACCESS_LEVEL_NAMES, type AccessLevel } from "../policy/templates.js";
import type { PolicyDocument } from "../policy/types.js";

export interface RecognizedGrant {
  bucket: string;
  access: AccessLevel;
  prefixes: string[];
  perUserPrefix: boolean;
}

const S3_ARN = "arn:aws:s3:::";

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The document with single values as lists and lists sorted, as MinIO hands it back. */
function normalize(doc: unknown): unknown {
  const d = doc as { Version?: unknown; Statement?: unknown };
  const statements = asList(d.Statement).map((s) => {
    const st = s as Record<string, unknown>;
    const condition = st.Condition as Record<string, Record<string, unknown>> | undefined;
    return {
      Sid: st.Sid ?? "",
      Effect: st.Effect,
      Action: asList(st.Action).map(String).sort(),
      Resource: asList(st.Resource).map(String).sort(),
      Condition: Object.fromEntries(
        Object.entries(condition ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([op, keys]) => [
            op,
            Object.fromEntries(
              Object.entries(keys ?? {})
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => [k, asList(v).map(String).sort()]),
            ),
          ]),
      ),
    };
  });
  return JSON.stringify({ Version: d.Version, Statement: statements });
}

export function samePolicy(a: unknown, b: unknown): boolean {
  return normalize(a) === normalize(b);
}

/** The document without one action (statements left with no action are dropped). */
export function withoutAction(doc: PolicyDocument, action: string): PolicyDocument {
  const statements = asList(doc.Statement)
    .map((s) => {
      const st = s as Record<string, unknown>;
      const actions = asList(st.Action).filter((a) => a !== action);
      return { ...st, Action: actions };
    })
    .filter((s) => s.Action.length > 0);
  return { ...doc, Statement: statements } as PolicyDocument;
}

/** Actions on a bucket setting: the only ones s3kit leaves out where a server lacks them. */
const BUCKET_SETTING = /^s3:(Get|Put|Delete)Bucket[A-Z]/;

/**
 * True when `stored` is `generated`, or `generated` less bucket-setting actions MinIO does not implement
 * (what s3kit writes on MinIO): same statements, conditions and resources, and actions
 * that are a subset.
 */
export function sameGrantPolicy(stored: unknown, generated: unknown): boolean {
  if (samePolicy(stored, generated)) return true;
  const a = JSON.parse(normalize(stored) as string) as NormalizedDoc;
  const b = JSON.parse(normalize(generated) as string) as NormalizedDoc;
  if (a.Version !== b.Version || a.Statement.length !== b.Statement.length) return false;
  return a.Statement.every((s, i) => {
    const g = b.Statement[i];
    if (!g) return false;
    const rest = (x: NormalizedStatement) => JSON.stringify({ ...x, Action: undefined });
    const missing = g.Action.filter((action) => !s.Action.includes(action));
    return (
      rest(s) === rest(g) &&
      s.Action.every((action) => g.Action.includes(action)) &&
      missing.every((action) => BUCKET_SETTING.test(action))
    );
  });
}

interface NormalizedStatement {
  Sid: unknown;
  Effect: unknown;
  Action: string[];
  Resource: string[];
  Condition: unknown;
}
interface NormalizedDoc {
  Version: unknown;
  Statement: NormalizedStatement[];
}

export function recognizeGrant(doc: unknown): RecognizedGrant | undefined {
  const resources = asList((doc as { Statement?: unknown }).Statement).flatMap((s) =>
    asList((s as { Resource?: unknown }).Resource).map(String),
  );
  const s3 = resources.filter((r) => r.startsWith(S3_ARN)).map((r) => r.slice(S3_ARN.length));
  const bucket = s3[0]?.split("/")[0];
  if (!bucket || resources.some((r) => !r.startsWith(S3_ARN))) return undefined;
  const objectPaths = [
    ...new Set(s3.filter((r) => r.startsWith(`${bucket}/`)).map((r) => r.slice(bucket.length + 1))),
  ];
  if (objectPaths.length === 0 || objectPaths.some((p) => !p.endsWith("*"))) return undefined;
  let covered = objectPaths.map((p) => p.slice(0, -1));
  const perUserPrefix = covered.every((p) => p.endsWith(PER_USER_FOLDER));
  if (perUserPrefix) covered = covered.map((p) => p.slice(0, -PER_USER_FOLDER.length));
  // MinIO keeps resources as a set: their order is lost, so prefixes come back sorted.
  const prefixes = covered.filter((p) => p !== "").sort();
  const candidates: { access: AccessLevel; doc: PolicyDocument }[] = [];
  for (const access of ACCESS_LEVEL_NAMES) {
    if (!isAccessLevel(access)) continue;
    try {
      candidates.push({ access, doc: generatePolicy({ bucket, access, prefixes, perUserPrefix }) });
    } catch {
      return undefined;
    }
  }
  // Exact first: a level with fewer actions must not pass for a larger one less some.
  const found =
    candidates.find((c) => samePolicy(doc, c.doc)) ??
    candidates.find((c) => sameGrantPolicy(doc, c.doc));
  if (found) return { bucket, access: found.access, prefixes, perUserPrefix };
  return undefined;
}
