// A policy name of the user's choosing (`iam add-dev --policy-name NAME`): the name holds
// one grant, recorded in the policy's tags, so that a second developer given the same
// name and another grant cannot silently change the access of everyone who has it.

import { type IAMClient, ListPoliciesCommand, ListPolicyTagsCommand } from "@aws-sdk/client-iam";
import { isNoSuchEntity } from "../../aws/errors.js";
import { ConflictError } from "../errors.js";
import type { Grant } from "./grant.js";
import { allPages, markerInput } from "./listing.js";
import {
  describePrefixes,
  isManagedByS3kit,
  S3KIT_PATH,
  type Tag,
  tagOf,
  tagValue,
} from "./names.js";

/** Tag on s3kit's policies: the grant the policy holds, in words. */
export const POLICY_GRANT_TAG = "s3kit:grant";

/** `read-write access to my-bucket under media/` */
export function describeGrant(
  grant: Pick<Grant, "access" | "bucket" | "prefixes" | "perUserPrefix">,
): string {
  const prefixes = describePrefixes(grant);
  return `${grant.access} access to ${grant.bucket}${prefixes ? ` under ${prefixes}` : ""}`;
}

export function policyGrantTag(grant: Grant): Tag {
  return { Key: POLICY_GRANT_TAG, Value: tagValue(describeGrant(grant)) };
}

/**
 * Before anything changes: a policy of that name anywhere in the account is s3kit's and
 * holds this very grant, or the name is refused (exit 5). Only for a chosen name: a
 * derived name is the grant's own.
 */
export async function checkChosenPolicyName(iam: IAMClient, grant: Grant): Promise<void> {
  if (grant.name === grant.derivedName) return;
  const pages = await allPages((marker) =>
    iam.send(new ListPoliciesCommand({ Scope: "Local", ...markerInput(marker) })),
  );
  const found = pages.flatMap((p) => p.Policies ?? []).find((p) => p.PolicyName === grant.name);
  if (!found?.Arn) return;
  let tags: Tag[] = [];
  if (found.Path === S3KIT_PATH) {
    try {
      const answer = await iam.send(new ListPolicyTagsCommand({ PolicyArn: found.Arn }));
      tags = (answer.Tags ?? []).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" }));
    } catch (err) {
      if (!isNoSuchEntity(err)) throw err;
      return;
    }
  }
  if (!isManagedByS3kit(tags)) {
    throw new ConflictError(
      `A policy named ${grant.name} exists and was not made by s3kit (${found.Arn}).`,
      "Choose another --policy-name: s3kit changes only the policies it made.",
      "PolicyNotManaged",
    );
  }
  const held = tagOf(tags, POLICY_GRANT_TAG);
  if (held !== policyGrantTag(grant).Value) {
    throw new ConflictError(
      `Policy ${grant.name} holds another grant (${held ?? "one made before s3kit recorded it"}); giving this developer ${describeGrant(grant)} under that name would change the access of everyone who has it.`,
      "Choose another --policy-name (one name per grant), or give the same access and prefixes as the others who have it.",
      "PolicyHoldsAnotherGrant",
    );
  }
}
