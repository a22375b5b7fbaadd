// The principal `policy debug` and `policy fix` look at (--user, --role, or the caller)
// and every identity policy that applies to it: attached and inline, its groups' too.

import {
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf } from "../../aws/errors.js";
import { NotFoundError, UsageError } from "../errors.js";
import { allPages, markerInput } from "../iam/listing.js";
import { decodePolicyDocument } from "../iam/policies.js";
import type { PolicyDocument } from "../policy/types.js";
import { assertNotTooDeep, managedDocument } from "./live-documents.js";

export type PrincipalSelector =
  | { user: string }
  | { role: string }
  | { group: string }
  | { caller: true };

export interface GatheredPrincipal {
  /** A group is no principal: its policies are evaluated for a member (see groupMemberArn). */
  type: "user" | "role" | "group";
  name: string;
  /** The user, role or group ARN (what IAM APIs and SimulatePrincipalPolicy take). */
  arn: string;
  /** The ARN the evaluation uses as the caller: the user, a session of the role, a group member. */
  callerArn: string;
  accountId: string;
  partition: string;
  groups: string[];
  /** The user's or role's tags, where IAM returns them with the user or role. */
  tags: { Key?: string; Value?: string }[];
}

/** Where an identity policy comes from: what `policy fix --apply` writes to. */
export interface PolicySource {
  /** The name in the evaluation results, e.g. `s3kit-b-read` or `inline:uploads (group devs)`. */
  name: string;
  kind: "managed" | "inline";
  /** The user, group or role it is attached to or inlined in. */
  via: { type: "user" | "group" | "role"; name: string };
  /** Managed policies. */
  arn?: string;
  policyName: string;
  versionId?: string;
  /** AWS managed policies cannot be changed. */
  awsManaged?: boolean;
  document: PolicyDocument;
}

/** The principal the command is about: --user, --role, or the caller's own identity. */
export async function resolvePrincipal(
  aws: Aws,
  selector: PrincipalSelector,
): Promise<GatheredPrincipal> {
  const iam = await aws.iam();
  if ("caller" in selector) {
    const sts = await aws.sts();
    const id = await sts.send(new GetCallerIdentityCommand({}));
    const arn = id.Arn ?? "";
    const user = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
    if (user) return resolvePrincipal(aws, { user });
    const role = /^arn:[^:]+:sts::\d{12}:assumed-role\/([^/]+)\//.exec(arn)?.[1];
    if (role) return resolvePrincipal(aws, { role });
    throw new UsageError(
      `The caller ${arn || "(unknown)"} is not an IAM user or role session, so there are no policies to look at.`,
      "Name the principal with --user NAME or --role NAME.",
      "UnsupportedPrincipal",
    );
  }
  const partitionOf = (arn: string) => arn.split(":")[1] || "aws";
  const accountOf = (arn: string) => arn.split(":")[4] ?? "";
  try {
    if ("group" in selector) {
      const got = await iam.send(new GetGroupCommand({ GroupName: selector.group, MaxItems: 1 }));
      const arn = got.Group?.Arn ?? "";
      const partition = partitionOf(arn);
      const accountId = accountOf(arn);
      return {
        type: "group",
        name: selector.group,
        arn,
        callerArn: groupMemberArn(partition, accountId, selector.group),
        accountId,
        partition,
        groups: [selector.group],
        tags: [],
      };
    }
    if ("user" in selector) {
      const user = (await iam.send(new GetUserCommand({ UserName: selector.user }))).User;
      const arn = user?.Arn ?? "";
      const groups = (
        await allPages((marker) =>
          iam.send(
            new ListGroupsForUserCommand({ UserName: selector.user, ...markerInput(marker) }),
          ),
        )
      ).flatMap((p) => (p.Groups ?? []).map((g) => g.GroupName ?? ""));
      return {
        type: "user",
        name: selector.user,
        arn,
        callerArn: arn,
        accountId: accountOf(arn),
        partition: partitionOf(arn),
        groups,
        tags: user?.Tags ?? [],
      };
    }
    const role = (await iam.send(new GetRoleCommand({ RoleName: selector.role }))).Role;
    const arn = role?.Arn ?? "";
    const partition = partitionOf(arn);
    const accountId = accountOf(arn);
    return {
      type: "role",
      name: selector.role,
      arn,
      callerArn: `arn:${partition}:sts::${accountId}:assumed-role/${selector.role}/s3kit-debug`,
      accountId,
      partition,
      groups: [],
      tags: role?.Tags ?? [],
    };
  } catch (err) {
    if (errorCodeOf(err) === "NoSuchEntity") throw principalNotFound(selector);
    throw err;
  }
}

