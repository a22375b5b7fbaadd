import { describeSetting, settingLabel } from "../../core/buckets/describe.js";
import { getBucketInfo } from "../../core/buckets/info.js";
import type { BucketState, ConfigSetting } from "../../core/buckets/state.js";
import { notSupported } from "../../core/buckets/support.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { defineCommand } from "../context.js";

export default defineCommand({
  examples: [
    "s3kit bucket info my-app-uploads",
    "s3kit bucket info my-app-uploads --json | jq .encryption",
  ],
  notes: [
    "JSON: {bucket, region, publicAccessBlock, ownership, encryption: {algorithm, kmsKeyId, bucketKeyEnabled}, versioning, policy, lifecycle, cors, tags, logging, unreadable, unsupported}. An absent setting is null; one that could not be read (access denied) is listed in unreadable. Policy, lifecycle and CORS rules are S3's own documents.",
    "Exit 3 if the bucket does not exist, 5 if it is in another region.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Show every setting of a bucket: region, default encryption, public access block, object " +
          "ownership, versioning, CORS, lifecycle rules, bucket policy, tags and access logging. " +
          "A setting the bucket does not have is shown as absent (null in --json); one the " +
          "endpoint does not support is shown as such, with what that means for safety " +
          '("unsupported" in --json, with the endpoint\'s answer).',
      )
      .argument("<name>", "bucket name");
  },
  async run(ctx, args) {
    const name = args[0] as string;
    assertValidBucketName(name);
    const state = await getBucketInfo(await ctx.aws(), name);
    ctx.out.result(state, renderInfo);
    return undefined;
  },
});

function renderInfo(state: BucketState): string {
  const order: ConfigSetting[] = [
    "encryption",
    "publicAccessBlock",
    "ownership",
    "versioning",
    "cors",
    "lifecycle",
    "policy",
    "tags",
    "logging",
  ];
  const labels = ["region", ...order.map((s) => settingLabel(s))];
  const width = Math.max(...labels.map((l) => l.length)) + 1;
  const lines = [`Bucket ${state.bucket}`, `  ${"region:".padEnd(width)} ${state.region}`];
  for (const setting of order) {
    const unreadable = state.unreadable[setting];
    const unsupported = state.unsupported[setting];
    const values = unsupported
      ? [`not supported by this endpoint: ${notSupported(setting, unsupported).meaning}`]
      : unreadable
        ? [`unknown (could not read it: ${unreadable})`]
        : describeSetting(setting, state[setting]);
    const label = `${settingLabel(setting)}:`.padEnd(width);
    lines.push(`  ${label} ${values[0]}`);
    for (const more of values.slice(1)) lines.push(`  ${" ".repeat(width)} ${more}`);
  }
  return lines.join("\n");
}
