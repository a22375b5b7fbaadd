// Online `policy debug` and `policy fix`: everything that decides whether a principal
// may act on a bucket, read from IAM and S3 and turned into the policy engine's input.
// The principal's attached and inline policies (default versions), its groups'
// attached and inline policies, its permissions boundary, the bucket policy, the
// bucket's public-access block and default encryption; plus the facts only an online
// look can give (policies attached to someone else, non-default policy versions).

import {
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  type IAMClient,
  ListEntitiesForPolicyCommand,
  type ManagedPolicyDetail,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { mapAwsError } from "../../aws/errors.js";
import { allPages, markerInput } from "../iam/listing.js";
import { decodePolicyDocument } from "../iam/policies.js";
import type {
  BucketFacts,
  DetachedPolicy,
  OnlineFacts,
  PolicyVersionFact,
} from "../policy/diagnose.js";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../policy/json-parse.js";
import type { NamedPolicy, PolicyDocument, PolicySet } from "../policy/types.js";

import { type BucketState, bucketOwner, bucketState } from "./bucket.js";
import { managedDocument } from "./live-documents.js";
import {
  type GatheredPrincipal,
  type PolicySource,
  type PrincipalSelector,
  principalSources,
  resolvePrincipal,
} from "./principal.js";

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
  if (principal.type === "group") {
    notes.push(
      `A group is not a principal: its policies were evaluated for a member with nothing of its own (${principal.callerArn}). A member's own policies, other groups and permissions boundary add to this or limit it: check one member with --user NAME.`,
    );
  }
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
