import { readFileSync } from "node:fs";
import type { ACMClient } from "@aws-sdk/client-acm";
import type { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity, Logger } from "@smithy/types";
import { UsageError } from "../core/errors.js";
import { describeCredentialSource } from "./credential-source.js";
import { addDebugLogging } from "./debug.js";
import { annotateErrors } from "./errors.js";
import { readProfileConfig } from "./profile-config.js";
import {
  type AwsSettings,
  type ConnectionOptions,
  resolveAwsSettings,
  type Service,
} from "./settings.js";

// The SDK warns on every run under Node 20; s3kit supports Node 20 and keeps stderr for the user.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export type DebugLog = (line: string) => void;

/** CloudFront takes certificates from ACM in us-east-1 only, and signs its API there. */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";
type Env = Readonly<Record<string, string | undefined>>;

export interface Credentials extends AwsCredentialIdentity {
  /** How the credential chain found them, e.g. `environment` or `profile dev (SSO)`. */
  source: string;
}

/**
 * One place that turns the global options into SDK clients. Clients are created on
 * first use and the SDK packages are imported then too, so a command only loads the
 * clients it calls (`whoami` loads STS alone).
 */
export class Aws {
  readonly settings: AwsSettings;
  /** `--debug`: where API calls are logged (secrets redacted); undefined without it. */
  readonly debugLog: DebugLog | undefined;
  private readonly clients = new Map<Service, Promise<unknown>>();
  private credentialsPromise: Promise<Credentials> | undefined;
  private handler: Promise<NodeHttpHandler> | undefined;
  private readonly sdkLogger: Logger;
  private readonly credentialProvider: () => Promise<AwsCredentialIdentity>;
  /** Where given credentials came from, in words (`--env-file .env`); else the chain says. */
  private readonly sourceLabel: string | undefined;

  /** `credentials`: use these keys instead of the credential chain (e.g. a probe's keys). */
  constructor(
    settings: AwsSettings,
    debugLog?: DebugLog,
    credentials?: AwsCredentialIdentity,
    sourceLabel?: string,
  ) {
    this.settings = settings;
    this.debugLog = debugLog;
    this.sourceLabel = sourceLabel;
    // Only the SDK's warnings reach --debug: its info level prints whole responses,
    // and some responses (CreateAccessKey) carry secrets.
    const log =
      (level: string) =>
      (...parts: unknown[]) =>
        debugLog?.(
          `sdk ${level}: ${
            parts
              .filter((p) => typeof p === "string")
              .join(" ")
              .split("\n")[0]
          }`,
        );
    const ignore = () => {};
    this.sdkLogger = {
      trace: ignore,
      debug: ignore,
      info: ignore,
      warn: log("warn"),
      error: log("error"),
    };
    let chain: (() => Promise<AwsCredentialIdentity>) | undefined;
    this.credentialProvider = credentials
      ? async () => credentials
      : async () => {
          // The provider chain is imported on first use: presigning and other commands
          // that only sign should not pay for it when the keys are in the environment.
          if (!chain) {
            const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
            chain = defaultProvider({
              ...(settings.profile.value ? { profile: settings.profile.value } : {}),
              logger: this.sdkLogger,
            });
          }
          return chain();
        };
  }

  /** `given`: these keys (from a file s3kit wrote, say) instead of the environment and profiles. */
  static async fromOptions(
    options: ConnectionOptions,
    env: Env,
    debugLog?: DebugLog,
    given?: {
      credentials: AwsCredentialIdentity;
      source: string;
      /** What to call the source of AWS_REGION and AWS_ENDPOINT_URL (they came from a file). */
      regionSource?: string;
      endpointSource?: string;
    },
  ): Promise<Aws> {
    const profileConfig = await readProfileConfig(options, env);
    const settings = resolveAwsSettings(options, env, profileConfig);
    if (given) {
      if (given.regionSource && settings.region.source === "AWS_REGION") {
        settings.region = { ...settings.region, source: given.regionSource };
      }
      for (const service of Object.keys(
        settings.endpoints,
      ) as (keyof typeof settings.endpoints)[]) {
        const endpoint = settings.endpoints[service];
        if (given.endpointSource && endpoint?.source === "AWS_ENDPOINT_URL") {
          settings.endpoints[service] = { ...endpoint, source: given.endpointSource };
        }
      }
      return new Aws(settings, debugLog, given.credentials, given.source);
    }
    return new Aws(settings, debugLog, environmentCredentials(settings, env));
  }

  /** The same connection in another region (init lets people pick the bucket's region). */
  withRegion(region: string, source = "init"): Aws {
    if (region === this.region) return this;
    return new Aws({ ...this.settings, region: { value: region, source } }, this.debugLog);
  }

  get region(): string {
    return this.settings.region.value;
  }

  /** The endpoint a service is reached at: the custom one, or AWS's public one. */
  endpoint(service: Service): string {
    const custom = this.settings.endpoints[service]?.value;
    if (custom) return custom;
    if (service === "iam") return "https://iam.amazonaws.com";
    if (service === "cloudfront") return "https://cloudfront.amazonaws.com";
    if (service === "acm") return `https://acm.${CLOUDFRONT_CERTIFICATE_REGION}.amazonaws.com`;
    return `https://${service}.${this.region}.amazonaws.com`;
  }

  get usesCustomEndpoint(): boolean {
    return this.settings.endpoints.s3 !== undefined;
  }

