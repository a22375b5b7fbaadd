import { describeCharacter, findControlCharacter } from "../core/control-characters.js";
import { UsageError } from "../core/errors.js";

export type Service = "s3" | "iam" | "sts" | "cloudfront" | "acm";
export const services: readonly Service[] = ["s3", "iam", "sts", "cloudfront", "acm"];

/** The global options that decide how s3kit talks to AWS. */
export interface ConnectionOptions {
  profile?: string | undefined;
  region?: string | undefined;
  endpointUrl?: string | undefined;
  pathStyle?: boolean | undefined;
}

/** What the shared config file says for the selected profile (only the keys s3kit reads). */
export interface ProfileConfig {
  region?: string | undefined;
  endpoint_url?: string | undefined;
  ca_bundle?: string | undefined;
}

export interface Resolved<T> {
  value: T;
  /** Where the value came from, for `whoami` and `doctor`: `--region`, `AWS_REGION`, `profile dev`, `default`. */
  source: string;
}

export interface AwsSettings {
  profile: Resolved<string | undefined>;
  region: Resolved<string>;
  endpoints: Record<Service, Resolved<string> | undefined>;
  forcePathStyle: boolean;
  caBundle: Resolved<string> | undefined;
  /**
   * How transfers send object data: "lean" (s3kit's own requests, see aws/lean-s3) or "sdk"
   * (S3KIT_OBJECT_REQUESTS=sdk, or FIPS / dual-stack endpoints, whose rules only the SDK has).
   */
  objectRequests?: "lean" | "sdk";
}

type Env = Readonly<Record<string, string | undefined>>;

// us-east-1 is where the global services (IAM, STS) live and what the AWS CLI assumes for S3.
export const DEFAULT_REGION = "us-east-1";

// The shape of AWS's region codes (us-east-1, us-gov-west-1, eusc-de-east-1), not a list of
// them: regions newer than s3kit must work. At most 63 characters, as every DNS label.
const AWS_REGION_PATTERN = /^(?=.{1,63}$)[a-z]+(-[a-z]+)+-\d+$/;
// S3-compatible servers use their own region names (R2's `auto`, MinIO's custom names).
const CUSTOM_REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function selectedProfile(opts: ConnectionOptions, env: Env): Resolved<string | undefined> {
  if (opts.profile) return { value: opts.profile, source: "--profile" };
  if (env.AWS_PROFILE) return { value: env.AWS_PROFILE, source: "AWS_PROFILE" };
  if (env.AWS_DEFAULT_PROFILE)
    return { value: env.AWS_DEFAULT_PROFILE, source: "AWS_DEFAULT_PROFILE" };
  return { value: undefined, source: "default" };
}

/**
 * Resolves region, endpoints, path style and CA bundle the way the AWS CLI does,
 * and rejects malformed values before any request is made.
 */
export function resolveAwsSettings(
  opts: ConnectionOptions,
  env: Env,
  profileConfig: ProfileConfig = {},
): AwsSettings {
  const profile = selectedProfile(opts, env);
  const profileLabel = `profile ${profile.value ?? "default"}`;
  const endpoints = resolveEndpoints(opts, env, profileConfig, profileLabel);
  const region = resolveRegion(opts, env, profileConfig, profileLabel);
  const hasCustomEndpoint = services.some((s) => endpoints[s] !== undefined);
  validateRegion(region, hasCustomEndpoint);

  const s3Endpoint = endpoints.s3?.value;
  const forcePathStyle = Boolean(opts.pathStyle) || (s3Endpoint ? isLocalHost(s3Endpoint) : false);

  let caBundle: Resolved<string> | undefined;
  if (env.AWS_CA_BUNDLE) caBundle = { value: env.AWS_CA_BUNDLE, source: "AWS_CA_BUNDLE" };
  else if (profileConfig.ca_bundle)
    caBundle = { value: profileConfig.ca_bundle, source: profileLabel };

  const sdkOnly =
    env.S3KIT_OBJECT_REQUESTS?.toLowerCase() === "sdk" ||
    env.AWS_USE_FIPS_ENDPOINT?.toLowerCase() === "true" ||
    env.AWS_USE_DUALSTACK_ENDPOINT?.toLowerCase() === "true";
  const objectRequests = sdkOnly ? "sdk" : "lean";
  return { profile, region, endpoints, forcePathStyle, caBundle, objectRequests };
}

