import { getIdentity } from "../core/identity.js";
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
      "Show who s3kit acts as (account, ARN, user id), the region and endpoint it talks to,\nand where the credentials came from.",
    );
  },
  async run(ctx) {
    const identity = await getIdentity(await ctx.aws());
    ctx.out.result(identity, (id) =>
      renderFields([
        ["Account", id.account],
        ["ARN", id.arn],
        ["User ID", id.userId],
        ["Region", `${id.region} (${id.regionSource})`],
        [
          "Endpoint",
          id.endpointSource
            ? `${id.endpoints.s3} (${id.endpointSource})`
            : "AWS (default endpoints)",
        ],
        ["Credentials", id.credentialSource],
        ...(id.credentialsExpireAt ? [["Expires", id.credentialsExpireAt] as const] : []),
      ]),
    );
    if (identity.isRoot) {
      ctx.out.warn("these are root user credentials; use an IAM user or role for everyday work.");
    }
    return undefined;
  },
});
