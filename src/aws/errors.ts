import { ExitCode, type ExitCodeValue, S3kitError } from "../core/errors.js";

/** What the failing call was about, so the message can name the endpoint or bucket. */
export interface ErrorContext {
  endpoint?: string | undefined;
  region?: string | undefined;
  bucket?: string | undefined;
  operation?: string | undefined;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  $fault?: string;
  $s3kit?: ErrorContext;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "TimeoutError",
]);
const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL)/;

const rule = (
  exitCode: ExitCodeValue,
  hint: (c: ErrorContext, e: SdkErrorShape) => string | undefined,
) => ({
  exitCode,
  hint,
});

const credentialHint =
  "Configure credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws configure`, `aws sso login`, or pass --profile NAME. Check with `s3kit whoami`.";
const deniedHint = (c: ErrorContext) =>
  c.bucket
    ? `Find out why with \`s3kit policy debug --bucket ${c.bucket}${c.operation ? ` --action ${s3Action(c.operation)}` : ""}\`.`
    : "Find out why with `s3kit policy debug`.";

const rules: Record<string, ReturnType<typeof rule>> = {
  // Credentials
  CredentialsProviderError: rule(ExitCode.accessDenied, () => credentialHint),
  InvalidAccessKeyId: rule(
    ExitCode.accessDenied,
    () =>
      "The access key ID does not exist on this endpoint. Check the profile or the keys in the environment (`s3kit whoami`).",
  ),
  // versitygw's answer to an access key ID it does not know.
  XAdminUserNotFound: rule(
    ExitCode.accessDenied,
    () =>
      "The access key ID does not exist on this endpoint. Check the profile or the keys in the environment (`s3kit whoami`).",
  ),
  InvalidClientTokenId: rule(
    ExitCode.accessDenied,
    () =>
      "The access key ID is not valid. Check the profile or the keys in the environment (`s3kit whoami`).",
  ),
  UnrecognizedClientException: rule(
    ExitCode.accessDenied,
    () => "The security token is not valid. Check the profile or the keys in the environment.",
  ),
  SignatureDoesNotMatch: rule(
    ExitCode.accessDenied,
    () =>
      "The secret access key does not match the key ID (or the clock is far off). Check the credentials and run `s3kit doctor`.",
  ),
  ExpiredToken: rule(
    ExitCode.accessDenied,
    () =>
      "The session has expired. Refresh it (`aws sso login`, or new temporary credentials) and try again.",
  ),
  ExpiredTokenException: rule(
    ExitCode.accessDenied,
    () =>
      "The session has expired. Refresh it (`aws sso login`, or new temporary credentials) and try again.",
  ),
  TokenRefreshRequired: rule(
    ExitCode.accessDenied,
    () => "The session has expired. Run `aws sso login` and try again.",
  ),
  // Access
  AccessDenied: rule(ExitCode.accessDenied, deniedHint),
  AccessDeniedException: rule(ExitCode.accessDenied, deniedHint),
  Forbidden: rule(ExitCode.accessDenied, deniedHint),
  AllAccessDisabled: rule(
    ExitCode.accessDenied,
    () => "All access to this object has been disabled by the account owner.",
  ),
  // Not found
  NoSuchBucket: rule(
    ExitCode.notFound,
    (c) =>
      `Check the bucket name${c.bucket ? ` "${c.bucket}"` : ""}; list yours with \`s3kit bucket list\`.`,
  ),
  NoSuchKey: rule(
    ExitCode.notFound,
    () => "Check the key; list the prefix with `s3kit ls s3://BUCKET/PREFIX`.",
  ),
  NotFound: rule(ExitCode.notFound, () => undefined),
  NoSuchEntity: rule(ExitCode.notFound, () => undefined),
  NoSuchUpload: rule(
    ExitCode.notFound,
    () => "The multipart upload was completed or aborted already.",
  ),
  NoSuchVersion: rule(ExitCode.notFound, () => undefined),
  // Conflicts
  BucketAlreadyExists: rule(
    ExitCode.conflict,
    () =>
      "Bucket names are global across all AWS accounts: choose another name, or use --generate-name.",
  ),
  BucketNotEmpty: rule(
    ExitCode.conflict,
    (c) =>
      `Empty it first, or delete everything with \`s3kit bucket delete ${c.bucket ?? "NAME"} --force\`.`,
  ),
  EntityAlreadyExists: rule(ExitCode.conflict, () => undefined),
  DeleteConflict: rule(ExitCode.conflict, () => "Detach or delete what still refers to it first."),
  LimitExceeded: rule(
    ExitCode.conflict,
    () => "An IAM quota was reached (for example 2 access keys per user or 5 policy versions).",
  ),
  OperationAborted: rule(
    ExitCode.conflict,
    () => "Another operation on this resource is in progress; try again shortly.",
  ),
  TooManyBuckets: rule(
    ExitCode.conflict,
    () => "The account's bucket quota is reached; delete unused buckets or request a higher quota.",
  ),
  // Invalid input the server caught
  InvalidBucketName: rule(
    ExitCode.usage,
    () => "See the S3 bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens.",
  ),
  MalformedPolicy: rule(ExitCode.usage, () => "Check the policy with `s3kit policy lint FILE`."),
  MalformedPolicyDocument: rule(
    ExitCode.usage,
    () => "Check the policy with `s3kit policy lint FILE`.",
  ),
  ValidationError: rule(ExitCode.usage, () => undefined),
  InvalidArgument: rule(ExitCode.usage, () => undefined),
  // Endpoints without the operation (S3-compatible servers lack some)
  NotImplemented: rule(
    ExitCode.failure,
    (c) =>
      `This endpoint does not implement ${c.operation ?? "this operation"}; S3-compatible servers lack some operations (the README's "S3-compatible services" table lists what works where).`,
  ),
  // Region and clock
  PermanentRedirect: rule(ExitCode.failure, regionHint),
  AuthorizationHeaderMalformed: rule(ExitCode.failure, regionHint),
  IllegalLocationConstraintException: rule(ExitCode.failure, regionHint),
  RequestTimeTooSkewed: rule(
    ExitCode.failure,
    () => "This machine's clock is off by more than 15 minutes; sync it (NTP) and try again.",
  ),
  // Load
  Throttling: rule(
    ExitCode.failure,
    () => "The service is throttling requests; try again later or lower --concurrency.",
  ),
  ThrottlingException: rule(
    ExitCode.failure,
    () => "The service is throttling requests; try again later or lower --concurrency.",
  ),
  SlowDown: rule(
    ExitCode.failure,
    () => "S3 asked to slow down; try again later or lower --concurrency.",
  ),
  TooManyRequestsException: rule(
    ExitCode.failure,
    () => "The service is throttling requests; try again later.",
  ),
};

