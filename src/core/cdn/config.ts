// The distribution configuration s3kit wants, for a new distribution or converged from an
// existing one (everything s3kit does not manage is kept), and the differences between the
// two in the terms a person reads. Pure: SDK types only, no calls.
import type {
  CacheBehavior,
  DistributionConfig,
  Origin,
  ViewerCertificate,
} from "@aws-sdk/client-cloudfront";
import {
  CACHING_OPTIMIZED_POLICY_ID,
  distributionComment,
  MINIMUM_PROTOCOL_VERSION,
  originId,
  READ_METHODS,
  s3OriginDomain,
  VIEWER_PROTOCOL_POLICY,
} from "./names.js";
import type { CdnSpec } from "./spec.js";

/** The settings s3kit manages, as `cdn info` and the plan show them. */
export interface ManagedSettings {
  enabled: boolean;
  origin: string | null;
  originAccessControl: string | null;
  viewerProtocolPolicy: string | null;
  cachePolicy: string | null;
  compress: boolean;
  methods: string[];
  aliases: string[];
  certificate: string;
  priceClass: string;
}

export const SETTING_LABELS: Record<keyof ManagedSettings, string> = {
  enabled: "enabled",
  origin: "origin",
  originAccessControl: "origin access control",
  viewerProtocolPolicy: "viewer protocol",
  cachePolicy: "cache policy",
  compress: "compression",
  methods: "allowed methods",
  aliases: "custom domains",
  certificate: "certificate",
  priceClass: "price class",
};

export interface SettingChange {
  setting: keyof ManagedSettings;
  from: unknown;
  to: unknown;
}

function items<T>(list: { Items?: T[] } | undefined): T[] {
  return list?.Items ?? [];
}

function defaultOrigin(config: DistributionConfig): Origin | undefined {
  const target = config.DefaultCacheBehavior?.TargetOriginId;
  return items(config.Origins).find((o) => o.Id === target);
}

export function managedSettings(config: DistributionConfig): ManagedSettings {
  const origin = defaultOrigin(config);
  const behavior = config.DefaultCacheBehavior;
  const cert = config.ViewerCertificate;
  return {
    enabled: config.Enabled === true,
    origin: origin ? `${origin.DomainName}${origin.OriginPath ? origin.OriginPath : ""}` : null,
    originAccessControl: origin?.OriginAccessControlId || null,
    viewerProtocolPolicy: behavior?.ViewerProtocolPolicy ?? null,
    cachePolicy: behavior?.CachePolicyId || null,
    compress: behavior?.Compress === true,
    methods: [...items(behavior?.AllowedMethods)].sort(),
    aliases: [...items(config.Aliases)].sort(),
    certificate: cert?.ACMCertificateArn
      ? `${cert.ACMCertificateArn} (${cert.SSLSupportMethod ?? "sni-only"}, ${cert.MinimumProtocolVersion ?? "TLSv1"})`
      : cert?.IAMCertificateId
        ? `IAM certificate ${cert.IAMCertificateId}`
        : "CloudFront default (*.cloudfront.net)",
    priceClass: config.PriceClass ?? "PriceClass_All",
  };
}

export function settingChanges(
  before: DistributionConfig,
  after: DistributionConfig,
): SettingChange[] {
  const a = managedSettings(before);
  const b = managedSettings(after);
  return (Object.keys(SETTING_LABELS) as (keyof ManagedSettings)[])
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((setting) => ({ setting, from: a[setting], to: b[setting] }));
}

function s3Origin(spec: CdnSpec, oacId: string, existing?: Origin): Origin {
  const {
    CustomOriginConfig: _custom,
    VpcOriginConfig: _vpc,
    ...kept
  } = existing ?? ({} as Origin);
  return {
    ...kept,
    Id: originId(spec.bucket),
    DomainName: s3OriginDomain(spec.bucket, spec.region),
    // The URL path is the object key, as django-storages and other clients build URLs.
    OriginPath: "",
    S3OriginConfig: { ...existing?.S3OriginConfig, OriginAccessIdentity: "" },
    OriginAccessControlId: oacId,
  };
}

function defaultBehavior(
  spec: CdnSpec,
  existing?: CacheBehavior,
): DistributionConfig["DefaultCacheBehavior"] {
  // The legacy cache settings cannot be combined with a cache policy.
  const {
    ForwardedValues: _fv,
    MinTTL: _min,
    DefaultTTL: _default,
    MaxTTL: _max,
    PathPattern: _path,
    ...kept
  } = existing ?? ({} as CacheBehavior);
  const methods = [...READ_METHODS];
  return {
    ...kept,
    TargetOriginId: originId(spec.bucket),
    ViewerProtocolPolicy: VIEWER_PROTOCOL_POLICY,
    CachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
    Compress: true,
    AllowedMethods: {
      Quantity: methods.length,
      Items: methods,
      CachedMethods: { Quantity: methods.length, Items: methods },
    },
  };
}

function viewerCertificate(spec: CdnSpec): ViewerCertificate {
  if (!spec.certificateArn) return { CloudFrontDefaultCertificate: true };
  return {
    CloudFrontDefaultCertificate: false,
    ACMCertificateArn: spec.certificateArn,
    SSLSupportMethod: "sni-only",
    MinimumProtocolVersion: MINIMUM_PROTOCOL_VERSION,
  };
}

/** A new distribution for the spec. */
export function newDistributionConfig(
  spec: CdnSpec,
  oacId: string,
  callerReference: string,
): DistributionConfig {
  return {
    CallerReference: callerReference,
    Comment: distributionComment(spec.bucket),
    Enabled: true,
    Origins: { Quantity: 1, Items: [s3Origin(spec, oacId)] },
    DefaultCacheBehavior: defaultBehavior(spec),
    Aliases: { Quantity: spec.domains.length, Items: spec.domains },
    ViewerCertificate: viewerCertificate(spec),
    PriceClass: spec.priceClass ?? "PriceClass_All",
    HttpVersion: "http2and3",
    IsIPV6Enabled: true,
  };
}

/**
 * An existing distribution converged to the spec: s3kit's origin and default behaviour,
 * enabled; custom domains and certificate when given, the price class when given. Other
 * origins, cache behaviours, logging, restrictions, WAF and comment stay as they are.
 */
export function convergedConfig(
  current: DistributionConfig,
  spec: CdnSpec,
  oacId: string,
): DistributionConfig {
  const ours = originId(spec.bucket);
  const origins = items(current.Origins);
  const existingOrigin = origins.find((o) => o.Id === ours);
  const newOrigins = existingOrigin
    ? origins.map((o) => (o.Id === ours ? s3Origin(spec, oacId, o) : o))
    : [...origins, s3Origin(spec, oacId)];
  const config: DistributionConfig = {
    ...current,
    Enabled: true,
    Origins: { ...current.Origins, Quantity: newOrigins.length, Items: newOrigins },
    DefaultCacheBehavior: defaultBehavior(spec, current.DefaultCacheBehavior as CacheBehavior),
  };
  if (spec.certificateArn) {
    config.Aliases = { Quantity: spec.domains.length, Items: spec.domains };
    config.ViewerCertificate = viewerCertificate(spec);
  }
  if (spec.priceClass) config.PriceClass = spec.priceClass;
  return config;
}

/** The same configuration, disabled (the first step of deleting a distribution). */
export function disabledConfig(current: DistributionConfig): DistributionConfig {
  return { ...current, Enabled: false };
}