  /** Resolves the credential chain once per run; temporary credentials are refreshed when near expiry. */
  credentials(): Promise<Credentials> {
    const current = this.credentialsPromise;
    if (current) {
      return current.then((c) =>
        c.expiration && c.expiration.getTime() - Date.now() < 300_000 ? this.loadCredentials() : c,
      );
    }
    return this.loadCredentials();
  }

  private loadCredentials(): Promise<Credentials> {
    this.credentialsPromise = this.credentialProvider().then((identity) => ({
      ...identity,
      source: this.sourceLabel ?? describeCredentialSource(identity, this.settings.profile.value),
    }));
    // A failed lookup must not be cached: the next call should try again.
    this.credentialsPromise.catch(() => {
      this.credentialsPromise = undefined;
    });
    return this.credentialsPromise;
  }

  s3(): Promise<S3Client> {
    return this.client("s3", async (config) => {
      const { S3Client } = await import("@aws-sdk/client-s3");
      return new S3Client({
        ...config,
        forcePathStyle: this.settings.forcePathStyle,
        // Checksums only when an operation requires them: many S3-compatible servers reject the rest.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      });
    });
  }

  iam(): Promise<IAMClient> {
    return this.client("iam", async (config) => {
      const { IAMClient } = await import("@aws-sdk/client-iam");
      return new IAMClient(config);
    });
  }

  sts(): Promise<STSClient> {
    return this.client("sts", async (config) => {
      const { STSClient } = await import("@aws-sdk/client-sts");
      return new STSClient(config);
    });
  }

  /** CloudFront is global; its API lives in us-east-1 whatever the bucket's region. */
  cloudfront(): Promise<CloudFrontClient> {
    return this.client(
      "cloudfront",
      async (config) => {
        const { CloudFrontClient } = await import("@aws-sdk/client-cloudfront");
        return new CloudFrontClient(config);
      },
      CLOUDFRONT_CERTIFICATE_REGION,
    );
  }

  /** ACM in us-east-1: the only region whose certificates CloudFront accepts. */
  acm(): Promise<ACMClient> {
    return this.client(
      "acm",
      async (config) => {
        const { ACMClient } = await import("@aws-sdk/client-acm");
        return new ACMClient(config);
      },
      CLOUDFRONT_CERTIFICATE_REGION,
    );
  }

  private client<T extends { middlewareStack: unknown }>(
    service: Service,
    create: (config: BaseClientConfig) => Promise<T>,
    region = this.region,
  ): Promise<T> {
    let client = this.clients.get(service) as Promise<T> | undefined;
    if (!client) {
      const endpoint = this.settings.endpoints[service]?.value;
      client = this.httpHandler()
        .then((requestHandler) =>
          create({
            region,
            ...(endpoint ? { endpoint } : {}),
            credentials: () => this.credentials(),
            requestHandler,
            retryMode: "standard",
            logger: this.sdkLogger,
          }),
        )
        .then((c) => {
          annotateErrors(c as never, { endpoint: this.endpoint(service), region });
          if (this.debugLog) addDebugLogging(c as never, service, this.debugLog);
          return c;
        });
      this.clients.set(service, client);
    }
    return client;
  }

  /** The one HTTP handler (keep-alive, timeouts, CA bundle) every request of this run goes through. */
  httpHandler(): Promise<NodeHttpHandler> {
    this.handler ??= Promise.all([
      import("@smithy/node-http-handler"),
      import("node:http"),
      import("node:https"),
    ]).then(
      ([{ NodeHttpHandler }, { Agent: HttpAgent }, { Agent: HttpsAgent }]) =>
        new NodeHttpHandler({
          // An unreachable host fails within the retry budget instead of hanging.
          connectionTimeout: 5_000,
          socketTimeout: 120_000,
          httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
          httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64, ...this.tlsOptions() }),
          logger: this.sdkLogger,
        }),
    );
    return this.handler;
  }

  /** The SDK v3 ignores AWS_CA_BUNDLE; the AWS CLI honours it, so s3kit does too. */
  tlsOptions(): { ca?: Buffer } {
    const bundle = this.settings.caBundle;
    if (!bundle) return {};
    try {
      return { ca: readFileSync(bundle.value) };
    } catch (err) {
      throw new UsageError(
        `Cannot read the CA bundle ${bundle.value} (from ${bundle.source}): ${(err as Error).message}.`,
        "Point AWS_CA_BUNDLE (or ca_bundle in the profile) at a PEM file, or unset it.",
        "InvalidCaBundle",
      );
    }
  }
}

interface BaseClientConfig {
  region: string;
  endpoint?: string;
  credentials: () => Promise<AwsCredentialIdentity>;
  requestHandler: NodeHttpHandler;
  retryMode: string;
  logger: Logger;
}

/**
 * Keys in the environment, read the way the SDK's first provider reads them (and only
 * when no profile is selected, as the SDK does). Tagged like the SDK tags them, so
 * `whoami` names the source the same way.
 */
function environmentCredentials(
  settings: AwsSettings,
  env: Env,
): AwsCredentialIdentity | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (settings.profile.value !== undefined || !accessKeyId || !secretAccessKey) return undefined;
  const expiration = env.AWS_CREDENTIAL_EXPIRATION
    ? new Date(env.AWS_CREDENTIAL_EXPIRATION)
    : undefined;
  return Object.assign(
    {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
    },
    { $source: { CREDENTIALS_ENV_VARS: "g" } },
  );
}
