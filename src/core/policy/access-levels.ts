// The action lists of each access level, read from the templates so that the
// templates stay the single source of truth. Printed in --help and the README.

import {
  ACCESS_LEVEL_NAMES,
  type AccessLevel,
  POLICY_TEMPLATES,
  resourcePlaceholder,
} from "./templates.js";

export interface AccessLevelInfo {
  level: AccessLevel;
  summary: string;
  /** On the bucket ARN, limited by an s3:prefix condition when prefixes are given. */
  listActions: string[];
  /** On the bucket ARN, not limited by prefixes. */
  bucketActions: string[];
  /** On the object ARNs (`bucket/*` or `bucket/PREFIX*`). */
  objectActions: string[];
  /** On the KMS key, added with --kms-key for SSE-KMS buckets. */
  kmsActions: string[];
}

const SUMMARIES: Record<AccessLevel, string> = {
  read: "list and download objects",
  upload: "upload objects only (including multipart uploads); no listing or reading",
  "read-write": "list, download and upload objects",
  "read-write-delete": "list, download, upload and delete objects (and their versions)",
  admin:
    "everything in read-write-delete plus the bucket's configuration (not deleting the bucket)",
};

function actionsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
}

function describe(level: AccessLevel): AccessLevelInfo {
  const info: AccessLevelInfo = {
    level,
    summary: SUMMARIES[level],
    listActions: [],
    bucketActions: [],
    objectActions: [],
    kmsActions: [],
  };
  for (const st of POLICY_TEMPLATES[level].Statement) {
    const actions = actionsOf(st.Action);
    switch (resourcePlaceholder(st)) {
      case "bucketArn":
        (st.Condition !== undefined ? info.listActions : info.bucketActions).push(...actions);
        break;
      case "objectArns":
        info.objectActions.push(...actions);
        break;
      case "kmsKeyArn":
        info.kmsActions.push(...actions);
        break;
    }
  }
  return info;
}

export const ACCESS_LEVELS: Readonly<Record<AccessLevel, AccessLevelInfo>> = Object.fromEntries(
  ACCESS_LEVEL_NAMES.map((l) => [l, describe(l)]),
) as Record<AccessLevel, AccessLevelInfo>;

/** Every S3 action a level grants (list, bucket and object actions). */
export function s3ActionsOf(level: AccessLevel): string[] {
  const i = ACCESS_LEVELS[level];
  return [...i.listActions, ...i.bucketActions, ...i.objectActions];
}
