// Settings an endpoint does not support, and what each gap means for safety. An endpoint
// tells s3kit by its answers (NotImplemented, HTTP 501, a request body it cannot accept):
// nothing here depends on which server it is. Pure: no SDK, no I/O.
import type { ConfigSetting } from "./state.js";

/** Parts of a setting that can be missing on their own (policy statements, lifecycle rules). */
export type SettingPart =
  | "tls-only"
  | "tls-1.2"
  | "public-read"
  | "abort-incomplete-multipart"
  | "expire"
  | "transition"
  | "noncurrent-expire";

/** A setting (or part of one) the endpoint does not support. */
export interface NotSupported {
  setting: ConfigSetting;
  /** Set when only this part of the setting is missing. */
  part?: SettingPart;
  /** The setting or the part in words. */
  label: string;
  /** One of the safe defaults (rather than an option the user asked for). */
  safeDefault: boolean;
  /** What the gap means for safety, in plain words. */
  meaning: string;
  /** How s3kit knows: the endpoint's answer, or why the setting cannot work here. */
  evidence: string;
}

const SETTING_TEXT: Record<
  ConfigSetting,
  { label: string; safeDefault: boolean; meaning: string }
> = {
  publicAccessBlock: {
    label: "public access block",
    safeDefault: true,
    meaning:
      "nothing at the bucket level blocks public access: the bucket stays private only as long as no bucket policy grants public access (s3kit adds none unless --public-read)",
  },
  ownership: {
    label: "object ownership (ACLs off)",
    safeDefault: true,
    meaning:
      "s3kit cannot switch ACLs off here: whether an object ACL can grant access depends on the endpoint (many S3-compatible servers ignore ACLs and use policies only)",
  },
  encryption: {
    label: "default encryption",
    safeDefault: true,
    meaning:
      "objects are not encrypted at rest by the endpoint: encrypt its disks, or give it a key management service and run this again",
  },
  versioning: {
    label: "versioning",
    safeDefault: false,
    meaning: "an overwritten or deleted object cannot be recovered",
  },
  policy: {
    label: "bucket policy",
    safeDefault: false,
    meaning: "the bucket has no policy of its own: access depends on the users' policies only",
  },
  lifecycle: {
    label: "lifecycle rules",
    safeDefault: true,
    meaning: "nothing is expired or cleaned up automatically",
  },
  cors: {
    label: "CORS",
    safeDefault: false,
    meaning:
      "browsers get the endpoint's own server-wide CORS behaviour, not this rule: uploads from a web page may be refused, or allowed from any origin, depending on how the endpoint is configured",
  },
  tags: {
    label: "tags",
    safeDefault: false,
    meaning: "the bucket carries no tags (cost reports and tag-based policies will not see them)",
  },
  logging: {
    label: "access logging",
    safeDefault: false,
    meaning:
      "requests to the bucket are not logged into a bucket; use the endpoint's own access or audit log",
  },
};

const PART_TEXT: Record<
  SettingPart,
  { setting: ConfigSetting; label: string; safeDefault: boolean; meaning: string }
> = {
  "tls-only": {
    setting: "policy",
    label: "TLS-only bucket policy (deny plain HTTP)",
    safeDefault: true,
    meaning:
      "the bucket itself does not refuse unencrypted requests: only the endpoint's own TLS setup keeps requests and credentials off the wire in clear text",
  },
  "tls-1.2": {
    setting: "policy",
    label: "TLS 1.2 minimum in the bucket policy (s3:TlsVersion)",
    safeDefault: true,
    meaning:
      "TLS versions older than 1.2 are refused only if the endpoint's own TLS settings refuse them",
  },
  "public-read": {
    setting: "policy",
    label: "public-read bucket policy statement",
    safeDefault: false,
    meaning: "objects are not public: anonymous reads are refused",
  },
  "abort-incomplete-multipart": {
    setting: "lifecycle",
    label: "lifecycle rule that aborts incomplete multipart uploads",
    safeDefault: true,
    meaning:
      "parts of abandoned multipart uploads stay (and use space) until someone aborts them; `s3kit cp` aborts the uploads it started when it fails or is interrupted",
  },
  expire: {
    setting: "lifecycle",
    label: "lifecycle rule that expires objects",
    safeDefault: false,
    meaning: "objects are not deleted automatically: delete them yourself",
  },
  transition: {
    setting: "lifecycle",
    label: "lifecycle rule that moves objects to another storage class",
    safeDefault: false,
    meaning: "objects stay in their storage class",
  },
  "noncurrent-expire": {
    setting: "lifecycle",
    label: "lifecycle rule that expires old versions",
    safeDefault: false,
    meaning: "old versions are kept until someone deletes them",
  },
};

export function notSupported(setting: ConfigSetting, evidence: string): NotSupported {
  return { setting, ...SETTING_TEXT[setting], evidence };
}

export function partNotSupported(part: SettingPart, evidence: string): NotSupported {
  const { setting, ...text } = PART_TEXT[part];
  return { setting, part, ...text, evidence };
}

/** The evidence for the TLS-only policy on an endpoint reached over plain HTTP. */
export function plainHttpEvidence(endpoint: string): string {
  return `the endpoint ${endpoint} uses plain HTTP, where a TLS-only policy would deny every request; --tls-policy applies it anyway`;
}

/** The meaning on a plain-HTTP endpoint is stronger than "only the endpoint's TLS setup". */
export const PLAIN_HTTP_MEANING =
  "requests and credentials travel unencrypted between clients and this endpoint: use an https:// endpoint for anything but local development";
