// Which user management an endpoint has, learned from its answers: MinIO's admin API
// answers a signed request under /minio/admin/v3 with JSON (even a refusal); IAM answers
// ListUsers with an IAM document or an IAM error; an S3-only server (versitygw, R2)
// answers neither. Nothing is cached: every run asks again.

import type { Aws } from "../clients.js";
import { errorCodeOf, httpStatusOf } from "../errors.js";
import { MinioAdmin, parseAdminError } from "./client.js";

/** True when the S3 endpoint is a MinIO server whose admin API answers these keys. */
export async function answersMinioAdmin(admin: MinioAdmin, accessKeyId: string): Promise<boolean> {
  // Reading one's own user is the cheapest admin call, and every MinIO answers it with
  // JSON: the user, "no such user" (the root user), or a refusal.
  const response = await admin.raw({
    operation: "GetUserInfo",
    method: "GET",
    path: "/user-info",
    query: { accessKey: accessKeyId },
  });
  if (parseAdminError(response)) return true;
  const type = response.headers["content-type"] ?? "";
  return response.status === 200 && type.includes("json");
}

/** HTTP answers that mean "no such API here" rather than "IAM said no". */
const NOT_IAM_CODES = new Set([
  "MethodNotAllowed",
  "NotImplemented",
  "MissingParameter",
  "InvalidAction",
  "UnknownOperation",
  "InvalidRequest",
  "NoSuchBucket",
]);

export async function answersIam(aws: Aws): Promise<boolean> {
  const { ListUsersCommand } = await import("@aws-sdk/client-iam");
  const iam = await aws.iam();
  try {
    await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    return true;
  } catch (err) {
    const status = httpStatusOf(err);
    if (status === undefined) throw err; // the network, not the service
    if ([404, 405, 501].includes(status)) return false;
    return !NOT_IAM_CODES.has(errorCodeOf(err));
  }
}

/** Detects the user management of the configured endpoint (one or two requests). */
export async function detectUserManagement(
  aws: Aws,
): Promise<{ kind: "minio"; admin: MinioAdmin } | { kind: "aws-iam" } | { kind: "none" }> {
  const { endpoints } = aws.settings;
  if (endpoints.s3) {
    const admin = new MinioAdmin(aws);
    const { accessKeyId } = await aws.credentials();
    if (await answersMinioAdmin(admin, accessKeyId)) return { kind: "minio", admin };
  }
  // IAM at AWS's own endpoint is there by definition; a custom one must answer.
  if (!endpoints.iam) return { kind: "aws-iam" };
  return (await answersIam(aws)) ? { kind: "aws-iam" } : { kind: "none" };
}
