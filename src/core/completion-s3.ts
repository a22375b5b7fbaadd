import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { Aws } from "../aws/clients.js";
import { listBuckets } from "./s3/list-buckets.js";

/**
 * Bucket names (`s3://name/`) or the keys and folders under a prefix, for the word
 * being completed. A completion must never hang a shell: after `timeoutMs`, nothing.
 */
export async function listS3Completions(
  aws: Aws,
  prefix: string,
  timeoutMs = 2_000,
): Promise<string[]> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  const s3 = await aws.s3();
  const rest = prefix.slice("s3://".length);
  const slash = rest.indexOf("/");
  try {
    if (slash === -1) {
      const names: string[] = [];
      for await (const b of listBuckets(s3, { signal: abortSignal })) {
        const candidate = `s3://${b.name}/`;
        if (candidate.startsWith(prefix)) names.push(candidate);
      }
      return names;
    }
    const bucket = rest.slice(0, slash);
    const keyPrefix = rest.slice(slash + 1);
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, Delimiter: "/", MaxKeys: 200 }),
      { abortSignal },
    );
    const folders = (page.CommonPrefixes ?? []).map((p) => `s3://${bucket}/${p.Prefix}`);
    const keys = (page.Contents ?? []).map((o) => `s3://${bucket}/${o.Key}`);
    return [...folders, ...keys];
  } catch {
    // No credentials, no network, too slow: offer nothing rather than an error in the prompt.
    return [];
  }
}
