// Service metadata (actions, their resource types, valid condition keys) as plain data
// with pure lookups. Loading lives in metadata-load.ts so that lint and tests can take
// metadata as an input and the evaluator never needs it.

import { compileWildcard } from "./wildcard.js";

export interface ActionMetadata {
  service: string;
  /** As AWS spells it: `GetObject`. */
  name: string;
  accessLevel: string;
  /** Resource type keys, e.g. `object`, `accesspointobject`, `bucket`. Empty: Resource "*" only. */
  resourceTypes: string[];
  conditionKeys: string[];
}

export interface ResourceTypeMetadata {
  key: string;
  arn: string;
  conditionKeys: string[];
}

export interface ConditionKeyMetadata {
  key: string;
  /** `String`, `ARN`, `Bool`, `Numeric`, `Date`, `IPAddress`, `ArrayOfString`, … */
  type: string;
}

export interface ServiceMetadataData {
  key: string;
  actions: ActionMetadata[];
  resourceTypes: ResourceTypeMetadata[];
  conditionKeys: ConditionKeyMetadata[];
}

/** JSON-serialisable metadata for a few services plus the global condition keys. */
export interface PolicyMetadataData {
  services: ServiceMetadataData[];
  globalConditionKeys: ConditionKeyMetadata[];
}

/** Where an S3 action acts: on a bucket ARN, an object ARN, only `*`, or something else. */
export type S3ResourceScope = "bucket" | "object" | "none" | "other";

export interface PolicyMetadata {
  readonly data: PolicyMetadataData;
  /** Service keys that were loaded (`s3`, `kms`). */
  services(): string[];
  hasService(service: string): boolean;
  /** `s3:getobject` → metadata, case-insensitive. */
  action(fullName: string): ActionMetadata | undefined;
  /** Every action of a service as `s3:GetObject`. */
  actionNames(service: string): string[];
  /** Actions matching a pattern like `s3:Get*`; undefined when the service is not loaded. */
  expandAction(pattern: string): ActionMetadata[] | undefined;
  s3Scope(action: ActionMetadata): S3ResourceScope;
  /** Type of a condition key (service or global), if known. */
  conditionKeyType(key: string): string | undefined;
  /** Is `key` a known condition key at all? undefined when its service is not loaded. */
  conditionKeyExists(key: string): boolean | undefined;
  /** Can `key` be used with this action? Global aws:* keys always can. */
  conditionKeyValidFor(action: ActionMetadata, key: string): boolean;
}

/**
 * Keys with a placeholder (`s3:RequestObjectTag/<key>`, `aws:PrincipalTag/tag-key`,
 * `kms:EncryptionContext:${EncryptionContextKey}`) match by the part before it.
 */
function keyMatcher(key: string): (candidateLc: string) => boolean {
  const lc = key.toLowerCase();
  const cut = [lc.indexOf("<"), lc.indexOf("${"), lc.indexOf("tag-key")].filter((i) => i >= 0);
  if (cut.length === 0) return (c) => c === lc;
  const prefix = lc.slice(0, Math.min(...cut));
  return (c) => c.startsWith(prefix) && c.length > prefix.length;
}

export function createMetadata(data: PolicyMetadataData): PolicyMetadata {
  const byService = new Map<string, ServiceMetadataData>();
  const actions = new Map<string, ActionMetadata>();
  const resourceTypes = new Map<string, ResourceTypeMetadata>();
  const keyTypes: { match: (c: string) => boolean; type: string }[] = [];
  for (const s of data.services) {
    byService.set(s.key.toLowerCase(), s);
    for (const a of s.actions) actions.set(`${s.key}:${a.name}`.toLowerCase(), a);
    for (const r of s.resourceTypes) resourceTypes.set(`${s.key}:${r.key}`.toLowerCase(), r);
    for (const k of s.conditionKeys) keyTypes.push({ match: keyMatcher(k.key), type: k.type });
  }
  const globals = data.globalConditionKeys.map((k) => ({ match: keyMatcher(k.key), type: k.type }));
  keyTypes.push(...globals);

  const expanded = new Map<string, ActionMetadata[]>();
  const validKeysCache = new Map<ActionMetadata, ((c: string) => boolean)[]>();
  const validKeys = (a: ActionMetadata) => {
    let list = validKeysCache.get(a);
    if (!list) {
      const keys = [...a.conditionKeys];
      for (const rt of a.resourceTypes) {
        keys.push(...(resourceTypes.get(`${a.service}:${rt}`.toLowerCase())?.conditionKeys ?? []));
      }
      list = keys.map(keyMatcher);
      validKeysCache.set(a, list);
    }
    return list;
  };

  return {
    data,
    services: () => [...byService.keys()],
    hasService: (service) => byService.has(service.toLowerCase()),
    action: (fullName) => actions.get(fullName.toLowerCase()),
    actionNames: (service) =>
      (byService.get(service.toLowerCase())?.actions ?? []).map((a) => `${a.service}:${a.name}`),
    expandAction(pattern) {
      const colon = pattern.indexOf(":");
      if (colon < 0) return undefined;
      const service = byService.get(pattern.slice(0, colon).toLowerCase());
      if (!service) return undefined;
      const lc = pattern.toLowerCase();
      // Large policies repeat the same few actions thousands of times: match each once.
      let hit = expanded.get(lc);
      if (!hit) {
        const exact = /[*?]/.test(lc) ? undefined : actions.get(lc);
        if (exact) hit = [exact];
        else {
          const m = compileWildcard(pattern.slice(colon + 1), true);
          hit = service.actions.filter((a) => m(a.name.toLowerCase()));
        }
        if (expanded.size >= 4096) expanded.clear();
        expanded.set(lc, hit);
      }
      return [...hit];
    },
    s3Scope(action) {
      const types = action.resourceTypes;
      if (types.length === 0) return "none";
      if (types.includes("object")) return "object";
      if (types.includes("bucket")) return "bucket";
      return "other";
    },
    conditionKeyType(key) {
      const lc = key.toLowerCase();
      return keyTypes.find((k) => k.match(lc))?.type;
    },
    conditionKeyExists(key) {
      const lc = key.toLowerCase();
      const service = lc.slice(0, lc.indexOf(":"));
      if (service !== "aws" && !byService.has(service)) return undefined;
      return keyTypes.some((k) => k.match(lc));
    },
    conditionKeyValidFor(action, key) {
      const lc = key.toLowerCase();
      if (lc.startsWith("aws:")) return globals.some((g) => g.match(lc));
      return validKeys(action).some((m) => m(lc));
    },
  };
}
