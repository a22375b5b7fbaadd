// `iam audit`: access keys older than the limit, keys never used or unused for long,
// inactive keys left behind, and users whose policies allow `*` or `s3:*` on `*`.
// Policies come from GetAccountAuthorizationDetails (a few pages for the whole
// account); keys need two calls per user, made with bounded concurrency.

import {
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  type UserDetail,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { Backoff, mapPool, type PoolOptions } from "../concurrency.js";
import { UsageError } from "../errors.js";
import type { PolicyDocument, PolicyStatement } from "../policy/types.js";
import { describeKeys, type KeyDetails, unlessDeleted } from "./list.js";
import { allPages, markerInput } from "./listing.js";
import { S3KIT_PATH } from "./names.js";
import { decodePolicyDocument } from "./policies.js";

export const SEVERITIES = ["low", "medium", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const AUDIT_FINDINGS = [
  "key-too-old",
  "key-never-used",
  "key-unused",
  "inactive-key",
  "wildcard-access",
] as const;
export type AuditFindingId = (typeof AUDIT_FINDINGS)[number];

export interface AuditFinding {
  id: AuditFindingId;
  severity: Severity;
  user: string;
  /** Masked key id, for key findings. */
  key?: string;
  message: string;
  fix: string;
}

export interface AuditOptions extends PoolOptions {
  /** Keys older than this many days are findings (default 90). */
  maxKeyAgeDays?: number;
  /** Active keys not used for this many days are findings (default 90). */
  maxUnusedDays?: number;
  /** Only users under /s3kit/. */
  s3kitOnly?: boolean;
  now?: Date;
}

export interface AuditReport {
  users: number;
  keys: number;
  maxKeyAgeDays: number;
  maxUnusedDays: number;
  findings: AuditFinding[];
}

/** A key never used in its first week is probably not used at all. */
const NEVER_USED_GRACE_DAYS = 7;

export const DEFAULT_MAX_KEY_AGE_DAYS = 90;
export const DEFAULT_MAX_UNUSED_DAYS = 90;

/** `--fail-on`: a severity (that or worse fails) and/or finding ids, comma-separated. */
export function parseFailOn(values: readonly string[]): (f: AuditFinding) => boolean {
  const severities = new Set<Severity>();
  const ids = new Set<string>();
  for (const raw of values.flatMap((v) => v.split(","))) {
    const v = raw.trim();
    if (v === "") continue;
    if ((SEVERITIES as readonly string[]).includes(v)) severities.add(v as Severity);
    else if ((AUDIT_FINDINGS as readonly string[]).includes(v)) ids.add(v);
    else {
      throw new UsageError(
        `Unknown --fail-on value "${v}".`,
        `Use a severity (${SEVERITIES.join(", ")}: that or worse fails) or finding ids: ${AUDIT_FINDINGS.join(", ")}.`,
        "InvalidFailOn",
      );
    }
  }
  const min = Math.min(...[...severities].map((s) => SEVERITIES.indexOf(s)));
  return (f) => ids.has(f.id) || SEVERITIES.indexOf(f.severity) >= min;
}

/** `--max-key-age 90` or `90d`: a number of days. */
export function parseDays(flag: string, value: string): number {
  const m = /^(\d+)d?$/.exec(value.trim());
  if (!m) {
    throw new UsageError(
      `${flag} takes a number of days, not "${value}".`,
      `For example ${flag} 90.`,
      "InvalidDuration",
    );
  }
  return Number(m[1]);
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

const WIDE_ACTIONS = new Set(["*", "s3:*"]);
const WIDE_RESOURCES = new Set(["*", "arn:aws:s3:::*", "arn:aws:s3:::*/*"]);

/** Allow statements with `*` or `s3:*` on every resource. */
export function wildcardStatements(doc: PolicyDocument): PolicyStatement[] {
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.filter(
    (st) =>
      st?.Effect === "Allow" &&
      st.Condition === undefined &&
      list(st.Action).some((a) => WIDE_ACTIONS.has(a.toLowerCase())) &&
      list(st.Resource).some((r) => WIDE_RESOURCES.has(r)),
  );
}

interface NamedDoc {
  where: string;
  document: PolicyDocument;
}

function parseDoc(doc: unknown): PolicyDocument {
  if (typeof doc === "string") return decodePolicyDocument(doc);
  return (doc ?? { Statement: [] }) as PolicyDocument;
}

export async function auditIam(aws: Aws, options: AuditOptions = {}): Promise<AuditReport> {
  const iam = await aws.iam();
  const now = options.now ?? new Date();
  const maxKeyAgeDays = options.maxKeyAgeDays ?? DEFAULT_MAX_KEY_AGE_DAYS;
  const maxUnusedDays = options.maxUnusedDays ?? DEFAULT_MAX_UNUSED_DAYS;
  const backoff = new Backoff(options);
  const call = <X>(fn: () => Promise<X>) => backoff.run(fn);

  const pages = await allPages<GetAccountAuthorizationDetailsCommandOutput>((marker) =>
    call(() =>
      iam.send(
        new GetAccountAuthorizationDetailsCommand({
          Filter: ["User", "Group", "LocalManagedPolicy"],
          ...markerInput(marker),
        }),
      ),
    ),
  );
  let users = pages.flatMap((p) => p.UserDetailList ?? []);
  if (options.s3kitOnly) users = users.filter((u) => u.Path?.startsWith(S3KIT_PATH));
  const groups = new Map(
    pages.flatMap((p) => p.GroupDetailList ?? []).map((g) => [g.GroupName, g]),
  );
  const managed = new Map<string, PolicyDocument>();
  for (const p of pages.flatMap((x) => x.Policies ?? [])) {
    const v = p.PolicyVersionList?.find((x) => x.IsDefaultVersion);
    if (p.Arn && v) managed.set(p.Arn, parseDoc(v.Document));
  }
  const awsManaged = new Map<string, Promise<PolicyDocument | undefined>>();
  const managedDoc = (arn: string): Promise<PolicyDocument | undefined> => {
    const local = managed.get(arn);
    if (local) return Promise.resolve(local);
    let p = awsManaged.get(arn);
    if (!p) {
      p = fetchManaged(iam, call, arn);
      awsManaged.set(arn, p);
    }
    return p;
  };

  const findings: AuditFinding[] = [];
  let keyCount = 0;
  const perUser = await mapPool(
    users,
    (user, poolCall) =>
      unlessDeleted(async () => {
        const name = user.UserName ?? "";
        const [keys, docs] = await Promise.all([
          describeKeys(iam, poolCall, name, now),
          userPolicies(user, groups, managedDoc),
        ]);
        return { name, keys, docs };
      }),
    options,
  );
  for (const entry of perUser) {
    if (!entry) continue;
    const { name, keys, docs } = entry;
    keyCount += keys.length;
    findings.push(...keyFindings(name, keys, maxKeyAgeDays, maxUnusedDays));
    for (const d of docs) {
      for (const st of wildcardStatements(d.document)) {
        const actions = list(st.Action).filter((a) => WIDE_ACTIONS.has(a.toLowerCase()));
        findings.push({
          id: "wildcard-access",
          severity: "high",
          user: name,
          message: `${name} is allowed ${actions.join(", ")} on ${list(st.Resource).join(", ")} through ${d.where}${st.Sid ? ` (statement ${st.Sid})` : ""}.`,
          fix: "Replace it with a least-privilege policy for the buckets this user needs (`s3kit iam add-dev NAME --bucket B --access LEVEL`), then remove the wide one.",
        });
      }
    }
  }
  const order = (f: AuditFinding) => -SEVERITIES.indexOf(f.severity);
  findings.sort((a, b) => order(a) - order(b) || a.user.localeCompare(b.user));
  const checked = perUser.filter((e) => e !== undefined).length;
  return { users: checked, keys: keyCount, maxKeyAgeDays, maxUnusedDays, findings };
}

async function fetchManaged(
  iam: IAMClient,
  call: <X>(fn: () => Promise<X>) => Promise<X>,
  arn: string,
): Promise<PolicyDocument | undefined> {
  try {
    const policy = await call(() => iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    const version = policy.Policy?.DefaultVersionId;
    if (!version) return undefined;
    const got = await call(() =>
      iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version })),
    );
    return decodePolicyDocument(got.PolicyVersion?.Document);
  } catch {
    return undefined;
  }
}

async function userPolicies(
  user: UserDetail,
  groups: Map<
    string | undefined,
    {
      GroupPolicyList?: { PolicyName?: string; PolicyDocument?: string }[];
      AttachedManagedPolicies?: { PolicyArn?: string; PolicyName?: string }[];
    }
  >,
  managedDoc: (arn: string) => Promise<PolicyDocument | undefined>,
): Promise<NamedDoc[]> {
  const out: NamedDoc[] = [];
  for (const p of user.UserPolicyList ?? []) {
    out.push({ where: `inline policy ${p.PolicyName}`, document: parseDoc(p.PolicyDocument) });
  }
  const attached = async (list: { PolicyArn?: string; PolicyName?: string }[], via: string) => {
    for (const a of list) {
      if (!a.PolicyArn) continue;
      const doc = await managedDoc(a.PolicyArn);
      if (doc) out.push({ where: `policy ${a.PolicyName ?? a.PolicyArn}${via}`, document: doc });
    }
  };
  await attached(user.AttachedManagedPolicies ?? [], "");
  for (const g of user.GroupList ?? []) {
    const group = groups.get(g);
    if (!group) continue;
    for (const p of group.GroupPolicyList ?? []) {
      out.push({
        where: `inline policy ${p.PolicyName} of group ${g}`,
        document: parseDoc(p.PolicyDocument),
      });
    }
    await attached(group.AttachedManagedPolicies ?? [], ` of group ${g}`);
  }
  return out;
}

export function keyFindings(
  user: string,
  keys: readonly KeyDetails[],
  maxKeyAgeDays: number,
  maxUnusedDays: number,
): AuditFinding[] {
  const out: AuditFinding[] = [];
  for (const k of keys) {
    const age = k.ageDays ?? 0;
    if (k.status === "Inactive") {
      out.push({
        id: "inactive-key",
        severity: "low",
        user,
        key: k.id,
        message: `${user}'s key ${k.id} is inactive (created ${age} days ago) and left behind.`,
        fix: `Delete it when nothing needs it back: aws iam delete-access-key --user-name ${user} --access-key-id ${k.accessKeyId}`,
      });
      continue;
    }
    if (age > maxKeyAgeDays) {
      out.push({
        id: "key-too-old",
        severity: "high",
        user,
        key: k.id,
        message: `${user}'s active key ${k.id} is ${age} days old (limit ${maxKeyAgeDays}).`,
        fix: `Rotate it: s3kit iam rotate-key ${user}`,
      });
    }
    if (k.lastUsed === null) {
      out.push({
        id: "key-never-used",
        severity: age >= NEVER_USED_GRACE_DAYS ? "medium" : "low",
        user,
        key: k.id,
        message: `${user}'s active key ${k.id} has never been used (created ${age} days ago).`,
        fix: `If nobody needs it, delete it: aws iam delete-access-key --user-name ${user} --access-key-id ${k.accessKeyId}`,
      });
    } else if ((k.unusedDays ?? 0) > maxUnusedDays) {
      out.push({
        id: "key-unused",
        severity: "medium",
        user,
        key: k.id,
        message: `${user}'s active key ${k.id} was last used ${k.unusedDays} days ago (limit ${maxUnusedDays}).`,
        fix: `Deactivate or delete it, or offboard the user: s3kit iam remove-dev ${user}`,
      });
    }
  }
  return out;
}