function resolveRegion(
  opts: ConnectionOptions,
  env: Env,
  profileConfig: ProfileConfig,
  profileLabel: string,
): Resolved<string> {
  if (opts.region !== undefined) return { value: opts.region, source: "--region" };
  if (env.AWS_REGION) return { value: env.AWS_REGION, source: "AWS_REGION" };
  if (env.AWS_DEFAULT_REGION)
    return { value: env.AWS_DEFAULT_REGION, source: "AWS_DEFAULT_REGION" };
  if (profileConfig.region) return { value: profileConfig.region, source: profileLabel };
  return { value: DEFAULT_REGION, source: "default" };
}

function validateRegion(region: Resolved<string>, hasCustomEndpoint: boolean): void {
  const ok = hasCustomEndpoint
    ? CUSTOM_REGION_PATTERN.test(region.value)
    : AWS_REGION_PATTERN.test(region.value);
  if (!ok) {
    throw new UsageError(
      `Invalid region "${region.value}" (from ${region.source}).`,
      "Use a region code such as us-east-1, eu-west-1 or ap-southeast-2.",
      "InvalidRegion",
    );
  }
}

function resolveEndpoints(
  opts: ConnectionOptions,
  env: Env,
  profileConfig: ProfileConfig,
  profileLabel: string,
): Record<Service, Resolved<string> | undefined> {
  const ignoreConfigured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true";
  const pick = (service: Service): Resolved<string> | undefined => {
    if (opts.endpointUrl !== undefined)
      return { value: opts.endpointUrl, source: "--endpoint-url" };
    if (ignoreConfigured) return undefined;
    const serviceVar = `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
    if (env[serviceVar]) return { value: env[serviceVar], source: serviceVar };
    if (env.AWS_ENDPOINT_URL) return { value: env.AWS_ENDPOINT_URL, source: "AWS_ENDPOINT_URL" };
    if (profileConfig.endpoint_url)
      return { value: profileConfig.endpoint_url, source: profileLabel };
    return undefined;
  };
  const result = {} as Record<Service, Resolved<string> | undefined>;
  for (const service of services) {
    const endpoint = pick(service);
    result[service] = endpoint && {
      value: normalizeEndpoint(endpoint.value, endpoint.source),
      source: endpoint.source,
    };
  }
  return result;
}

/** Checks an endpoint URL and returns it without a trailing slash. */
export function normalizeEndpoint(raw: string, source = "--endpoint-url"): string {
  const fail = (why: string, hint: string): never => {
    throw new UsageError(
      `Invalid endpoint URL "${raw}" (from ${source}): ${why}.`,
      hint,
      "InvalidEndpoint",
    );
  };
  // Checked first: the URL parser drops tabs and line breaks and trims other control
  // characters, so the URL it returns would not be the one that was given.
  const control = findControlCharacter(raw);
  if (control) {
    fail(
      `it contains a control character, ${describeCharacter(control.char)}, at position ${control.index + 1}`,
      "Give the URL on its own, e.g. http://127.0.0.1:9000 (check the variable or file it comes from for stray line breaks).",
    );
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    fail(
      "it has no scheme",
      `Write it with http:// or https://, e.g. http://${raw || "localhost:9000"}.`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(
      "it is not a URL",
      "Use a URL such as https://s3.example.com or http://127.0.0.1:9000.",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    fail(`the scheme ${url.protocol} is not supported`, "Use http:// or https://.");
  }
  if (!url.hostname) fail("it has no host", "Use a URL such as http://127.0.0.1:9000.");
  if (url.search || url.hash || url.username || url.password) {
    fail(
      "it must not carry a query, fragment or user name",
      "Give only scheme, host, port and path.",
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** Local servers (MinIO, moto, versitygw) have no wildcard DNS, so buckets go in the path. */
/** The endpoint is this machine (loopback): no network between client and server. */
export function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export function isLocalHost(endpoint: string): boolean {
  // The URL parser writes every IP address one way: IPv6 in brackets, IPv4 as a dotted quad
  // (127.1 and 0x7f.0.0.1 become 127.0.0.1), so no address parser is needed here.
  const host = new URL(endpoint).hostname;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.startsWith("[") ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(host)
  );
}
