import { deleteCors } from "../../../core/buckets/cors.js";
import { assertValidBucketName } from "../../../core/s3/bucket-names.js";
import { defineCommand } from "../../context.js";

export default defineCommand({
  examples: ["s3kit bucket cors delete my-app-uploads"],
  configure(cmd) {
    cmd
      .description(
        "Remove a bucket's CORS configuration (browsers can then no longer call the bucket from other origins). Succeeds when there is none.",
      )
      .argument("<name>", "bucket name");
  },
  async run(ctx, args) {
    const name = args[0] as string;
    assertValidBucketName(name);
    const result = await deleteCors(await ctx.aws(), name);
    ctx.out.result(result, () => undefined);
    if (result.changed) ctx.out.success(`Removed the CORS configuration of ${name}.`);
    else ctx.out.success(`${name} has no CORS configuration: nothing to remove.`);
    return undefined;
  },
});
