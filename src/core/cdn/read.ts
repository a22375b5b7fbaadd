// Reading CloudFront: the distributions in front of a bucket (s3kit's own recognised by its
// tags), origin access controls by name, a distribution's configuration with its ETag, and
// waiting for a change to be deployed.
import {
  type CloudFrontClient,
  type DistributionConfig,
  type DistributionSummary,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListOriginAccessControlsCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudfront";
import type { Aws } from "../../aws/clients.js";
import { listingError } from "./errors.js";
import { BUCKET_TAG, MANAGED_BY_TAG, originServesBucket } from "./names.js";

export interface FrontDistribution {
  id: string;
  arn: string;
  domainName: string;
  status: string;
  enabled: boolean;
  aliases: string[];
  comment: string;
  priceClass: string;
  /** The origins that point at the bucket, with the origin access control each uses. */
  origins: {
    id: string;
    domainName: string;
    originAccessControlId: string | null;
    originAccessIdentity: string | null;
  }[];
  /** s3kit made it for this bucket (tags `managed-by=s3kit` and `s3kit:bucket=BUCKET`). */
  managedByS3kit: boolean;
}

/** Every distribution with an origin on this bucket, s3kit's own first. */
export async function distributionsInFront(aws: Aws, bucket: string): Promise<FrontDistribution[]> {
  const cf = await aws.cloudfront();
  const summaries: DistributionSummary[] = [];
  let marker: string | undefined;
  do {
    const page = await cf
      .send(new ListDistributionsCommand(marker ? { Marker: marker } : {}))
      .catch((err) => {
        throw listingError(err, "ListDistributions", aws.endpoint("cloudfront"));
      });
    const list = page.DistributionList;
    summaries.push(...(list?.Items ?? []));
    marker = list?.IsTruncated ? list.NextMarker : undefined;
  } while (marker);

  const inFront = summaries.filter((d) =>
    (d.Origins?.Items ?? []).some((o) => originServesBucket(o.DomainName ?? "", bucket)),
  );
  const found = await Promise.all(
    inFront.map(async (d): Promise<FrontDistribution> => {
      const tags = await tagsOf(cf, d.ARN ?? "");
      return {
        id: d.Id ?? "",
        arn: d.ARN ?? "",
        domainName: d.DomainName ?? "",
        status: d.Status ?? "",
        enabled: d.Enabled === true,
        aliases: d.Aliases?.Items ?? [],
        comment: d.Comment ?? "",
        priceClass: d.PriceClass ?? "",
        origins: (d.Origins?.Items ?? [])
          .filter((o) => originServesBucket(o.DomainName ?? "", bucket))
          .map((o) => ({
            id: o.Id ?? "",
            domainName: o.DomainName ?? "",
            originAccessControlId: o.OriginAccessControlId || null,
            originAccessIdentity: o.S3OriginConfig?.OriginAccessIdentity || null,
          })),
        managedByS3kit:
          tags[MANAGED_BY_TAG.Key] === MANAGED_BY_TAG.Value && tags[BUCKET_TAG] === bucket,
      };
    }),
  );
  return found.sort((a, b) => Number(b.managedByS3kit) - Number(a.managedByS3kit));
}

async function tagsOf(cf: CloudFrontClient, arn: string): Promise<Record<string, string>> {
  const out = await cf.send(new ListTagsForResourceCommand({ Resource: arn }));
  return Object.fromEntries((out.Tags?.Items ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

export interface OriginAccessControl {
  Id: string;
  Name: string;
  SigningBehavior: string;
  SigningProtocol: string;
  OriginAccessControlOriginType: string;
}

/** Every origin access control in the account (their names are unique). */
export async function listOriginAccessControls(aws: Aws): Promise<OriginAccessControl[]> {
  const cf = await aws.cloudfront();
  const all: OriginAccessControl[] = [];
  let marker: string | undefined;
  do {
    const page = await cf
      .send(new ListOriginAccessControlsCommand(marker ? { Marker: marker } : {}))
      .catch((err) => {
        throw listingError(err, "ListOriginAccessControls", aws.endpoint("cloudfront"));
      });
    const list = page.OriginAccessControlList;
    for (const o of list?.Items ?? []) {
      all.push({
        Id: o.Id ?? "",
        Name: o.Name ?? "",
        SigningBehavior: o.SigningBehavior ?? "",
        SigningProtocol: o.SigningProtocol ?? "",
        OriginAccessControlOriginType: o.OriginAccessControlOriginType ?? "",
      });
    }
    marker = list?.IsTruncated ? list.NextMarker : undefined;
  } while (marker);
  return all;
}

export async function distributionConfig(
  aws: Aws,
  id: string,
): Promise<{ config: DistributionConfig; etag: string }> {
  const cf = await aws.cloudfront();
  const out = await cf.send(new GetDistributionConfigCommand({ Id: id }));
  return { config: out.DistributionConfig as DistributionConfig, etag: out.ETag ?? "" };
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal | undefined;
  /** Called after each poll that found the change still in progress. */
  onPoll?: (elapsedMs: number) => void;
}

/**
 * Polls until CloudFront reports the distribution Deployed. CloudFront takes minutes to
 * spread a change to every edge location; a deletion needs that done first.
 */
export async function waitForDeployed(
  aws: Aws,
  id: string,
  options: WaitOptions,
): Promise<{ outcome: "deployed" | "timeout" | "interrupted"; etag: string }> {
  const cf = await aws.cloudfront();
  const started = Date.now();
  for (;;) {
    const out = await cf.send(new GetDistributionCommand({ Id: id }));
    const etag = out.ETag ?? "";
    if (out.Distribution?.Status === "Deployed") return { outcome: "deployed", etag };
    const elapsed = Date.now() - started;
    if (elapsed + options.pollMs > options.timeoutMs) return { outcome: "timeout", etag };
    options.onPoll?.(elapsed);
    const interrupted = await sleep(options.pollMs, options.signal);
    if (interrupted) return { outcome: "interrupted", etag };
  }
}

/** Resolves true when the signal aborted the sleep. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
