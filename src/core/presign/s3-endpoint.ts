import { describeCharacter, findControlCharacter } from "../control-characters.js";
import { PresignInputError } from "./errors.js";
import { encodeRfc3986 } from "./uri-encode.js";

/**
 * Where an S3 request for a bucket goes, reproducing the S3 endpoint rule set of
 * the AWS SDK for JavaScript v3 (client-s3) for plain bucket names, so that URLs
 * signed here are byte-identical to the SDK's. ARNs, S3 Express directory buckets,
 * FIPS and "*-global" pseudo-regions are not handled here (resolveBucketAddress
 * returns undefined) and go through the SDK instead.
 */
export interface BucketAddress {
  /** Scheme and authority, e.g. "https://my-bucket.s3.eu-west-1.amazonaws.com". */
  origin: string;
  /** The Host header as signed: hostname, plus ":port" unless it is the scheme's default. */
  host: string;
  /** The path before the key, ending in "/": "/", "/my.bucket/", "/base/my-bucket/". */
  keyPathPrefix: string;
  /** The bucket's own path (what a browser POSTs a form to): "/" or "/my.bucket". */
  bucketPath: string;
  virtualHosted: boolean;
}

/** A custom endpoint (`--endpoint-url`), parsed once. */
export interface CustomEndpoint {
  scheme: "http" | "https";
  /** WHATWG-normalised host (lowercase, IPv4 in dotted form, default port dropped). */
  host: string;
  pathname: string;
  isIp: boolean;
}

export interface EndpointSettings {
  region: string;
  endpoint?: CustomEndpoint | undefined;
  forcePathStyle: boolean;
}

// The partitions of @aws-sdk/core's partitions.json (regex and DNS suffix), in its
// order. Regions that match none resolve to the "aws" partition, as in the SDK.
const PARTITIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, "amazonaws.com"],
  [/^cn-\w+-\d+$/, "amazonaws.com.cn"],
  [/^eusc-(de)-\w+-\d+$/, "amazonaws.eu"],
  [/^us-iso-\w+-\d+$/, "c2s.ic.gov"],
  [/^us-isob-\w+-\d+$/, "sc2s.sgov.gov"],
  [/^eu-isoe-\w+-\d+$/, "cloud.adc-e.uk"],
  [/^us-isof-\w+-\d+$/, "csp.hci.ic.gov"],
  [/^us-gov-\w+-\d+$/, "amazonaws.com"],
];

const HOST_LABEL = /^(?!.*-$)(?!-)[a-zA-Z0-9-]{1,63}$/;
const IPV4 =
  /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/;

/** The SDK's regional check: a region must be usable as a DNS label. */
export function isValidRegion(region: string): boolean {
  return HOST_LABEL.test(region);
}

/**
 * True for regions whose endpoints the SDK derives with special rules (FIPS
 * variants, "aws-global" and friends): those are signed through the SDK.
 */
export function isSpecialRegion(region: string): boolean {
  return (
    region.startsWith("fips-") ||
    region.endsWith("-fips") ||
    region.endsWith("-global") ||
    region !== region.toLowerCase()
  );
}

/**
 * True for bucket names the SDK routes through rules other than the plain ones:
 * ARNs (access points, Outposts, Object Lambda, multi-Region access points) and
 * S3 Express One Zone directory buckets.
 */
export function isSpecialBucket(bucket: string): boolean {
  return bucket.startsWith("arn:") || bucket.endsWith("--x-s3") || bucket.endsWith("--xa-s3");
}

