// `cdn create` flags as a checked spec. Pure: every mistake here is exit 2, found before any
// API call, so nothing is half-created by a typo.

import { UsageError } from "../errors.js";
import { assertValidBucketName } from "../s3/bucket-names.js";
import { keyProblem, MAX_KEY_BYTES } from "../s3/keys.js";
import { CLOUDFRONT_REGION } from "./names.js";

export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

export interface CdnSpec {
  bucket: string;
  /** The bucket's region (where its S3 origin endpoint is). */
  region: string;
  /** Only objects under this prefix ("" for the whole bucket) can be read through CloudFront. */
  prefix: string;
  /** Custom domains (CloudFront aliases), lower-case; empty for the cloudfront.net name only. */
  domains: string[];
  /** ACM certificate in us-east-1 that covers every domain; set exactly when domains are. */
  certificateArn?: string;
  /** Absent: a new distribution gets CloudFront's default (all edge locations); an existing one keeps its own. */
  priceClass?: PriceClass;
}

export interface CdnFlags {
  bucket: string;
  prefix?: string | undefined;
  domain?: readonly string[] | undefined;
  certificateArn?: string | undefined;
  priceClass?: string | undefined;
}

export function parseCdnFlags(flags: CdnFlags, region: string): CdnSpec {
  assertValidBucketName(flags.bucket);
  const spec: CdnSpec = {
    bucket: flags.bucket,
    region,
    prefix: parseCdnPrefix(flags.prefix ?? ""),
    domains: [],
  };
  const domains = [...new Set((flags.domain ?? []).map(parseDomain))];
  if (domains.length > 0 && flags.certificateArn === undefined) {
    throw new UsageError(
      `--domain ${domains[0]} needs --certificate-arn: CloudFront serves a custom domain only with a certificate that covers it.`,
      `Request one in us-east-1 (\`aws acm request-certificate --region us-east-1 --domain-name ${domains[0]} --validation-method DNS\`), validate it, then pass --certificate-arn ARN.`,
      "CertificateRequired",
    );
  }
  if (flags.certificateArn !== undefined) {
    if (domains.length === 0) {
      throw new UsageError(
        "--certificate-arn needs --domain: the certificate is for the custom domain the distribution serves.",
        "Example: --domain cdn.example.com --certificate-arn arn:aws:acm:us-east-1:123456789012:certificate/…",
      );
    }
    spec.certificateArn = parseCertificateArn(flags.certificateArn);
    spec.domains = domains;
  }
  if (flags.priceClass !== undefined) spec.priceClass = parsePriceClass(flags.priceClass);
  return spec;
}

