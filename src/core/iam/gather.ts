// Online `policy debug` and `policy fix`: everything that decides whether a principal
// may act on a bucket, read from IAM and S3 and turned into the policy engine's input.
// The principal's attached and inline policies (default versions), its groups'
// attached and inline policies, its permissions boundary, the bucket policy, the
// bucket's public-access block and default encryption; plus the facts only an online
// look can give (policies attached to someone else, non-default policy versions).

import {
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type ManagedPolicyDetail,
} from "@aws-sdk/client-iam";
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  type PublicAccessBlockConfiguration,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, httpStatusOf, mapAwsError, regionFromError } from "../../aws/errors.js";
import { NotFoundError, UsageError } from "../errors.js";
import type {
  BucketFacts,
  DetachedPolicy,
  OnlineFacts,
  PolicyVersionFact,
} from "../policy/diagnose.js";
import { nestedTooDeeply } from "../policy/errors.js";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../policy/json-parse.js";
import type { NamedPolicy, PolicyDocument, PolicySet } from "../policy/types.js";
import { allPages, markerInput } from "./listing.js";
import { decodePolicyDocument } from "./policies.js";

export type PrincipalSelector = { user: string } | { role: string } | { caller: true };

export interface GatheredPrincipal {
  type: "user" | "role";
  name: string;
  /** The user or role ARN (what IAM APIs and SimulatePrincipalPolicy take). */
  arn: string;
  /** The ARN the evaluation uses as the caller: the user, or a session of the role. */
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

/** Which account owns the bucket, and how s3kit knows. */
export interface BucketOwner {
  /** Unset when another account owns the bucket but its ID is not visible. */
  accountId?: string;
  /**
   * given: --bucket-account; confirmed: S3 accepted ExpectedBucketOwner with the
   * principal's account and refused another; other-account: S3 refused the principal's
   * account; assumed: the endpoint does not say (it ignores ExpectedBucketOwner), so the
   * principal's account is taken.
   */
  source: "given" | "confirmed" | "other-account" | "assumed";
}

export interface BucketState {
  name: string;
  /** exists, missing, forbidden (exists, the caller may not look), other-region */
  status: "exists" | "missing" | "forbidden" | "other-region";
  region?: string;
  policy?: PolicyDocument;
  publicAccessBlock?: PublicAccessBlockConfiguration | null;
  encryption?: { type: "SSE-S3" } | { type: "SSE-KMS"; kmsKeyArn: string } | { type: "none" };
  owner?: BucketOwner;
}

export interface Gathered {
  principal: GatheredPrincipal;
  sources: PolicySource[];
  boundary?: { arn: string; versionId?: string; document: PolicyDocument };
  bucket: BucketState;
  policySet: PolicySet;
  facts: { bucket: BucketFacts; online: OnlineFacts };
  /** What could not be read, in plain words (the evaluation is then incomplete). */
  notes: string[];
}

export interface GatherOptions {
  bucket: string;
  principal: PrincipalSelector;
  /** Look for policies attached elsewhere and non-default versions (default true). */
  online?: boolean;
  /** The account that owns the bucket (--bucket-account); looked up when left out. */
  bucketAccount?: string;
}

async function managedDocument(
  iam: IAMClient,
  arn: string,
): Promise<{ versionId: string; document: PolicyDocument }> {
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const versionId = policy.Policy?.DefaultVersionId ?? "v1";
  const version = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }),
  );
  const document = decodePolicyDocument(version.PolicyVersion?.Document);
  assertNotTooDeep(document, `Policy ${arn} (${versionId})`);
  return { versionId, document };
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
    if (errorCodeOf(err) === "NoSuchEntity") {
      const [kind, name] = "user" in selector ? ["user", selector.user] : ["role", selector.role];
      throw new NotFoundError(
        `IAM ${kind} ${name} does not exist.`,
        kind === "user"
          ? "List the developers with `s3kit iam list-devs`, or leave out --user to debug your own access."
          : "Check the role name (`aws iam list-roles`).",
        kind === "user" ? "NoSuchUser" : "NoSuchRole",
      );
    }
    throw err;
  }
}

async function principalSources(
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

  let boundaryArn: string | undefined;
  if (p.type === "user") {
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
    for (const GroupName of p.groups) {
      const gAttached = (
        await allPages((marker) =>
          iam.send(new ListAttachedGroupPoliciesCommand({ GroupName, ...markerInput(marker) })),
        )
      ).flatMap((x) => (x.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? ""));
      await addManaged(gAttached, { type: "group", name: GroupName });
      const gInline = (
        await allPages((marker) =>
          iam.send(new ListGroupPoliciesCommand({ GroupName, ...markerInput(marker) })),
        )
      ).flatMap((x) => x.PolicyNames ?? []);
      await addInline(
        gInline,
        { type: "group", name: GroupName },
        async (PolicyName) =>
          (await iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName }))).PolicyDocument,
      );
    }
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

