// How a developer's new key reaches the app: the values besides the key (region, endpoint,
// bucket, prefix), under the project's variable names, rendered once or written into a file
// (see ../handover/deliver.ts). Shared by add-dev, rotate-key and init, on either backend.

import type { Aws } from "../../aws/clients.js";
import { type Delivery, deliverCredentials } from "../handover/deliver.js";
import type { CredentialFormat } from "../handover/formats.js";
import type { CredentialValues, EnvMapping } from "../handover/mapping.js";
import type { Grant } from "./grant.js";
import type { NewAccessKey } from "./key-handover.js";
import type { GrantSpec } from "./names.js";

export interface CredentialDelivery {
  format: CredentialFormat;
  /** The variable names (a style, and the project's own). */
  mapping: EnvMapping;
  /** The names were chosen (flags or project file), not the default. */
  namesChosen: boolean;
  /** Write (merge) the credentials into this file; otherwise they come back as text. */
  outPath?: string;
  force: boolean;
}

/** Where the app may put its objects: the grant's prefixes, the user's own folder resolved. */
export function appPrefix(
  grant: Pick<GrantSpec, "prefixes" | "perUserPrefix">,
  userName: string,
): string {
  const own = grant.perUserPrefix ? `${userName}/` : "";
  if (grant.prefixes.length === 0) return own;
  return grant.prefixes.map((p) => p + own).join(" ");
}

/** What an app needs besides the key: region, endpoint (a custom one is named), bucket, prefix. */
export function appCredentialValues(
  aws: Aws,
  userName: string,
  key: NewAccessKey,
  place: { bucket?: string | undefined; prefix?: string | undefined },
): CredentialValues {
  const values: CredentialValues = {
    userName,
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    region: aws.region,
    endpoint: aws.endpoint("s3"),
  };
  if (aws.usesCustomEndpoint) values.customEndpoint = aws.endpoint("s3");
  if (place.bucket) values.bucket = place.bucket;
  if (place.prefix !== undefined) values.prefix = place.prefix;
  return values;
}

/** A new developer's credentials, rendered (no path) or written into `path`. */
export function deliverNewKey(
  aws: Aws,
  input: { userName: string; grant: Grant; delivery: CredentialDelivery },
  key: NewAccessKey,
  path: string | undefined,
): Delivery {
  const { format, mapping, namesChosen, force } = input.delivery;
  return deliverCredentials({
    format,
    mapping,
    namesChosen,
    values: appCredentialValues(aws, input.userName, key, {
      bucket: input.grant.bucket,
      prefix: appPrefix(input.grant, input.userName),
    }),
    ...(path ? { outPath: path } : {}),
    force,
  });
}

/**
 * A rotated key, rendered or written into `path`: a file holding one of the user's
 * previous keys follows (see ../handover/follow.ts). A rotation does not know the prefix:
 * the file's own prefix variable says it (see ../handover/merge.ts).
 */
export function deliverRotatedKey(
  aws: Aws,
  userName: string,
  delivery: Omit<CredentialDelivery, "outPath">,
  key: NewAccessKey,
  context: { bucket?: string; previousKeyIds: readonly string[] },
  path: string | undefined,
): Delivery {
  return deliverCredentials({
    format: delivery.format,
    mapping: delivery.mapping,
    namesChosen: delivery.namesChosen,
    values: appCredentialValues(aws, userName, key, { bucket: context.bucket }),
    ...(path ? { outPath: path } : {}),
    force: delivery.force,
    replaceableKeyIds: context.previousKeyIds,
  });
}
