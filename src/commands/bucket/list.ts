import { bucketSummaries } from "../../core/buckets/list.js";
import { renderTable } from "../../io/table.js";
import { defineCommand } from "../context.js";

export default defineCommand({
  examples: ["s3kit bucket list", "s3kit bucket list --json | jq -r '.buckets[].name'"],
  notes: ["JSON: {buckets: [{name, region, creationDate}]} (region null when it cannot be read)."],
  configure(cmd) {
    cmd.description("List the account's buckets with their region and creation date.");
  },
  async run(ctx) {
    const buckets = await bucketSummaries(await ctx.aws());
    ctx.out.result({ buckets }, (r) =>
      r.buckets.length === 0
        ? undefined
        : renderTable(r.buckets, [
            { header: "NAME", value: (b) => b.name },
            { header: "REGION", value: (b) => b.region ?? "unknown" },
            { header: "CREATED", value: (b) => b.creationDate?.replace(/\.\d{3}Z$/, "Z") ?? "" },
          ]),
    );
    if (buckets.length === 0) ctx.out.info("No buckets.");
    return undefined;
  },
});