/**
 * The error code an SDK error carries: S3's `Code`, or the SDK's name for it, without the
 * `Exception` some clients add to their class names (IAM's `NoSuchEntity` arrives as
 * `NoSuchEntityException`).
 */
export function errorCodeOf(err: unknown): string {
  const e = (err ?? {}) as SdkErrorShape;
  return (e.Code ?? e.name ?? "").replace(/Exception$/, "");
}

/** The HTTP status of the answer; undefined when no answer came (the network failed). */
export function httpStatusOf(err: unknown): number | undefined {
  return (err as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/**
 * "Not found" of any kind: HeadBucket and HeadObject answer a bare 404 (no body, so no
 * code); the other calls say NoSuchKey, NoSuchBucket or NotFound.
 */
export function isNotFound(err: unknown): boolean {
  if (httpStatusOf(err) === 404) return true;
  const code = errorCodeOf(err);
  return code === "NotFound" || code === "NoSuchKey" || code === "NoSuchBucket";
}

/** The request was refused (HeadBucket and HeadObject answer a bare 403, without a code). */
export function isAccessDenied(err: unknown): boolean {
  if (httpStatusOf(err) === 403) return true;
  const code = errorCodeOf(err);
  return code === "AccessDenied" || code === "Forbidden";
}

export function isNoSuchEntity(err: unknown): boolean {
  return errorCodeOf(err) === "NoSuchEntity";
}

export function isEntityAlreadyExists(err: unknown): boolean {
  return errorCodeOf(err) === "EntityAlreadyExists";
}

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
]);

