// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
// What access to grant on a bucket: --access LEVEL, limited to --prefix P… or each user's
// own folder, with the KMS permissions of --kms-key. `policy generate`, `iam add-dev` and
// `iam add-role` take them.

import type { GrantInput } from "../../core/iam/grant.js";
import { PER_USER_FOLDER } from "../../core/policy/generate.js";
import { ACCESS_LEVEL_NAMES } from "../../core/policy/templates.js";
import { bucket } from "./common.js";
import { flag, type OptionsOf, repeatable, value } from "./spec.js";

export const grantOptions = {
  bucket: bucket.describe("the bucket (it must exist)").required(),
  access: value("--access", "level", `access level: ${ACCESS_LEVEL_NAMES.join(", ")}`).required(),
  prefix: repeatable("--prefix", "prefix", "limit access to keys under this prefix (repeatable)"),
  perUserPrefix: flag("--per-user-prefix", `limit access to the folder ${PER_USER_FOLDER}`),
  kmsKey: value("--kms-key", "arn", "the bucket's SSE-KMS key: adds the KMS permissions"),
};

type GrantFlags = Pick<
  OptionsOf<typeof grantOptions>,
  "bucket" | "access" | "perUserPrefix" | "kmsKey"
> & { prefix?: readonly string[] | undefined };

/** The grant the flags describe, as core takes it (validated there). */
export function grantInput(flags: GrantFlags): GrantInput {
  return {
    bucket: flags.bucket,
    access: flags.access,
    prefixes: flags.prefix ?? [],
    perUserPrefix: flags.perUserPrefix === true,
    ...(flags.kmsKey ? { kmsKeyArn: flags.kmsKey } : {}),
  };
}
