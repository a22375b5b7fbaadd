// `iam add-role`: a role for a workload (EC2, ECS task, Lambda, or people from another
// account) with the same least-privilege policy as `iam add-dev`, and no long-lived keys.

import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  type Role,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { isEntityAlreadyExists, isNoSuchEntity } from "../../aws/errors.js";
import { ConflictError, UsageError } from "../errors.js";
import type { PolicyDocument } from "../policy/types.js";
import { type BucketCheck, checkBucket } from "../s3/head-bucket.js";
import type { Grant } from "./grant.js";
import { listPrincipalTags } from "./listing.js";
import {
  BUCKET_TAG,
  grantsFromTags,
  grantTags,
  isManagedByS3kit,
  MANAGED_BY_TAG,
  S3KIT_PATH,
} from "./names.js";
import {
  type ConfirmPrune,
  callerAccount,
  decodePolicyDocument,
  type EnsuredPolicy,
  ensureManagedPolicy,
  policyArn,
  sameDocument,
} from "./policies.js";

export type Trust =
  | { kind: "service"; service: "ec2" | "ecs-tasks" | "lambda" }
  | { kind: "account"; accountId: string };

export const TRUST_SERVICES = ["ec2", "ecs-tasks", "lambda"] as const;

/** `ec2`, `ecs-tasks`, `lambda` or `account:123456789012`. */
export function parseTrust(value: string): Trust {
  if ((TRUST_SERVICES as readonly string[]).includes(value)) {
    return { kind: "service", service: value as "ec2" | "ecs-tasks" | "lambda" };
  }
  const m = /^account:(\d{12})$/.exec(value);
  if (m?.[1]) return { kind: "account", accountId: m[1] };
  throw new UsageError(
    `Unknown --trust "${value}".`,
    `Use ${TRUST_SERVICES.join(", ")}, or account:ID with a 12-digit account id (people or workloads in that account assume the role).`,
    "InvalidTrust",
  );
}

export function trustPolicy(trust: Trust, partition = "aws"): PolicyDocument {
  const principal =
    trust.kind === "service"
      ? { Service: `${trust.service}.amazonaws.com` }
      : { AWS: `arn:${partition}:iam::${trust.accountId}:root` };
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "S3kitTrust", Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" },
    ],
  };
}

export interface AddRoleInput {
  roleName: string;
  grant: Grant;
  trust: Trust;
  adopt?: boolean;
  confirm: ConfirmPrune;
  onStep?: (message: string) => void;
}

export interface AddRoleResult {
  role: { name: string; arn: string; created: boolean; trustUpdated: boolean };
  bucket: BucketCheck;
  policy: EnsuredPolicy;
  trust: PolicyDocument;
  instanceProfile?: { name: string; arn: string; created: boolean };
  replacedGrant?: { access: string; policyName: string };
}

async function getRole(iam: IAMClient, name: string): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