/** Bucket existence, region, policy, public-access block and default encryption. */
export async function bucketState(
  aws: Aws,
  bucket: string,
  accountId: string,
  notes: string[],
): Promise<BucketState> {
  const s3 = await aws.s3();
  const state: BucketState = { name: bucket, status: "exists" };
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    if (head.BucketRegion) state.region = head.BucketRegion;
    if (head.BucketRegion && head.BucketRegion !== aws.region) state.status = "other-region";
  } catch (err) {
    const status = httpStatusOf(err);
    const other = regionFromError(err);
    if (status === 404) state.status = "missing";
    else if (status === 301 || (other && other !== aws.region)) {
      state.status = "other-region";
      if (other) state.region = other;
    } else if (status === 403) state.status = "forbidden";
    else throw mapAwsError(err, { bucket });
  }
  if (state.status !== "exists") return state;

  const readable = async <T>(what: string, read: () => Promise<T>, absent: string[]) => {
    try {
      return await read();
    } catch (err) {
      if (absent.includes(errorCodeOf(err)) || (httpStatusOf(err) === 404 && absent.length > 0)) {
        return undefined;
      }
      notes.push(`Could not read the bucket's ${what}: ${mapAwsError(err, { bucket }).message}`);
      return null;
    }
  };
  const [policy, pab, encryption] = await Promise.all([
    readable(
      "policy",
      async () => (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy,
      ["NoSuchBucketPolicy"],
    ),
    readable(
      "public-access block",
      async () =>
        (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))
          .PublicAccessBlockConfiguration,
      ["NoSuchPublicAccessBlockConfiguration"],
    ),
    readable(
      "default encryption",
      async () =>
        (await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })))
          .ServerSideEncryptionConfiguration,
      ["ServerSideEncryptionConfigurationNotFoundError"],
    ),
  ]);
  if (typeof policy === "string" && policy.trim() !== "") {
    try {
      state.policy = JSON.parse(policy) as PolicyDocument;
    } catch {
      notes.push("The bucket policy is not valid JSON; it was left out of the evaluation.");
    }
    if (state.policy) assertNotTooDeep(state.policy, `The bucket policy of ${bucket}`);
  }
  if (pab !== null) state.publicAccessBlock = pab ?? null;
  if (encryption !== null) {
    const rule = encryption?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    if (!rule) state.encryption = { type: "none" };
    else if (rule.SSEAlgorithm?.startsWith("aws:kms")) {
      state.encryption = {
        type: "SSE-KMS",
        kmsKeyArn: kmsKeyArn(rule.KMSMasterKeyID, aws.region, accountId),
      };
    } else state.encryption = { type: "SSE-S3" };
  }
  return state;
}

/**
 * Who owns the bucket. S3 has no call that names the owner's account to someone else, but
 * it refuses a request whose ExpectedBucketOwner is not the owner: HeadBucket with the
 * principal's account tells same or other account, and HeadBucket with a made-up account
 * tells whether the endpoint checks the parameter at all (moto and MinIO ignore it).
 */
export async function bucketOwner(
  aws: Aws,
  bucket: string,
  accountId: string,
  notes: string[],
): Promise<BucketOwner> {
  const s3 = await aws.s3();
  const head = async (expected: string): Promise<"ok" | "refused" | "failed"> => {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: expected }));
      return "ok";
    } catch (err) {
      return httpStatusOf(err) === 403 ? "refused" : "failed";
    }
  };
  const assumed = (why: string): BucketOwner => {
    notes.push(
      `${why}: bucket ${bucket} was evaluated as in account ${accountId}, the principal's. If another account owns it, pass --bucket-account ID.`,
    );
    return { accountId, source: "assumed" };
  };
  if (!/^\d{12}$/.test(accountId)) return assumed("The principal's account is not known");
  const mine = await head(accountId);
  if (mine === "refused") {
    notes.push(
      `Bucket ${bucket} belongs to another account than ${accountId} (S3 refused ExpectedBucketOwner=${accountId}), so both its bucket policy and the principal's own policies must allow each request. Pass --bucket-account ID to name that account.`,
    );
    return { source: "other-account" };
  }
  if (mine === "failed") return assumed("Could not ask S3 which account owns the bucket");
  const decoy = accountId === "000000000000" ? "000000000001" : "000000000000";
  if ((await head(decoy)) === "refused") return { accountId, source: "confirmed" };
  return assumed(
    `${aws.endpoint("s3")} does not check ExpectedBucketOwner, so it cannot say which account owns the bucket`,
  );
}

/**
 * A policy read from IAM or S3 is input like a file: nested thousands deep it would
 * exhaust the stack later on (copying, printing), so it is exit 2 here.
 */
function assertNotTooDeep(document: unknown, source: string): void {
  if (nestedDeeperThan(document, MAX_JSON_DEPTH)) {
    throw nestedTooDeeply(source, undefined, MAX_JSON_DEPTH);
  }
}

