import { describe, expect, it } from "vitest";
import {
  errorCodeOf,
  httpStatusOf,
  isEntityAlreadyExists,
  isNoSuchEntity,
  isNotFound,
  isRetryable,
  isThrottling,
  mapAwsError,
  regionFromError,
} from "../../src/aws/errors.js";
import { ExitCode, S3kitError, UsageError } from "../../src/core/errors.js";

function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${name} message`), {
    name,
    $fault: "client",
    $metadata: status ? { httpStatusCode: status } : {},
    ...extra,
  });
}

describe("mapAwsError exit codes", () => {
  const cases: [string, unknown, number, string][] = [
    ["AccessDenied", sdkError("AccessDenied", 403), ExitCode.accessDenied, "AccessDenied"],
    [
      "AccessDeniedException (IAM)",
      sdkError("AccessDeniedException", 403),
      ExitCode.accessDenied,
      "AccessDeniedException",
    ],
    [
      "403 without a body (HeadBucket)",
      sdkError("Unknown", 403),
      ExitCode.accessDenied,
      "Forbidden",
    ],
    ["404 without a body (HeadObject)", sdkError("NotFound", 404), ExitCode.notFound, "NotFound"],
    ["NoSuchBucket", sdkError("NoSuchBucket", 404), ExitCode.notFound, "NoSuchBucket"],
    ["NoSuchKey", sdkError("NoSuchKey", 404), ExitCode.notFound, "NoSuchKey"],
    ["NoSuchEntity (IAM)", sdkError("NoSuchEntity", 404), ExitCode.notFound, "NoSuchEntity"],
    [
      "BucketAlreadyExists",
      sdkError("BucketAlreadyExists", 409),
      ExitCode.conflict,
      "BucketAlreadyExists",
    ],
    ["BucketNotEmpty", sdkError("BucketNotEmpty", 409), ExitCode.conflict, "BucketNotEmpty"],
    [
      "EntityAlreadyExists",
      sdkError("EntityAlreadyExists", 409),
      ExitCode.conflict,
      "EntityAlreadyExists",
    ],
    ["LimitExceeded", sdkError("LimitExceeded", 409), ExitCode.conflict, "LimitExceeded"],
    [
      "InvalidAccessKeyId",
      sdkError("InvalidAccessKeyId", 403),
      ExitCode.accessDenied,
      "InvalidAccessKeyId",
    ],
    [
      "SignatureDoesNotMatch",
      sdkError("SignatureDoesNotMatch", 403),
      ExitCode.accessDenied,
      "SignatureDoesNotMatch",
    ],
    ["ExpiredToken", sdkError("ExpiredToken", 400), ExitCode.accessDenied, "ExpiredToken"],
    [
      "InvalidClientTokenId (STS)",
      sdkError("InvalidClientTokenId", 403),
      ExitCode.accessDenied,
      "InvalidClientTokenId",
    ],
    [
      "MalformedPolicyDocument",
      sdkError("MalformedPolicyDocument", 400),
      ExitCode.usage,
      "MalformedPolicyDocument",
    ],
    ["Throttling", sdkError("Throttling", 400), ExitCode.failure, "Throttling"],
    ["SlowDown", sdkError("SlowDown", 503), ExitCode.failure, "SlowDown"],
    [
      "RequestTimeTooSkewed",
      sdkError("RequestTimeTooSkewed", 403),
      ExitCode.failure,
      "RequestTimeTooSkewed",
    ],
    [
      "PermanentRedirect",
      sdkError("PermanentRedirect", 301),
      ExitCode.failure,
      "PermanentRedirect",
    ],
    ["an unknown 500", sdkError("InternalError", 500), ExitCode.failure, "InternalError"],
    ["an unknown 404", sdkError("SomethingMissing", 404), ExitCode.notFound, "SomethingMissing"],
  ];
  it.each(cases)("%s", (_name, err, exitCode, code) => {
    const mapped = mapAwsError(err);
    expect(mapped).toBeInstanceOf(S3kitError);
    expect(mapped.exitCode).toBe(exitCode);
    expect(mapped.code).toBe(code);
  });
});

describe("mapAwsError hints", () => {
  it("points AccessDenied at policy debug with the bucket and action", () => {
    const err = sdkError("AccessDenied", 403);
    const mapped = mapAwsError(err, { bucket: "uploads", operation: "PutObject" });
    expect(mapped.hint).toBe(
      "Find out why with `s3kit policy debug --bucket uploads --action s3:PutObject`.",
    );
  });

  it("names the bucket's real region from the redirect", () => {
    const err = sdkError("PermanentRedirect", 301, {
      $response: { headers: { "x-amz-bucket-region": "eu-west-1" } },
    });
    expect(regionFromError(err)).toBe("eu-west-1");
    expect(mapAwsError(err, { region: "us-east-1" }).hint).toBe(
      "The bucket is in eu-west-1, not us-east-1: pass --region eu-west-1.",
    );
  });

  it("reads the region from AuthorizationHeaderMalformed's body", () => {
    const err = sdkError("AuthorizationHeaderMalformed", 400, { Region: "ap-southeast-2" });
    expect(mapAwsError(err).hint).toContain("--region ap-southeast-2");
  });

  it("explains missing credentials", () => {
    const err = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    const mapped = mapAwsError(err);
    expect(mapped.exitCode).toBe(ExitCode.accessDenied);
    expect(mapped.code).toBe("NoCredentials");
    expect(mapped.hint).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(mapped.hint).toMatch(/aws configure/);
  });

  it("explains clock skew", () => {
    expect(mapAwsError(sdkError("RequestTimeTooSkewed", 403)).hint).toMatch(/clock/);
  });
});

describe("network errors", () => {
  it.each(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH"])(
    "%s names the endpoint and exits 1",
    (code) => {
      const err = Object.assign(new Error(`connect ${code}`), { code, $metadata: {} });
      const mapped = mapAwsError(err, { endpoint: "http://127.0.0.1:1" });
      expect(mapped.exitCode).toBe(ExitCode.failure);
      expect(mapped.code).toBe("EndpointUnreachable");
      expect(mapped.message).toBe(`Could not reach http://127.0.0.1:1 (${code}).`);
    },
  );

  it("uses the context the client attached to the error", () => {
    const err = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    Object.defineProperty(err, "$s3kit", { value: { endpoint: "http://10.0.0.1:9000" } });
    expect(mapAwsError(err).message).toContain("http://10.0.0.1:9000");
  });

  it("explains TLS failures with AWS_CA_BUNDLE", () => {
    const err = Object.assign(new Error("self-signed certificate in certificate chain"), {
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    });
    const mapped = mapAwsError(err, { endpoint: "https://minio.internal" });
    expect(mapped.code).toBe("TlsError");
    expect(mapped.hint).toMatch(/AWS_CA_BUNDLE/);
  });
});