export function parseCustomEndpoint(endpoint: string): CustomEndpoint {
  const bad = (why: string): PresignInputError =>
    new PresignInputError(
      "InvalidEndpoint",
      `Endpoint URL "${endpoint}" ${why}.`,
      "Give the endpoint as scheme://host[:port][/path], e.g. http://127.0.0.1:9000 or https://s3.example.com.",
    );
  // The URL parser would drop line breaks and trim other control characters silently.
  const control = findControlCharacter(endpoint);
  if (control) throw bad(`contains a control character, ${describeCharacter(control.char)}`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw bad("is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw bad("must start with http:// or https://");
  // The SDK silently drops these; refusing them is kinder than signing for a URL
  // that is not the one the user wrote.
  if (url.search !== "" || url.hash !== "") throw bad("must not have a query string or fragment");
  if (url.username !== "" || url.password !== "")
    throw bad("must not contain a user name or password");
  return {
    scheme: url.protocol === "http:" ? "http" : "https",
    host: url.host,
    pathname: url.pathname,
    isIp: IPV4.test(url.hostname) || url.hostname.startsWith("["),
  };
}

/**
 * Resolves the URL parts for a bucket, or undefined when the bucket or region needs
 * one of the SDK's special rules. The caller has checked the region with isValidRegion.
 */
export function resolveBucketAddress(
  settings: EndpointSettings,
  bucket: string,
): BucketAddress | undefined {
  const { region, endpoint, forcePathStyle } = settings;
  if (bucket === "" || bucket.includes("/") || isSpecialBucket(bucket) || isSpecialRegion(region)) {
    return undefined;
  }
  if (endpoint === undefined) {
    const suffix = dnsSuffix(region);
    if (!forcePathStyle && isVirtualHostableBucket(bucket, false)) {
      return virtualHosted("https", `${bucket}.s3.${region}.${suffix}`, "/");
    }
    return pathStyle("https", `s3.${region}.${suffix}`, "/", bucket);
  }
  // Virtual hosting cannot work on an IP address. The SDK's rules agree for
  // DNS-compatible names but build an invalid "bucket.with.dots.127.0.0.1" host for
  // dotted names on plain http; path style is the only URL that can work there.
  if (!forcePathStyle && !endpoint.isIp) {
    const hostable =
      isVirtualHostableBucket(bucket, false) ||
      (endpoint.scheme === "http" && isVirtualHostableBucket(bucket, true));
    if (hostable)
      return virtualHosted(endpoint.scheme, `${bucket}.${endpoint.host}`, endpoint.pathname);
  }
  return pathStyle(endpoint.scheme, endpoint.host, withTrailingSlash(endpoint.pathname), bucket);
}

function virtualHosted(scheme: string, host: string, pathname: string): BucketAddress {
  // The SDK appends the operation path "/{Key+}" to the endpoint's path unless
  // that path is exactly "/", so an endpoint path "/base/" yields "/base//key".
  return {
    origin: `${scheme}://${host}`,
    host,
    keyPathPrefix: pathname === "/" ? "/" : `${pathname}/`,
    bucketPath: pathname,
    virtualHosted: true,
  };
}

function pathStyle(
  scheme: string,
  host: string,
  normalizedPath: string,
  bucket: string,
): BucketAddress {
  const bucketPath = `${normalizedPath}${encodeRfc3986(bucket)}`;
  return {
    origin: `${scheme}://${host}`,
    host,
    keyPathPrefix: `${bucketPath}/`,
    bucketPath,
    virtualHosted: false,
  };
}

function withTrailingSlash(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

function dnsSuffix(region: string): string {
  for (const [pattern, suffix] of PARTITIONS) {
    if (pattern.test(region)) return suffix;
  }
  return "amazonaws.com";
}

/**
 * The SDK's aws.isVirtualHostableS3Bucket: 3-63 characters, lowercase, a valid DNS
 * label, not an IPv4 address; with `allowSubDomains` every dot-separated label
 * must pass on its own. One addition: labels starting with "xn--" (reserved for
 * punycode, and not allowed in bucket names) are refused, because the SDK builds a
 * host name the URL parser rejects for them.
 */
export function isVirtualHostableBucket(bucket: string, allowSubDomains: boolean): boolean {
  if (allowSubDomains)
    return bucket.split(".").every((label) => isVirtualHostableBucket(label, false));
  return (
    bucket.length >= 3 &&
    bucket.length <= 63 &&
    HOST_LABEL.test(bucket) &&
    bucket === bucket.toLowerCase() &&
    !IPV4.test(bucket) &&
    !bucket.startsWith("xn--")
  );
}