/** `images/` stays; "" is the whole bucket. Wildcards would widen the policy, so they are refused. */
export function parseCdnPrefix(prefix: string): string {
  if (prefix === "") return "";
  if (prefix.startsWith("/")) {
    throw new UsageError(
      `--prefix "${prefix}" starts with "/": S3 keys have no leading slash.`,
      `Write it without the slash: --prefix ${prefix.replace(/^\/+/, "")}`,
      "InvalidPrefix",
    );
  }
  if (/[*?]|\$\{/.test(prefix)) {
    throw new UsageError(
      `--prefix "${prefix}" contains a wildcard or policy variable (*, ? or \${): in the bucket policy it would let CloudFront read more than that prefix.`,
      "Give a literal key prefix such as images/.",
      "InvalidPrefix",
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(prefix) || keyProblem(prefix) !== undefined) {
    throw new UsageError(
      `--prefix must be a key prefix S3 takes (at most ${MAX_KEY_BYTES} bytes of UTF-8), without control characters.`,
      "Give a key prefix such as images/.",
      "InvalidPrefix",
    );
  }
  if (!prefix.endsWith("/")) {
    throw new UsageError(
      `--prefix "${prefix}" would also let CloudFront read "${prefix}-private/…" and every other key starting with "${prefix}".`,
      `End the prefix with a slash: --prefix ${prefix}/`,
      "InvalidPrefix",
    );
  }
  return prefix;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A host name CloudFront accepts as an alias: `cdn.example.com` or `*.example.com`. */
export function parseDomain(text: string): string {
  const domain = text.trim().toLowerCase();
  const fail = (why: string, hint: string): never => {
    throw new UsageError(`Invalid --domain "${text}": ${why}.`, hint, "InvalidDomain");
  };
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(domain) || domain.includes("/")) {
    const host = domain.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split("/")[0] ?? "";
    fail(
      "give the host name only, without scheme or path",
      `Example: --domain ${host || "cdn.example.com"}`,
    );
  }
  if (domain.endsWith(".")) {
    fail("remove the trailing dot", `Example: --domain ${domain.replace(/\.+$/, "")}`);
  }
  if (domain.length > 253) fail("a domain name has at most 253 characters", "Use a shorter name.");
  const labels = domain.split(".");
  const [first, ...rest] = labels;
  const wildcard = first === "*";
  if (labels.length < 2 || (wildcard && labels.length < 3)) {
    fail("it needs at least a name and a top-level domain", "Example: --domain cdn.example.com");
  }
  for (const label of wildcard ? rest : labels) {
    if (!LABEL.test(label)) {
      fail(
        `"${label}" is not a valid label (letters, digits and hyphens, 1-63 characters, no hyphen at either end)`,
        "Example: --domain cdn.example.com (or *.example.com for every subdomain)",
      );
    }
  }
  return domain;
}

/** An ACM certificate ARN in us-east-1, the only region CloudFront takes certificates from. */
export function parseCertificateArn(text: string): string {
  const arn = text.trim();
  const m =
    /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/.exec(arn);
  if (!m) {
    throw new UsageError(
      `--certificate-arn "${text}" is not an ACM certificate ARN.`,
      "It looks like arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-…; `aws acm list-certificates --region us-east-1` lists yours.",
      "InvalidCertificateArn",
    );
  }
  const region = m[2] as string;
  if (region !== CLOUDFRONT_REGION) {
    throw new UsageError(
      `The certificate ${arn} is in ${region}, but CloudFront accepts certificates from ACM in ${CLOUDFRONT_REGION} only.`,
      `Request (or import) a certificate for the domain in ${CLOUDFRONT_REGION}: \`aws acm request-certificate --region ${CLOUDFRONT_REGION} --domain-name DOMAIN --validation-method DNS\`, then pass its ARN.`,
      "CertificateWrongRegion",
    );
  }
  return arn;
}

export function parsePriceClass(text: string): PriceClass {
  const short = text.trim().replace(/^priceclass_/i, "");
  const found = PRICE_CLASSES.find(
    (c) => c.slice("PriceClass_".length).toLowerCase() === short.toLowerCase(),
  );
  if (!found) {
    throw new UsageError(
      `--price-class must be 100, 200 or All, not "${text}".`,
      "100: North America, Europe and Israel (cheapest); 200: also most of Asia, Africa and the Middle East; All: every edge location.",
      "InvalidPriceClass",
    );
  }
  return found;
}

/**
 * Does a certificate name cover a host? Exact names match (case-insensitively); a wildcard
 * `*.example.com` covers exactly one more label (`a.example.com`, not `example.com` nor
 * `a.b.example.com`). A wildcard alias is covered only by the same wildcard.
 */
export function nameCovers(certificateName: string, domain: string): boolean {
  const name = certificateName.toLowerCase();
  const host = domain.toLowerCase();
  if (name === host) return true;
  if (!name.startsWith("*.") || host.startsWith("*.")) return false;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/** The domains that none of the certificate's names cover. */
export function uncoveredDomains(names: readonly string[], domains: readonly string[]): string[] {
  return domains.filter((d) => !names.some((n) => nameCovers(n, d)));
}