describe("S3kitError", () => {
  it("passes through unchanged", () => {
    const err = new UsageError("bad", "do this");
    expect(mapAwsError(err)).toBe(err);
  });

  it("serialises to {code, message, hint}", () => {
    expect(new UsageError("Bad name.", "Use lowercase.", "InvalidBucketName").toJSON()).toEqual({
      code: "InvalidBucketName",
      message: "Bad name.",
      hint: "Use lowercase.",
    });
  });
});

describe("reading SDK errors", () => {
  it.each([
    [{ name: "NoSuchEntityException", Code: "NoSuchEntity" }, "NoSuchEntity"],
    [{ name: "NoSuchEntityException" }, "NoSuchEntity"],
    [{ name: "AccessDeniedException" }, "AccessDenied"],
    [{ name: "NoSuchKey" }, "NoSuchKey"],
    [{ name: "Unknown", Code: "BucketAlreadyOwnedByYou" }, "BucketAlreadyOwnedByYou"],
    [{}, ""],
    [null, ""],
  ])("errorCodeOf(%j) = %j", (err, code) => {
    expect(errorCodeOf(err)).toBe(code);
  });

  it("reads the HTTP status, and none when no answer came", () => {
    expect(httpStatusOf(sdkError("NotFound", 404))).toBe(404);
    expect(httpStatusOf(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toBe(undefined);
    expect(httpStatusOf(undefined)).toBe(undefined);
  });

  it.each([
    [sdkError("NotFound", 404), true],
    [sdkError("Unknown", 404), true],
    [sdkError("NoSuchKey", 404), true],
    [sdkError("NoSuchBucket"), true],
    [sdkError("Forbidden", 403), false],
    [sdkError("NoSuchEntity", 404), true],
    [sdkError("AccessDenied", 403), false],
  ])("isNotFound(%s) = %s", (err, expected) => {
    expect(isNotFound(err)).toBe(expected);
  });

  it("tells IAM's entity answers whatever the SDK calls them", () => {
    expect(isNoSuchEntity(sdkError("NoSuchEntityException", 404))).toBe(true);
    expect(isNoSuchEntity(sdkError("NoSuchEntity", 404))).toBe(true);
    expect(isEntityAlreadyExists(sdkError("EntityAlreadyExistsException", 409))).toBe(true);
    expect(isEntityAlreadyExists(sdkError("NoSuchEntity", 404))).toBe(false);
  });

  it.each([
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
  ])("%s is throttling", (name) => {
    expect(isThrottling(Object.assign(new Error(), { name }))).toBe(true);
  });

  it("HTTP 429 is throttling, 403 is not", () => {
    expect(isThrottling({ name: "Unknown", $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottling({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(isThrottling(undefined)).toBe(false);
  });

  it.each([
    [{ code: "ECONNRESET" }, true],
    [{ name: "TimeoutError" }, true],
    [{ name: "SlowDown" }, true],
    [{ name: "ThrottlingException" }, true],
    [{ name: "Unknown", $metadata: { httpStatusCode: 429 } }, true],
    [{ $metadata: { httpStatusCode: 503 } }, true],
    [{ message: "socket hang up" }, true],
    [{ name: "IncompleteBody" }, true],
    [{ name: "AccessDenied", $metadata: { httpStatusCode: 403 } }, false],
    [{ name: "NoSuchKey", $metadata: { httpStatusCode: 404 } }, false],
    [{ name: "AbortError", message: "aborted" }, false],
    [null, false],
  ])("isRetryable(%j) = %s", (err, retryable) => {
    expect(isRetryable(err)).toBe(retryable);
  });
});
