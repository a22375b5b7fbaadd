import { openEnvFile } from "../core/handover/connection.js";
import type { HandoverFile } from "../core/handover/read.js";
import { getIdentity, type Identity } from "../core/identity.js";
import { renderFields } from "../io/table.js";
import { defineCommand } from "./context.js";
import { envFile } from "./options/common.js";
import { declareOptions, type OptionsOf } from "./options/spec.js";

const options = {
  envFile: envFile.describe(
    "use the keys, region and endpoint of this file (a .env, JSON, CSV or credentials file; --profile picks the profile of a credentials file)",
  ),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit whoami",
    "s3kit whoami --profile dev --json",
    "s3kit --endpoint-url http://127.0.0.1:9000 whoami",
    "s3kit whoami --env-file .env   # the keys s3kit wrote for an app",
  ],
  notes: [
    "Without STS the keys are proven with S3 ListBuckets: a key the endpoint refuses that request to is still shown valid, since the endpoint checked its signature first. A wrong secret or an unknown key exits 4 either way.",
    "With --env-file, the file's region and endpoint go over the environment's. A file with two keys s3kit cannot tell apart exits 2 naming them. Node itself reads an --env-file argument anywhere on the command line: for a file that does not exist, Node stops before s3kit runs (exit 9) instead of s3kit's exit 3.",
    "JSON: {account, arn, userId, isRoot, identityAvailable, identityUnavailableReason, accessKeyId, verifiedBy, actionDenied, profile, region, regionSource, endpoints, endpointSource, credentialSource, credentialsExpireAt}; without STS, account, arn, userId and isRoot are null. --env-file adds envFile: {path, format, bucket, prefix, variables} (which variable held what; never the secret).",
  ],
  configure(cmd) {
    cmd.description(
      "Show who s3kit acts as (account, ARN, user id), the region and endpoint it talks to, the access key and where the credentials came from. On an endpoint without STS (MinIO, versitygw, R2) the identity is not available: s3kit proves the keys with a signed S3 request instead and says so.\n\n--env-file F checks the keys in a file s3kit wrote (any format, style or variable names, those of .s3kit.json too) with the file's region and endpoint, as the app will use them.",
    );
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    const opened = opts.envFile
      ? openEnvFile(ctx.cwd, opts.envFile, ctx.env, ctx.globals.profile)
      : undefined;
    const file = opened?.file;
    const aws = opened ? await ctx.connect(opened.connection) : await ctx.aws();
    const identity = await getIdentity(aws);
    const report = file ? { ...identity, envFile: describeFile(file) } : identity;
    ctx.out.result(report, (r) => renderIdentity(r, file));
    if (identity.isRoot) {
      ctx.out.warn("these are root user credentials; use an IAM user or role for everyday work.");
    }
    return undefined;
  },
});

/** What the file told, without the secret. */
function describeFile(file: HandoverFile) {
  return {
    path: file.path,
    format: file.format,
    bucket: file.bucket ?? null,
    prefix: file.prefix ?? null,
    variables: file.from,
  };
}

function renderIdentity(id: Identity, file?: HandoverFile): string {
  const fields: [string, string][] = [];
  if (id.identityAvailable) {
    fields.push(["Account", id.account ?? ""], ["ARN", id.arn ?? ""], ["User ID", id.userId ?? ""]);
  } else {
    fields.push(["Identity", `not available (${id.identityUnavailableReason})`]);
  }
  fields.push(["Access key", id.accessKeyId]);
  if (!id.identityAvailable) {
    fields.push([
      "Keys",
      id.actionDenied
        ? `valid: the endpoint checked the signature of ${id.verifiedBy}, then refused the request itself`
        : `valid: the endpoint accepted ${id.verifiedBy}`,
    ]);
  }
  fields.push(
    ["Region", `${id.region} (${id.regionSource})`],
    [
      "Endpoint",
      id.endpointSource ? `${id.endpoints.s3} (${id.endpointSource})` : "AWS (default endpoints)",
    ],
    ["Credentials", id.credentialSource],
  );
  if (id.credentialsExpireAt) fields.push(["Expires", id.credentialsExpireAt]);
  if (file?.bucket) fields.push(["Bucket", file.bucket]);
  if (file?.prefix) fields.push(["Prefix", file.prefix]);
  return renderFields(fields);
}
