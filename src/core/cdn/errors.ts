// CloudFront's own error codes, with what they mean for someone running `cdn` commands.
import { httpStatusOf, mapAwsError } from "../../aws/errors.js";
import { ExitCode, type ExitCodeValue, S3kitError } from "../errors.js";

const KNOWN: Record<string, { exitCode: ExitCodeValue; hint: string }> = {
  CNAMEAlreadyExists: {
    exitCode: ExitCode.conflict,
    hint: "Another distribution already serves that domain: remove it there first (`s3kit cdn info BUCKET` for distributions s3kit sees), or use another domain.",
  },
  InvalidViewerCertificate: {
    exitCode: ExitCode.usage,
    hint: "The certificate must be issued, in us-east-1, and cover every --domain.",
  },
  TooManyDistributions: {
    exitCode: ExitCode.conflict,
    hint: "The account's CloudFront distribution quota is reached; delete unused distributions or ask AWS for a higher quota.",
  },
  TooManyOriginAccessControls: {
    exitCode: ExitCode.conflict,
    hint: "The account's quota of origin access controls is reached; delete unused ones.",
  },
  PreconditionFailed: {
    exitCode: ExitCode.conflict,
    hint: "The distribution changed while s3kit was working on it; run the command again.",
  },
  DistributionNotDisabled: {
    exitCode: ExitCode.conflict,
    hint: "CloudFront deletes a distribution only once it is disabled and that change is deployed; run the command again in a few minutes.",
  },
  OriginAccessControlInUse: {
    exitCode: ExitCode.conflict,
    hint: "Another distribution still uses this origin access control.",
  },
  NoSuchDistribution: { exitCode: ExitCode.notFound, hint: "It may have been deleted already." },
  NoSuchOriginAccessControl: {
    exitCode: ExitCode.notFound,
    hint: "It may have been deleted already.",
  },
  IllegalUpdate: {
    exitCode: ExitCode.usage,
    hint: "CloudFront refused the change; `s3kit cdn info BUCKET` shows the distribution as it is.",
  },
};

export function cloudFrontError(err: unknown, operation: string): S3kitError {
  const mapped = mapAwsError(err, { operation });
  const known = KNOWN[mapped.code];
  if (!known) return mapped;
  return new S3kitError(
    { code: mapped.code, message: mapped.message, hint: known.hint, exitCode: known.exitCode },
    { cause: err },
  );
}

/**
 * A listing call that an endpoint without CloudFront answers (404, 405, 501, or "not
 * implemented"): say that, instead of a bare "Not found".
 */
export function listingError(err: unknown, operation: string, endpoint: string): S3kitError {
  const mapped = cloudFrontError(err, operation);
  const status = httpStatusOf(err);
  const unsupported =
    status === 404 ||
    status === 405 ||
    status === 501 ||
    /NotImplemented|UnknownOperation|InvalidAction/i.test(mapped.code);
  if (!unsupported) return mapped;
  return new S3kitError(
    {
      code: "CloudFrontNotSupported",
      message: `CloudFront is not available on ${endpoint} (${operation} answered ${mapped.code}).`,
      hint: "The cdn commands need AWS CloudFront: run them against AWS, or point AWS_ENDPOINT_URL_CLOUDFRONT at an endpoint that implements it.",
      exitCode: ExitCode.failure,
    },
    { cause: err },
  );
}