function principalNotFound(selector: { user: string } | { role: string } | { group: string }) {
  if ("user" in selector) {
    return new NotFoundError(
      `IAM user ${selector.user} does not exist.`,
      "List the developers with `s3kit iam list-devs`, or leave out --user to debug your own access.",
      "NoSuchUser",
    );
  }
  if ("group" in selector) {
    return new NotFoundError(
      `IAM group ${selector.group} does not exist.`,
      "Check the group name (`aws iam list-groups`).",
      "NoSuchGroup",
    );
  }
  return new NotFoundError(
    `IAM role ${selector.role} does not exist.`,
    "Check the role name (`aws iam list-roles`).",
    "NoSuchRole",
  );
}

/**
 * The caller a group's policies are evaluated for: a member with no policies, groups or
 * boundary of its own (the name says so wherever the ARN is shown).
 */
export function groupMemberArn(partition: string, accountId: string, group: string): string {
  return `arn:${partition}:iam::${accountId}:user/member-of-${group}`;
}

export async function principalSources(
  iam: IAMClient,
  p: GatheredPrincipal,
): Promise<{ sources: PolicySource[]; boundaryArn?: string }> {
  const sources: PolicySource[] = [];
  const addManaged = async (arns: string[], via: PolicySource["via"]) => {
    for (const arn of arns) {
      const { versionId, document } = await managedDocument(iam, arn);
      const policyName = arn.slice(arn.lastIndexOf("/") + 1);
      sources.push({
        name: via.type === "group" ? `${policyName} (group ${via.name})` : policyName,
        kind: "managed",
        via,
        arn,
        policyName,
        versionId,
        ...(/^arn:[^:]+:iam::aws:policy\//.test(arn) ? { awsManaged: true } : {}),
        document,
      });
    }
  };
  const addInline = (
    names: string[],
    via: PolicySource["via"],
    get: (name: string) => Promise<string | undefined>,
  ) =>
    Promise.all(
      names.map(async (policyName) => {
        const name = `inline:${policyName} (${via.type} ${via.name})`;
        const document = decodePolicyDocument(await get(policyName));
        assertNotTooDeep(document, `Inline policy ${policyName} of ${via.type} ${via.name}`);
        sources.push({ name, kind: "inline", via, policyName, document });
      }),
    );

  const addGroup = async (GroupName: string) => {
    const attached = (
      await allPages((marker) =>
        iam.send(new ListAttachedGroupPoliciesCommand({ GroupName, ...markerInput(marker) })),
      )
    ).flatMap((x) => (x.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? ""));
    await addManaged(attached, { type: "group", name: GroupName });
    const inline = (
      await allPages((marker) =>
        iam.send(new ListGroupPoliciesCommand({ GroupName, ...markerInput(marker) })),
      )
    ).flatMap((x) => x.PolicyNames ?? []);
    await addInline(
      inline,
      { type: "group", name: GroupName },
      async (PolicyName) =>
        (await iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName }))).PolicyDocument,
    );
  };

  let boundaryArn: string | undefined;
  if (p.type === "group") {
    await addGroup(p.name);
  } else if (p.type === "user") {
    const UserName = p.name;
    const user = (await iam.send(new GetUserCommand({ UserName }))).User;
    boundaryArn = user?.PermissionsBoundary?.PermissionsBoundaryArn;
    const attached = (
      await allPages((marker) =>
        iam.send(new ListAttachedUserPoliciesCommand({ UserName, ...markerInput(marker) })),
      )
    ).flatMap((x) => (x.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? ""));
    await addManaged(attached, { type: "user", name: UserName });
    const inline = (
      await allPages((marker) =>
        iam.send(new ListUserPoliciesCommand({ UserName, ...markerInput(marker) })),
      )
    ).flatMap((x) => x.PolicyNames ?? []);
    await addInline(
      inline,
      { type: "user", name: UserName },
      async (PolicyName) =>
        (await iam.send(new GetUserPolicyCommand({ UserName, PolicyName }))).PolicyDocument,
    );
    for (const GroupName of p.groups) await addGroup(GroupName);
  } else {
    const RoleName = p.name;
    const role = (await iam.send(new GetRoleCommand({ RoleName }))).Role;
    boundaryArn = role?.PermissionsBoundary?.PermissionsBoundaryArn;
    const attached = (
      await allPages((marker) =>
        iam.send(new ListAttachedRolePoliciesCommand({ RoleName, ...markerInput(marker) })),
      )
    ).flatMap((x) => (x.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? ""));
    await addManaged(attached, { type: "role", name: RoleName });
    const inline = (
      await allPages((marker) =>
        iam.send(new ListRolePoliciesCommand({ RoleName, ...markerInput(marker) })),
      )
    ).flatMap((x) => x.PolicyNames ?? []);
    await addInline(
      inline,
      { type: "role", name: RoleName },
      async (PolicyName) =>
        (await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }))).PolicyDocument,
    );
  }
  // Inline policies were read in parallel: keep a stable order for output and diffs.
  sources.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  return boundaryArn ? { sources, boundaryArn } : { sources };
}

function order(s: PolicySource): number {
  return (s.via.type === "group" ? 2 : 0) + (s.kind === "inline" ? 1 : 0);
}
