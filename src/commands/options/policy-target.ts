// Whose access `policy debug` and `policy fix` look at, and to what. Offline the policies
// come from files; online, from IAM for --user, --role or the caller. The request is the
// actions on --bucket/--key or --resource, with --context. To add a kind of principal
// (e.g. --group), add its option to `principal` and its case to core/access/mode.ts.

import { DEFAULT_PRINCIPAL_ARN } from "../../core/policy/principal.js";
import { bucket } from "./common.js";
import { list, value } from "./spec.js";

/** Offline: the policies, from files. */
export const policyFiles = {
  policyFile: list(
    "--policy-file",
    "file",
    "offline: identity policies of the caller (JSON; - for stdin)",
  ),
  boundaryFile: value("--boundary-file", "file", "offline: the caller's permissions boundary"),
  bucketPolicyFile: value("--bucket-policy-file", "file", "offline: the bucket policy"),
  scpFile: list("--scp-file", "file", "offline: service control policies of the account"),
};

export const principal = {
  principalArn: value(
    "--principal-arn",
    "arn",
    `offline: the caller's user, role or assumed-role ARN (default ${DEFAULT_PRINCIPAL_ARN})`,
  ),
  user: value("--user", "name", "online: the IAM user (default: the caller)"),
  role: value("--role", "name", "online: the IAM role"),
};

/** The actions checked when --action is not given. */
export const COMMON_ACTIONS = "s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject";

/** What is requested; `action`, `key` and `context` are described by each command. */
export const request = {
  action: list("--action", "action", `actions (default: ${COMMON_ACTIONS})`),
  resource: value("--resource", "arn", "the resource ARN, e.g. arn:aws:s3:::my-app-uploads/a.txt"),
  bucket,
  key: value("--key", "key", "object key; for ListBucket, the s3:prefix"),
  context: list("--context", "key=value", "request context, e.g. s3:prefix=uploads/"),
  bucketAccount: value(
    "--bucket-account",
    "id",
    "the account that owns the bucket, when it is not the caller's (online it is looked up where the endpoint tells)",
  ),
};
