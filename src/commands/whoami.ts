import { getIdentity, type Identity } from "../core/identity.js";
import { renderFields } from "../io/table.js";
import { defineCommand } from "./context.js";

export default defineCommand({
  examples: [
    "s3kit whoami",
    "s3kit whoami --profile dev --json",
    "s3kit --endpoint-url http://127.0.0.1:9000 whoami",
  ],
  configure(cmd) {
    cmd.description(
      "Show who s3kit acts as (account, ARN, user id), the region and endpoint it talks to,\nthe access key and where the credentials came from. On an endpoint without STS\n(MinIO, versitygw, R2) the identity is not available: s3kit proves the keys with a\nsigned S3 request instead and says so.",
    );
  },
  async run(ctx) {
    const identity = await getIdentity(await ctx.aws());
    ctx.out.result(identity, renderIdentity);
    if (identity.isRoot) {
      ctx.out.warn("these are root user credentials; use an IAM user or role for everyday work.");
    }
    return undefined;
  },
});

function renderIdentity(id: Identity): string {
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
  return renderFields(fields);
}