/** The service asks to slow down (whatever its word for it), or answered HTTP 429. */
export function isThrottling(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const e = err as SdkErrorShape;
  return THROTTLING.has(e.name ?? "") || THROTTLING.has(e.Code ?? "") || httpStatusOf(err) === 429;
}

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTCONN",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);
const RETRYABLE_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "ServiceUnavailable",
  "BadDigest",
  "IncompleteBody",
  "ChecksumMismatch",
]);

/** Whether a failed request or a broken response stream is worth another attempt. */
export function isRetryable(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const e = err as SdkErrorShape & { $retryable?: unknown };
  if (e.name === "AbortError") return false;
  if (e.$retryable || isThrottling(err)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  const status = httpStatusOf(err);
  if (status !== undefined && status >= 500) return true;
  return /socket hang up|aborted|premature close|ECONNRESET|EPIPE|Checksum mismatch/i.test(
    e.message ?? "",
  );
}

/**
 * The endpoint says it does not implement the operation: HTTP 501 or NotImplemented.
 * True for any request, whoever built it.
 */
export function unsupportedAnswer(err: unknown): boolean {
  const code = errorCodeOf(err);
  return httpStatusOf(err) === 501 || code === "NotImplemented" || code === "XNotImplemented";
}

/** An endpoint's answer in one line, as evidence: `GetX answered NotImplemented (HTTP 501): …`. */
export function describeAnswer(err: unknown, operation: string): string {
  const e = (err ?? {}) as SdkErrorShape;
  const status = httpStatusOf(err);
  const code = errorName(e);
  const message = e.message && e.message !== "UnknownError" ? e.message.trim() : "";
  return `${operation} answered ${code}${status ? ` (HTTP ${status})` : ""}${message && message !== code ? `: ${message.replace(/[.]$/, "")}` : ""}`;
}

/**
 * The endpoint has no STS GetCallerIdentity. The action takes no parameters, so an answer
 * about the action, the HTTP method, the parameters or the path (404), or NotImplemented,
 * means the endpoint does not offer it: MinIO says InvalidParameterValue "Unsupported
 * action", versitygw 405. A refused signature is not among these.
 */
export function stsUnavailableAnswer(err: unknown): boolean {
  if (unsupportedAnswer(err)) return true;
  const status = httpStatusOf(err);
  if (status === 404 || status === 405) return true;
  const code = errorCodeOf(err);
  if (["InvalidAction", "UnknownOperation", "UnknownOperationException"].includes(code))
    return true;
  const message = (err as SdkErrorShape | undefined)?.message ?? "";
  return code === "InvalidParameterValue" && /unsupported action|not supported/i.test(message);
}

const SCHEMA_MESSAGE = /did not validate against (our|the) published schema|not well-formed/i;

/**
 * The endpoint refused a request body that follows AWS's own schema: malformed XML, a
 * schema error, a storage class it does not offer, a policy it cannot parse (an unknown
 * condition key). When s3kit built the whole body from checked input, this means the
 * endpoint does not support that setting (or that part of it); for a body a user wrote,
 * it means nothing of the sort.
 */
export function schemaRejection(err: unknown): boolean {
  const code = errorCodeOf(err);
  if (code === "MalformedXML" || code === "InvalidStorageClass" || code === "MalformedPolicy")
    return true;
  const message = (err as SdkErrorShape | undefined)?.message ?? "";
  return (code === "InvalidArgument" || code === "InvalidRequest") && SCHEMA_MESSAGE.test(message);
}

/** The bucket's real region, from S3's redirect answer, when S3 said which one it is. */
export function regionFromError(err: unknown): string | undefined {
  const e = err as SdkErrorShape;
  return e.$response?.headers?.["x-amz-bucket-region"] ?? e.Region;
}

function regionHint(c: ErrorContext, e: SdkErrorShape): string {
  const right = regionFromError(e);
  return right
    ? `The bucket is in ${right}, not ${c.region ?? "the selected region"}: pass --region ${right}.`
    : "The bucket is in another region: pass --region with the bucket's region (`aws s3api get-bucket-location`).";
}

function s3Action(operation: string): string {
  return `s3:${operation
    .replace(/Command$/, "")
    .replace(/^(Head)Object$/, "GetObject")
    .replace(/^HeadBucket$/, "ListBucket")
    .replace(/^ListObjects(V2)?$/, "ListBucket")}`;
}

function errorName(e: SdkErrorShape): string {
  if (e.name === "CredentialsProviderError" || e.name === "ProviderError")
    return "CredentialsProviderError";
  // HeadBucket/HeadObject carry no body, so only the status says what happened.
  if (
    e.name === "NotFound" ||
    e.name === "Unknown" ||
    e.name === "UnknownError" ||
    !e.name ||
    e.name === "Error"
  ) {
    const status = httpStatusOf(e);
    if (status === 403) return "Forbidden";
    if (status === 404) return "NotFound";
    if (status === 301) return "PermanentRedirect";
  }
  return e.Code ?? e.name ?? "Error";
}

/** Turns any error from the SDK (or the network under it) into an S3kitError with an exit code and a hint. */
export function mapAwsError(err: unknown, given: ErrorContext = {}): S3kitError {
  if (err instanceof S3kitError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const context = { ...e.$s3kit, ...definedOnly(given) };
  const name = errorName(e);
  const message =
    e.message && e.message !== "UnknownError" ? e.message : defaultMessage(name, context);

  const networkCode =
    e.code && NETWORK_CODES.has(e.code) ? e.code : NETWORK_CODES.has(name) ? name : undefined;
  if (networkCode) {
    const where = context.endpoint ?? "the endpoint";
    return new S3kitError(
      {
        code: "EndpointUnreachable",
        message: `Could not reach ${where} (${networkCode}).`,
        hint: "Check --endpoint-url / AWS_ENDPOINT_URL, the network and any proxy; `s3kit doctor` checks the connection.",
        exitCode: ExitCode.failure,
      },
      { cause: err },
    );
  }
  if (e.code && TLS_CODES.test(e.code)) {
    return new S3kitError(
      {
        code: "TlsError",
        message: `TLS failed talking to ${context.endpoint ?? "the endpoint"}: ${e.message} (${e.code}).`,
        hint: "If a proxy or private CA signs the certificates, point AWS_CA_BUNDLE at its PEM bundle.",
        exitCode: ExitCode.failure,
      },
      { cause: err },
    );
  }

  const matched = rules[name];
  if (name === "CredentialsProviderError") {
    return new S3kitError(
      {
        code: "NoCredentials",
        message:
          "No AWS credentials found (looked in the environment, the shared config and credentials files, SSO, web identity, container and instance roles).",
        hint: credentialHint,
        exitCode: ExitCode.accessDenied,
      },
      { cause: err },
    );
  }
  const exitCode =
    matched?.exitCode ?? (httpStatusOf(e) === 404 ? ExitCode.notFound : ExitCode.failure);
  const hint = matched?.hint(context, e);
  return new S3kitError(
    { code: name, message, exitCode, ...(hint ? { hint } : {}) },
    { cause: err },
  );
}

function defaultMessage(name: string, c: ErrorContext): string {
  const target = c.bucket ? ` (bucket ${c.bucket})` : "";
  switch (name) {
    case "Forbidden":
      return `Access denied${target}.`;
    case "NotFound":
      return `Not found${target}.`;
    case "PermanentRedirect":
      return `The bucket${target} is in another region.`;
    default:
      return `${name}${target}.`;
  }
}

function definedOnly(context: ErrorContext): ErrorContext {
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined));
}

interface StackLike {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: "initialize"; name: string; priority: "high" },
    ): void;
  };
}

/**
 * Records on every SDK error which endpoint, operation and bucket it came from, so a
 * failure far from its call site can still say "could not reach http://…".
 */
export function annotateErrors(
  client: StackLike,
  base: Omit<ErrorContext, "operation" | "bucket">,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (err !== null && typeof err === "object" && !("$s3kit" in err)) {
          const bucket = (args.input as { Bucket?: unknown }).Bucket;
          Object.defineProperty(err, "$s3kit", {
            value: {
              ...base,
              operation: context.commandName?.replace(/Command$/, ""),
              ...(typeof bucket === "string" ? { bucket } : {}),
            },
            enumerable: false,
          });
        }
        throw err;
      }
    },
    { step: "initialize", name: "s3kitErrorContext", priority: "high" },
  );
}
