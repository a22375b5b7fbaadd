// Offline evaluation inputs: the policies of `policy debug` and `policy fix` read from
// files (--policy-file, --boundary-file, --bucket-policy-file, --scp-file; `-` is
// standard input), and the bucket they name when no --bucket is given.

import { UsageError } from "../errors.js";
import { parseS3Arn } from "../policy/arn.js";
import type { NamedPolicy, PolicySet } from "../policy/types.js";
import { type ReadOptions, readPolicyFile } from "./policy-files.js";

export interface OfflinePolicyFiles {
  /** Identity policies. */
  policyFiles?: readonly string[];
  boundaryFile?: string;
  bucketPolicyFile?: string;
  scpFiles?: readonly string[];
}

/** Reads the policies of an offline check. Missing file: exit 3; not a policy: exit 2. */
export async function readOfflinePolicySet(
  files: OfflinePolicyFiles,
  options: ReadOptions,
): Promise<PolicySet> {
  const stdinUses = [
    ...(files.policyFiles ?? []),
    files.boundaryFile,
    files.bucketPolicyFile,
    ...(files.scpFiles ?? []),
  ].filter((f) => f === "-").length;
  if (stdinUses > 1) throw new UsageError("Standard input (-) can be given only once.");
  const set: PolicySet = {};
  const read = (f: string, what: string) => readPolicyFile(f, options, what);
  set.identityPolicies = [];
  for (const f of files.policyFiles ?? []) set.identityPolicies.push(await read(f, "Policy file"));
  if (files.boundaryFile !== undefined) {
    set.boundary = await read(files.boundaryFile, "Boundary file");
  }
  if (files.bucketPolicyFile !== undefined) {
    set.resourcePolicy = await read(files.bucketPolicyFile, "Bucket policy file");
  }
  if (files.scpFiles?.length) {
    set.scps = [];
    for (const f of files.scpFiles) set.scps.push(await read(f, "SCP file"));
  }
  return set;
}

/** Buckets the policies name literally (no wildcards), for a default --bucket. */
export function bucketsNamed(set: PolicySet): string[] {
  const all: NamedPolicy[] = [
    ...(set.identityPolicies ?? []),
    ...(set.boundary ? [set.boundary] : []),
    ...(set.resourcePolicy ? [set.resourcePolicy] : []),
  ];
  const out = new Set<string>();
  for (const p of all) {
    const statements = Array.isArray(p.document.Statement)
      ? p.document.Statement
      : [p.document.Statement];
    for (const st of statements) {
      const rs = st.Resource === undefined ? [] : [st.Resource].flat();
      for (const r of rs) {
        const b = parseS3Arn(String(r))?.bucket;
        if (b && !/[*?$]/.test(b)) out.add(b);
      }
    }
  }
  return [...out].sort();
}
