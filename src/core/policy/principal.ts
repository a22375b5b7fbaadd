// The caller: derived from an ARN, turned into the aws:* context keys AWS would send,
// and matched against Principal / NotPrincipal elements of resource-based policies.

import { parseArn } from "./arn.js";
import { PolicyInputError } from "./errors.js";
import type {
  PrincipalElement,
  PrincipalMatchKind,
  RequestContext,
  RequestPrincipal,
} from "./types.js";

/** Used when no principal is given: an IAM user in a documentation account. */
export const DEFAULT_PRINCIPAL_ARN = "arn:aws:iam::123456789012:user/example";

/** Session name used when a role ARN (not a session ARN) is given as the caller. */
export const DEFAULT_SESSION_NAME = "session";

/**
 * Parse a caller: an IAM user, role (a session of it is assumed), assumed-role session,
 * federated user, root ARN, a service principal like `lambda.amazonaws.com`, or
 * "anonymous".
 */
export function derivePrincipal(input?: string | RequestPrincipal): RequestPrincipal {
  if (input !== undefined && typeof input !== "string") return input;
  const text = (input ?? DEFAULT_PRINCIPAL_ARN).trim();
  if (text === "anonymous" || text === "*") {
    return { type: "anonymous", arn: "*", accountId: "", name: "anonymous" };
  }
  if (!text.startsWith("arn:") && /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(text)) {
    return { type: "service", arn: text, accountId: "", name: text };
  }
  const arn = parseArn(text);
  const bad = () =>
    new PolicyInputError(
      "invalid-request",
      `"${text}" is not a principal ARN s3kit understands`,
      "Use arn:aws:iam::ACCOUNT:user/NAME, arn:aws:iam::ACCOUNT:role/NAME, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, arn:aws:iam::ACCOUNT:root, a service such as lambda.amazonaws.com, or anonymous.",
    );
  if (!arn || !/^\d{12}$/.test(arn.account)) throw bad();
  const { partition, account, resource } = arn;
  if (arn.service === "iam") {
    if (resource === "root") return { type: "root", arn: text, accountId: account, name: "root" };
    if (resource.startsWith("user/")) {
      const name = resource.slice(resource.lastIndexOf("/") + 1);
      if (name) return { type: "user", arn: text, accountId: account, name };
    }
    if (resource.startsWith("role/")) {
      const name = resource.slice(resource.lastIndexOf("/") + 1);
      if (name) {
        return {
          type: "role-session",
          arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${DEFAULT_SESSION_NAME}`,
          accountId: account,
          name,
          roleArn: text,
          sessionName: DEFAULT_SESSION_NAME,
        };
      }
    }
  }
  if (arn.service === "sts") {
    const m = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
    if (m?.[1] && m[2]) {
      return {
        type: "role-session",
        arn: text,
        accountId: account,
        name: m[1],
        roleArn: `arn:${partition}:iam::${account}:role/${m[1]}`,
        sessionName: m[2],
      };
    }
    const f = /^federated-user\/(.+)$/.exec(resource);
    if (f?.[1]) return { type: "federated-user", arn: text, accountId: account, name: f[1] };
  }
  throw bad();
}

/** A stable stand-in for the unique ID AWS assigns (AIDA… for users, AROA… for roles). */
function syntheticId(prefix: string, seed: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let id = "";
  let x = h;
  for (let i = 0; i < 17; i++) {
    id += alphabet[x % 32];
    x = Math.imul(x ^ (x >>> 7), 0x9e3779b1) >>> 0;
  }
  return prefix + id;
}

/**
 * The aws:* keys AWS puts in the request context for this caller. aws:userid is
 * synthetic (the real unique ID needs an IAM call); pass it in the context to override.
 */
export function principalContext(p: RequestPrincipal): RequestContext {
  switch (p.type) {
    case "user":
      return {
        "aws:username": p.name,
        "aws:userid": syntheticId("AIDA", p.arn),
        "aws:PrincipalType": "User",
        "aws:PrincipalArn": p.arn,
        "aws:PrincipalAccount": p.accountId,
      };
    case "role-session":
      return {
        "aws:userid": `${syntheticId("AROA", p.roleArn ?? p.arn)}:${p.sessionName ?? ""}`,
        "aws:PrincipalType": "AssumedRole",
        "aws:PrincipalArn": p.roleArn ?? p.arn,
        "aws:PrincipalAccount": p.accountId,
      };
    case "root":
      return {
        "aws:userid": p.accountId,
        "aws:PrincipalType": "Account",
        "aws:PrincipalArn": p.arn,
        "aws:PrincipalAccount": p.accountId,
      };
    case "federated-user":
      return {
        "aws:userid": `${p.accountId}:${p.name}`,
        "aws:PrincipalType": "FederatedUser",
        "aws:PrincipalArn": p.arn,
        "aws:PrincipalAccount": p.accountId,
      };
    case "service":
      return {
        "aws:PrincipalServiceName": p.name,
        "aws:PrincipalIsAWSService": "true",
      };
    case "anonymous":
      return { "aws:PrincipalType": "Anonymous" };
  }
}

/** The Principal element normalised once at compile time. */
export interface CompiledPrincipal {
  anyone: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
  /** All entries as written, for traces. */
  values: string[];
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

export function compilePrincipal(el: PrincipalElement): CompiledPrincipal {
  if (el === "*") {
    return { anyone: true, aws: [], service: [], federated: [], canonicalUser: [], values: ["*"] };
  }
  const aws = list(el.AWS);
  const service = list(el.Service);
  const federated = list(el.Federated);
  const canonicalUser = list(el.CanonicalUser);
  return {
    anyone: aws.includes("*"),
    aws,
    service,
    federated,
    canonicalUser,
    values: [
      ...aws,
      ...service.map((s) => `Service:${s}`),
      ...federated.map((s) => `Federated:${s}`),
      ...canonicalUser.map((s) => `CanonicalUser:${s}`),
    ],
  };
}

function accountOfEntry(entry: string): string | undefined {
  if (/^\d{12}$/.test(entry)) return entry;
  const m = /^arn:[^:]+:iam::(\d{12}):root$/.exec(entry);
  return m?.[1];
}

/** Role ARNs in policies may carry a path; session ARNs never do, so compare by name. */
function sameRole(entry: string, roleArn: string | undefined): boolean {
  if (!roleArn) return false;
  if (entry === roleArn) return true;
  const a = parseArn(entry);
  const b = parseArn(roleArn);
  if (!a || !b || a.service !== "iam" || !a.resource.startsWith("role/")) return false;
  const nameA = a.resource.slice(a.resource.lastIndexOf("/") + 1);
  const nameB = b.resource.slice(b.resource.lastIndexOf("/") + 1);
  return a.account === b.account && a.partition === b.partition && nameA === nameB;
}

const IAM_TYPES = new Set(["user", "role-session", "root", "federated-user"]);

/** How a Principal element names the caller, or undefined when it does not. */
export function matchPrincipal(
  cp: CompiledPrincipal,
  p: RequestPrincipal,
): PrincipalMatchKind | undefined {
  if (cp.anyone) return "anyone";
  if (p.type === "service") return cp.service.includes(p.name) ? "service" : undefined;
  if (p.type === "anonymous") return undefined;
  // Most specific first: a statement naming both the user and its account grants as the user.
  for (const entry of cp.aws) {
    if (p.type === "user" && entry === p.arn) return "user-arn";
    if (p.type === "role-session" && entry === p.arn) return "session-arn";
    if (p.type === "federated-user" && entry === p.arn) return "federated-user-arn";
  }
  for (const entry of cp.aws) {
    if (p.type === "role-session" && sameRole(entry, p.roleArn)) return "role-arn";
  }
  if (IAM_TYPES.has(p.type)) {
    for (const entry of cp.aws) if (accountOfEntry(entry) === p.accountId) return "account";
  }
  if (cp.federated.includes(p.arn) || cp.federated.includes(p.name)) return "federated";
  if (cp.canonicalUser.includes(p.arn)) return "canonical-user";
  return undefined;
}

/**
 * NotPrincipal exempts a caller only when every identity AWS may check for it is
 * listed: the account, and the user, or the role and its session. AWS documents that
 * leaving the account (or the role) out can deny the whole account, so s3kit assumes
 * the strict reading.
 */
export function isExemptByNotPrincipal(cp: CompiledPrincipal, p: RequestPrincipal): boolean {
  if (cp.anyone) return true;
  const hasAccount = cp.aws.some((e) => accountOfEntry(e) === p.accountId);
  switch (p.type) {
    case "user":
    case "federated-user":
      return hasAccount && cp.aws.includes(p.arn);
    case "role-session":
      return hasAccount && cp.aws.includes(p.arn) && cp.aws.some((e) => sameRole(e, p.roleArn));
    case "root":
      return hasAccount;
    case "service":
      return cp.service.includes(p.name);
    case "anonymous":
      return false;
  }
}
