// Customer managed policies: create one, or give an existing one a new default
// version when its document changed, keeping within IAM's limit of five versions.

import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
  type PolicyVersion,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { Aws } from "../../aws/clients.js";
import { isEntityAlreadyExists, isNoSuchEntity } from "../../aws/errors.js";
import { ConflictError } from "../errors.js";
import type { PolicyDocument } from "../policy/types.js";
import type { Tag } from "./names.js";

/** IAM keeps at most five versions of a managed policy. */
export const MAX_POLICY_VERSIONS = 5;

export interface Account {
  id: string;
  partition: string;
  /** The caller's ARN. */
  arn: string;
}

/** The caller's account and partition (one STS call), needed to build IAM ARNs. */
export async function callerAccount(aws: Aws): Promise<Account> {
  const sts = await aws.sts();
  const id = await sts.send(new GetCallerIdentityCommand({}));
  const arn = id.Arn ?? "";
  return { id: id.Account ?? "", partition: arn.split(":")[1] || "aws", arn };
}

export function policyArn(account: Account, path: string, name: string): string {
  return `arn:${account.partition}:iam::${account.id}:policy${path}${name}`;
}

/** IAM returns policy documents URL-encoded (moto returns them as they are). */
export function decodePolicyDocument(text: string | undefined): PolicyDocument {
  if (!text) return { Version: "2012-10-17", Statement: [] };
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return JSON.parse(trimmed) as PolicyDocument;
  return JSON.parse(decodeURIComponent(trimmed)) as PolicyDocument;
}

/** Two documents are the same policy when their JSON is equal, key order aside. */
export function sameDocument(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Asked before s3kit deletes an old policy version to make room; false stops the change. */
export type ConfirmPrune = (question: string) => Promise<boolean>;

export interface EnsurePolicyInput {
  account: Account;
  name: string;
  path: string;
  document: PolicyDocument;
  description?: string;
  tags?: Tag[];
  confirmPrune: ConfirmPrune;
}

export interface EnsuredPolicy {
  name: string;
  arn: string;
  /** What s3kit did: created it, added a new default version, or nothing (same document). */
  status: "created" | "updated" | "unchanged";
  versionId: string;
  /** The old version deleted to stay within five versions. */
  deletedVersion?: string;
}

/**
 * Makes sure the managed policy `name` exists with `document` as its default version.
 * An existing policy with another document gets a new default version; at five
 * versions the oldest non-default one is deleted first, after `confirmPrune` agrees.
 */
export async function ensureManagedPolicy(
  iam: IAMClient,
  input: EnsurePolicyInput,
): Promise<EnsuredPolicy> {
  const arn = policyArn(input.account, input.path, input.name);
  const text = JSON.stringify(input.document);
  let defaultVersion: string | undefined;
  try {
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    defaultVersion = got.Policy?.DefaultVersionId;
  } catch (err) {
    if (!isNoSuchEntity(err)) throw err;
  }
  if (defaultVersion === undefined) {
    try {
      const created = await iam.send(
        new CreatePolicyCommand({
          PolicyName: input.name,
          Path: input.path,
          PolicyDocument: text,
          ...(input.description ? { Description: input.description } : {}),
          ...(input.tags?.length ? { Tags: input.tags } : {}),
        }),
      );
      return {
        name: input.name,
        arn: created.Policy?.Arn ?? arn,
        status: "created",
        versionId: created.Policy?.DefaultVersionId ?? "v1",
      };
    } catch (err) {
      // Created by someone else in the meantime: fall through and compare documents.
      if (!isEntityAlreadyExists(err)) throw err;
      const got = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      defaultVersion = got.Policy?.DefaultVersionId ?? "v1";
    }
  }

  const current = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersion }),
  );
  if (sameDocument(decodePolicyDocument(current.PolicyVersion?.Document), input.document)) {
    return { name: input.name, arn, status: "unchanged", versionId: defaultVersion };
  }
  const replaced = await replaceDefaultVersion(iam, arn, input.name, text, input.confirmPrune);
  return { name: input.name, arn, status: "updated", ...replaced };
}

/**
 * Adds `documentText` as the new default version of the policy, deleting the oldest
 * non-default version first when the policy already has five (after confirmation).
 */
export async function replaceDefaultVersion(
  iam: IAMClient,
  arn: string,
  name: string,
  documentText: string,
  confirmPrune: ConfirmPrune,
): Promise<{ versionId: string; deletedVersion?: string }> {
  const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions;
  let deletedVersion: string | undefined;
  if ((versions?.length ?? 0) >= MAX_POLICY_VERSIONS) {
    const oldest = oldestNonDefault(versions ?? []);
    if (!oldest?.VersionId) {
      throw new ConflictError(
        `Policy ${name} has ${MAX_POLICY_VERSIONS} versions and none can be deleted.`,
        "Delete a version with `aws iam delete-policy-version`, then run again.",
        "PolicyVersionLimit",
      );
    }
    const question = `Policy ${name} has ${MAX_POLICY_VERSIONS} versions (the IAM limit). Delete its oldest non-default version ${oldest.VersionId} to add the new one?`;
    if (!(await confirmPrune(question))) {
      throw new ConflictError(
        `Policy ${name} has ${MAX_POLICY_VERSIONS} versions; nothing was changed.`,
        `Delete a version yourself (aws iam delete-policy-version --policy-arn ${arn} --version-id ${oldest.VersionId}) or run again with --yes.`,
        "PolicyVersionLimit",
      );
    }
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId }));
    deletedVersion = oldest.VersionId;
  }
  const created = await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: arn,
      PolicyDocument: documentText,
      SetAsDefault: true,
    }),
  );
  const versionId = created.PolicyVersion?.VersionId ?? "";
  return deletedVersion ? { versionId, deletedVersion } : { versionId };
}

export function oldestNonDefault(versions: readonly PolicyVersion[]): PolicyVersion | undefined {
  return versions
    .filter((v) => !v.IsDefaultVersion)
    .sort((a, b) => {
      const ta = a.CreateDate ? new Date(a.CreateDate).getTime() : 0;
      const tb = b.CreateDate ? new Date(b.CreateDate).getTime() : 0;
      if (ta !== tb) return ta - tb;
      return versionNumber(a.VersionId) - versionNumber(b.VersionId);
    })[0];
}

function versionNumber(id: string | undefined): number {
  return Number(/^v(\d+)$/.exec(id ?? "")?.[1] ?? Number.MAX_SAFE_INTEGER);
}
