import { ExitCode, type ExitCodeValue, S3kitError } from "../../core/errors.js";

/** What MinIO's admin API answers on failure: a JSON object, not S3's XML. */
export interface MinioErrorBody {
  Code?: string;
  Message?: string;
  Resource?: string;
}

export const ADMIN_RIGHTS_HINT =
  "These keys may not manage MinIO users: use the root user's keys, or a user with MinIO's consoleAdmin policy (`mc admin policy attach ALIAS consoleAdmin --user NAME`).";

const credentialHint =
  "Check the access key and secret (`s3kit whoami`); they must be valid on this MinIO server.";

const byCode: Record<string, { exitCode: ExitCodeValue; hint?: string }> = {
  AccessDenied: { exitCode: ExitCode.accessDenied, hint: ADMIN_RIGHTS_HINT },
  InvalidAccessKeyId: { exitCode: ExitCode.accessDenied, hint: credentialHint },
  SignatureDoesNotMatch: { exitCode: ExitCode.accessDenied, hint: credentialHint },
  ExpiredToken: { exitCode: ExitCode.accessDenied, hint: "The session has expired; renew it." },
  XMinioAdminNoSuchUser: { exitCode: ExitCode.notFound },
  XMinioAdminNoSuchGroup: { exitCode: ExitCode.notFound },
  XMinioAdminNoSuchPolicy: { exitCode: ExitCode.notFound },
  XMinioAdminNoSuchAccessKey: { exitCode: ExitCode.notFound },
  XMinioAdminInvalidArgument: { exitCode: ExitCode.usage },
  XMinioAdminInvalidAccessKey: { exitCode: ExitCode.usage },
  XMinioAdminInvalidSecretKey: { exitCode: ExitCode.usage },
  XMinioInvalidResource: { exitCode: ExitCode.usage },
  XMinioInvalidIAMCredentials: { exitCode: ExitCode.usage },
  XMinioInvalidGroupName: { exitCode: ExitCode.usage },
  XMinioInvalidUTF: { exitCode: ExitCode.usage },
  XMinioMalformedIAMPolicy: {
    exitCode: ExitCode.usage,
    hint: "MinIO did not accept the policy; check it with `s3kit policy lint FILE`.",
  },
  MalformedPolicy: { exitCode: ExitCode.usage },
  PolicyInvalidName: { exitCode: ExitCode.usage },
  XMinioAdminGroupNotEmpty: { exitCode: ExitCode.conflict },
  XMinioAdminPolicyChangeAlreadyApplied: { exitCode: ExitCode.conflict },
};

/** An error MinIO's admin API answered, with the exit code and hint s3kit gives it. */
export function minioAdminError(
  status: number,
  body: MinioErrorBody,
  operation: string,
): S3kitError {
  const code = body.Code || `HTTP${status}`;
  const known = byCode[code];
  const exitCode =
    known?.exitCode ??
    (status === 403
      ? ExitCode.accessDenied
      : status === 404
        ? ExitCode.notFound
        : status === 400
          ? ExitCode.usage
          : ExitCode.failure);
  const hint = known?.hint ?? (status === 403 ? ADMIN_RIGHTS_HINT : undefined);
  const message = `MinIO ${operation}: ${(body.Message || `HTTP ${status}`).replace(/\.?$/, ".")}`;
  return new S3kitError({ code, message, exitCode, ...(hint ? { hint } : {}) });
}
