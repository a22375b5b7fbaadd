// ARN helpers: parsing, a well-formedness check with a plain-words reason, and the
// S3 bucket/object ARN shapes that everything else builds on.

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon (may itself contain colons and slashes). */
  resource: string;
}

/** Split an ARN into its six components, or undefined if it has fewer than six. */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith("arn:")) return undefined;
  const parts: string[] = [];
  let start = 0;
  for (let n = 0; n < 5; n++) {
    const colon = text.indexOf(":", start);
    if (colon < 0) return undefined;
    parts.push(text.slice(start, colon));
    start = colon + 1;
  }
  return {
    partition: parts[1] ?? "",
    service: parts[2] ?? "",
    region: parts[3] ?? "",
    account: parts[4] ?? "",
    resource: text.slice(start),
  };
}

const PARTITION = /^(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc|[*?]+|\$\{[^}]+\})$/;

/**
 * Why `text` (a Resource entry, possibly with wildcards or variables) is not a
 * well-formed ARN, or undefined when it is fine. `"*"` alone is fine.
 */
export function arnProblem(text: string): string | undefined {
  if (text === "*") return undefined;
  if (text.startsWith("s3://")) {
    return "is an s3:// URL, not an ARN; write arn:aws:s3:::bucket or arn:aws:s3:::bucket/key";
  }
  if (!text.startsWith("arn:")) return 'does not start with "arn:"';
  const arn = parseArn(text);
  if (!arn)
    return "has fewer than six colon-separated parts (arn:partition:service:region:account:resource)";
  if (!PARTITION.test(arn.partition)) return `has an unknown partition "${arn.partition}"`;
  if (arn.service === "") return "has an empty service part";
  if (arn.resource === "") return "has an empty resource part";
  if (
    arn.service === "s3" &&
    !arn.resource.includes(":") &&
    !arn.resource.startsWith("accesspoint")
  ) {
    // Bucket and object ARNs carry no region or account: arn:aws:s3:::bucket/key.
    if (arn.region !== "" || arn.account !== "") {
      return "is an S3 bucket/object ARN with a region or account; S3 bucket ARNs look like arn:aws:s3:::bucket";
    }
  }
  return undefined;
}

export function bucketArn(bucket: string, partition = "aws"): string {
  return `arn:${partition}:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string, partition = "aws"): string {
  return `arn:${partition}:s3:::${bucket}/${key}`;
}

export interface S3ArnTarget {
  partition: string;
  bucket: string;
  /** Undefined for a bucket ARN; the key (possibly with wildcards) for an object ARN. */
  key?: string;
}

/** `arn:aws:s3:::b/k` → { bucket: "b", key: "k" }; undefined for non-S3 bucket/object ARNs. */
export function parseS3Arn(text: string): S3ArnTarget | undefined {
  const arn = parseArn(text);
  if (arn?.service !== "s3" || arn.region !== "" || arn.account !== "") return undefined;
  const slash = arn.resource.indexOf("/");
  if (slash < 0) return { partition: arn.partition, bucket: arn.resource };
  return {
    partition: arn.partition,
    bucket: arn.resource.slice(0, slash),
    key: arn.resource.slice(slash + 1),
  };
}

/**
 * Can this Resource entry (with wildcards) match a bucket ARN? Wildcards match "/",
 * so `arn:aws:s3:::b*` matches both the bucket and its objects.
 */
export function couldMatchBucket(resource: string): boolean {
  if (resource === "*") return true;
  const arn = parseArn(resource);
  if (!arn) return false;
  if (arn.service !== "s3" || arn.region !== "" || arn.account !== "") {
    return /[*?]/.test(`${arn.service}${arn.region}${arn.account}`);
  }
  return !arn.resource.includes("/") || arn.resource.indexOf("*") < arn.resource.indexOf("/");
}

/** Can this Resource entry (with wildcards) match an object ARN? */
export function couldMatchObject(resource: string): boolean {
  if (resource === "*") return true;
  const arn = parseArn(resource);
  if (!arn) return false;
  if (arn.service !== "s3") return /[*?]/.test(`${arn.service}${arn.region}${arn.account}`);
  return arn.resource.includes("/") || arn.resource.includes("*");
}
