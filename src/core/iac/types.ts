// What an infrastructure-as-code export describes: a bucket with every setting s3kit
// would apply, and developers with their policy. Plain data, the same shapes as S3's API.

export interface IacCorsRule {
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

export interface IacLifecycleRule {
  ID?: string;
  Status?: string;
  Filter?: { Prefix?: string };
  Prefix?: string;
  Expiration?: { Days?: number };
  Transitions?: { Days?: number; StorageClass?: string }[];
  NoncurrentVersionExpiration?: { NoncurrentDays?: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
}

export interface IacPolicyDocument {
  Version?: string;
  Statement: object[] | object;
}

/** The desired state of one bucket (`null` or absent: the setting is not managed). */
export interface IacBucket {
  bucket: string;
  region: string;
  publicAccessBlock: {
    blockPublicAcls: boolean;
    ignorePublicAcls: boolean;
    blockPublicPolicy: boolean;
    restrictPublicBuckets: boolean;
  } | null;
  ownership: string | null;
  encryption: { algorithm: string; kmsKeyId: string | null; bucketKeyEnabled: boolean } | null;
  versioning: "Enabled" | "Suspended" | null;
  policy: IacPolicyDocument | null;
  lifecycle: IacLifecycleRule[] | null;
  cors: IacCorsRule[] | null;
  tags: Record<string, string> | null;
  logging: { targetBucket: string; targetPrefix: string } | null;
}

/** A developer as `iam add-dev` makes one: a user, its group and managed policy, a key. */
export interface IacDeveloper {
  userName: string;
  path: string;
  tags: Record<string, string>;
  policyName: string;
  policyDocument: IacPolicyDocument;
  /** Attach the policy to this group (and put the user in it), or straight to the user. */
  groupName: string | null;
  createKey: boolean;
}

/** CloudFront in front of a bucket as `cdn create` sets it up. */
export interface IacCdn {
  bucket: string;
  region: string;
  /** Only objects under it are readable through the distribution ("" for all). */
  prefix: string;
  aliases: string[];
  certificateArn: string | null;
  minimumProtocolVersion: string;
  priceClass: string;
  comment: string;
  originId: string;
  originDomain: string;
  oacName: string;
  oacDescription: string;
  cachePolicyId: string;
  viewerProtocolPolicy: string;
  methods: string[];
  tags: Record<string, string>;
  /**
   * The bucket policy's other statements when the bucket is not part of the template: a
   * bucket policy resource replaces the whole policy, so it carries the TLS-only statements.
   */
  otherStatements: object[];
}

export interface IacStack {
  bucket?: IacBucket;
  developers?: IacDeveloper[];
  cdn?: IacCdn;
}

export type IacFormat = "cloudformation" | "terraform";
export const IAC_FORMATS: readonly IacFormat[] = ["cloudformation", "terraform"];