export async function addRole(aws: Aws, input: AddRoleInput): Promise<AddRoleResult> {
  const { roleName, grant } = input;
  const step = input.onStep ?? (() => {});
  const bucket = await checkBucket(aws, grant.bucket);
  const iam = await aws.iam();
  const account = await callerAccount(aws);
  const trust = trustPolicy(input.trust, account.partition);

  const existing = await getRole(iam, roleName);
  const tags = existing ? await listPrincipalTags(iam, "role", roleName) : [];
  if (existing && !isManagedByS3kit(tags) && !input.adopt) {
    throw new ConflictError(
      `IAM role ${roleName} exists and was not created by s3kit.`,
      `Choose another name, or pass --adopt to manage ${roleName} with s3kit (its trust policy is replaced).`,
      "RoleNotManaged",
    );
  }

  const policy = await ensureManagedPolicy(iam, {
    account,
    name: grant.name,
    path: S3KIT_PATH,
    document: grant.document,
    description: `s3kit: ${grant.access} access to ${grant.bucket}`,
    tags: [{ ...MANAGED_BY_TAG }, { Key: BUCKET_TAG, Value: grant.bucket }],
    confirmPrune: input.confirm,
  });
  step(`policy ${policy.name} ${policy.status === "unchanged" ? "up to date" : policy.status}`);

  const newTags = grantTags(grant, grant.name);
  let arn: string;
  let trustUpdated = false;
  if (existing) {
    arn = existing.Arn ?? "";
    const current = existing.AssumeRolePolicyDocument
      ? decodePolicyDocument(existing.AssumeRolePolicyDocument)
      : undefined;
    if (!sameDocument(current, trust)) {
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: roleName,
          PolicyDocument: JSON.stringify(trust),
        }),
      );
      trustUpdated = true;
    }
    await iam.send(new TagRoleCommand({ RoleName: roleName, Tags: newTags }));
    step(`role ${roleName} exists${trustUpdated ? "; trust policy updated" : ""}`);
  } else {
    try {
      const created = await iam.send(
        new CreateRoleCommand({
          RoleName: roleName,
          Path: S3KIT_PATH,
          AssumeRolePolicyDocument: JSON.stringify(trust),
          Description: `s3kit: ${grant.access} access to ${grant.bucket}`,
          Tags: newTags,
        }),
      );
      arn = created.Role?.Arn ?? "";
    } catch (err) {
      if (isEntityAlreadyExists(err)) {
        throw new ConflictError(
          `IAM role ${roleName} was created by someone else while s3kit was working.`,
          "Run the command again.",
          "RoleExists",
        );
      }
      throw err;
    }
    step(`role ${roleName} created (path ${S3KIT_PATH})`);
  }

  const previous = grantsFromTags(tags).find(
    (g) => g.bucket === grant.bucket && g.policyName !== grant.name,
  );
  if (previous?.policyName) {
    try {
      await iam.send(
        new DetachRolePolicyCommand({
          RoleName: roleName,
          PolicyArn: policyArn(account, S3KIT_PATH, previous.policyName),
        }),
      );
    } catch (err) {
      if (!isNoSuchEntity(err)) throw err;
    }
    step(`previous grant ${previous.access} (${previous.policyName}) detached`);
  }
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  if (!attached.AttachedPolicies?.some((p) => p.PolicyArn === policy.arn)) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.arn }));
  }
  step(`policy attached to role ${roleName}`);

  const result: AddRoleResult = {
    role: { name: roleName, arn, created: !existing, trustUpdated },
    bucket,
    policy,
    trust,
  };
  if (previous) result.replacedGrant = { access: previous.access, policyName: previous.policyName };
  if (input.trust.kind === "service" && input.trust.service === "ec2") {
    result.instanceProfile = await ensureInstanceProfile(iam, roleName);
    step(`instance profile ${roleName} ${result.instanceProfile.created ? "created" : "ready"}`);
  }
  return result;
}

async function ensureInstanceProfile(
  iam: IAMClient,
  name: string,
): Promise<{ name: string; arn: string; created: boolean }> {
  let created = false;
  let profile: { Arn?: string; Roles?: { RoleName?: string }[] } | undefined;
  try {
    profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name })))
      .InstanceProfile;
  } catch (err) {
    if (!isNoSuchEntity(err)) throw err;
  }
  if (!profile) {
    profile = (
      await iam.send(
        new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: S3KIT_PATH }),
      )
    ).InstanceProfile;
    created = true;
  }
  const roles = profile?.Roles ?? [];
  if (!roles.some((r) => r.RoleName === name)) {
    if (roles.length > 0) {
      throw new ConflictError(
        `Instance profile ${name} already holds role ${roles[0]?.RoleName}; an instance profile holds one role.`,
        "Choose another role name, or remove that role from the instance profile first.",
        "InstanceProfileInUse",
      );
    }
    await iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }),
    );
  }
  return { name, arn: profile?.Arn ?? "", created };
}

/** A profile for ~/.aws/config that assumes the role from another profile. */
export function assumeRoleProfile(
  roleName: string,
  roleArn: string,
  sourceProfile: string,
): string {
  return `[profile ${roleName}]\nrole_arn = ${roleArn}\nsource_profile = ${sourceProfile}\n`;
}
