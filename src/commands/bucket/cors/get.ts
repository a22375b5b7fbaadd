import { getCors } from "../../../core/buckets/cors.js";
import { describeCors } from "../../../core/buckets/describe.js";
import { assertValidBucketName } from "../../../core/s3/bucket-names.js";
import { defineCommand } from "../../context.js";

export default defineCommand({
  examples: ["s3kit bucket cors get my-app-uploads", "s3kit bucket cors get my-app-uploads --json"],
  configure(cmd) {
    cmd
      .description("Show a bucket's CORS rules (`cors: null` in --json when it has none).")
      .argument("<name>", "bucket name");
  },
  async run(ctx, args) {
    const name = args[0] as string;
    assertValidBucketName(name);
    const result = await getCors(await ctx.aws(), name);
    ctx.out.result(result, (r) =>
      r.cors ? describeCors(r.cors).join("\n") : `${r.bucket} has no CORS configuration.`,
    );
    return undefined;
  },
});