/** Bucket encryption may name the key by id, alias or ARN; policies need the key ARN. */
export function kmsKeyArn(id: string | undefined, region: string, accountId: string): string {
  if (!id) return `arn:aws:kms:${region}:${accountId}:alias/aws/s3`;
  if (id.startsWith("arn:")) return id;
  if (id.startsWith("alias/")) return `arn:aws:kms:${region}:${accountId}:${id}`;
  return `arn:aws:kms:${region}:${accountId}:key/${id}`;
}

/**
 * Customer managed policies the principal does not have that mention the bucket, and the
 * non-default versions of the ones it has: one paginated call for the whole account.
 */
async function onlineFacts(
  iam: IAMClient,
  bucket: string,
  sources: readonly PolicySource[],
  notes: string[],
): Promise<OnlineFacts> {
  let pages: GetAccountAuthorizationDetailsCommandOutput[];
  try {
    pages = await allPages((marker) =>
      iam.send(
        new GetAccountAuthorizationDetailsCommand({
          Filter: ["LocalManagedPolicy"],
          ...markerInput(marker),
        }),
      ),
    );
  } catch (err) {
    notes.push(
      `Could not list the account's policies (${mapAwsError(err).message}); policies attached to others and old versions were not checked.`,
    );
    return {};
  }
  const attached = new Set(sources.filter((s) => s.arn).map((s) => s.arn));
  const policies: ManagedPolicyDetail[] = pages.flatMap((p) => p.Policies ?? []);
  // Other policies are only candidates for a diagnosis: one that cannot be read is skipped.
  const documentOf = (doc: string | undefined) => {
    try {
      const document = decodePolicyDocument(doc);
      return nestedDeeperThan(document, MAX_JSON_DEPTH) ? undefined : document;
    } catch {
      return undefined;
    }
  };
  const detachedPolicies: DetachedPolicy[] = [];
  const policyVersions: PolicyVersionFact[] = [];
  for (const p of policies) {
    const arn = p.Arn ?? "";
    const name = p.PolicyName ?? arn.slice(arn.lastIndexOf("/") + 1);
    if (attached.has(arn)) {
      for (const v of p.PolicyVersionList ?? []) {
        if (v.IsDefaultVersion) continue;
        const document = documentOf(v.Document);
        if (!document) continue;
        policyVersions.push({
          policyName: name,
          policyArn: arn,
          versionId: v.VersionId ?? "",
          defaultVersionId: p.DefaultVersionId ?? "",
          document,
        });
      }
      continue;
    }
    const current = p.PolicyVersionList?.find((v) => v.IsDefaultVersion);
    const document = documentOf(current?.Document);
    if (!document || !JSON.stringify(document).includes(bucket)) continue;
    const attachedTo: string[] = [];
    try {
      const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
      for (const g of entities.PolicyGroups ?? []) attachedTo.push(`group/${g.GroupName}`);
      for (const u of entities.PolicyUsers ?? []) attachedTo.push(`user/${u.UserName}`);
      for (const r of entities.PolicyRoles ?? []) attachedTo.push(`role/${r.RoleName}`);
    } catch {
      // Who has it is a detail; the policy itself still tells the story.
    }
    detachedPolicies.push({ name, arn, attachedTo, document });
  }
  return { detachedPolicies, policyVersions };
}

/** Reads everything that decides the principal's access to the bucket. */
export async function gatherPolicies(aws: Aws, options: GatherOptions): Promise<Gathered> {
  const iam = await aws.iam();
  const notes: string[] = [];
  const principal = await resolvePrincipal(aws, options.principal);
  const [{ sources, boundaryArn }, bucket] = await Promise.all([
    principalSources(iam, principal),
    bucketState(aws, options.bucket, principal.accountId, notes),
  ]);
  if (options.bucketAccount !== undefined) {
    bucket.owner = { accountId: options.bucketAccount, source: "given" };
  } else if (bucket.status === "exists") {
    bucket.owner = await bucketOwner(aws, options.bucket, principal.accountId, notes);
  }
  let boundary: Gathered["boundary"];
  if (boundaryArn) {
    const { versionId, document } = await managedDocument(iam, boundaryArn);
    boundary = { arn: boundaryArn, versionId, document };
  }
  const online =
    options.online === false ? {} : await onlineFacts(iam, options.bucket, sources, notes);
  const policySet: PolicySet = {
    identityPolicies: sources.map((s): NamedPolicy => ({ name: s.name, document: s.document })),
  };
  if (boundary) {
    policySet.boundary = {
      name: `boundary:${boundary.arn.slice(boundary.arn.lastIndexOf("/") + 1)}`,
      document: boundary.document,
    };
  }
  if (bucket.policy)
    policySet.resourcePolicy = { name: `bucket-policy:${bucket.name}`, document: bucket.policy };
  const bucketFacts: BucketFacts = {};
  if (bucket.encryption?.type === "SSE-KMS" || bucket.encryption?.type === "SSE-S3") {
    bucketFacts.encryption = bucket.encryption;
  }
  const result: Gathered = {
    principal,
    sources,
    bucket,
    policySet,
    facts: { bucket: bucketFacts, online },
    notes,
  };
  if (boundary) result.boundary = boundary;
  return result;
}
