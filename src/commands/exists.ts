import { ExitCode } from "../core/errors.js";
import { objectExists } from "../core/objects/head.js";
import { parseS3Location } from "../core/s3/location.js";
import { defineCommand } from "./context.js";

export default defineCommand({
  examples: [
    "s3kit exists s3://my-app-uploads/reports/2024.pdf && echo there",
    "if ! s3kit exists s3://my-app-backup/db/today.sql.gz; then ./backup.sh; fi",
    "s3kit exists s3://my-app-uploads/logo.png --json",
  ],
  configure(cmd) {
    cmd
      .description(
        'Check whether an object exists: exit 0 if it does, 3 if it (or its bucket) does not. Prints nothing, except {"exists": true|false} with --json. Other failures keep their codes: 4 access denied, 1 the network, 2 a malformed location.',
      )
      .argument("<location>", "s3://BUCKET/KEY");
  },
  async run(ctx, args) {
    const location = parseS3Location(args[0] as string, { needKey: true });
    const exists = await objectExists(await ctx.aws(), location);
    if (ctx.out.json) ctx.out.jsonDocument({ exists });
    return exists ? ExitCode.ok : ExitCode.notFound;
  },
});
