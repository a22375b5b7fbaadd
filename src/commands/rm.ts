import { ExitCode, UsageError } from "../core/errors.js";
import { folderPrefix } from "../core/objects/endpoints.js";
import {
  planRemoval,
  type RemovalResult,
  removeAll,
  removeObject,
} from "../core/objects/remove.js";
import { parseS3Location } from "../core/s3/location.js";
import { formatSeconds } from "../io/progress.js";
import { confirm } from "../io/prompt.js";
import { startSpinner } from "../io/spinner.js";
import { oneLine } from "../io/terminal-text.js";
import { defineCommand } from "./context.js";
import { dryRun } from "./options/common.js";
import { declareOptions, flag, type OptionsOf } from "./options/spec.js";

const options = {
  recursive: flag("-r, --recursive", "delete every object under the prefix"),
  dryRun: dryRun.describe("list what would be deleted; delete nothing"),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit rm s3://my-app-uploads/tmp/upload.bin",
    "s3kit rm s3://my-app-uploads/tmp/ --recursive --dry-run",
    "s3kit rm s3://my-app-uploads/tmp/ --recursive --yes",
  ],
  notes: [
    "With --recursive the location is a prefix: tmp means tmp/, never tmpfile. A single object that does not exist exits 3 (S3 itself would report success for a typo). Keys XML cannot carry are deleted one by one.",
    'JSON: {location, dryRun, deleted, failed} (with --dry-run, "keys" lists them). Keys S3 refuses are listed in failed and the exit code is 1 (4 if all were access denied).',
  ],
  configure(cmd) {
    cmd
      .description(
        "Delete an object, or with --recursive everything under a prefix (batched DeleteObjects, 1,000 keys a call, several calls at once while the listing goes on). A recursive delete says how many objects go and asks first; pass --yes to skip the question (required without a terminal). In a versioned bucket this adds delete markers.",
      )
      .argument("<location>", "s3://BUCKET/KEY, or s3://BUCKET/PREFIX/ with --recursive");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const text = args[0] as string;
    const location = parseS3Location(text);
    const { out } = ctx;
    if (!opts.recursive) {
      if (location.key === "" || location.key.endsWith("/")) {
        throw new UsageError(
          `${text} names a ${location.key === "" ? "bucket" : "prefix"}, not an object.`,
          `Pass --recursive to delete everything under it (add --dry-run to see what first).`,
          "InvalidLocation",
        );
      }
      const result = await removeObject(await ctx.aws(), location, {
        dryRun: opts.dryRun === true,
      });
      out.result(result, () =>
        result.dryRun ? `(dry run) delete: ${oneLine(result.location)}` : undefined,
      );
      if (!result.dryRun) out.success(`Deleted ${oneLine(result.location)}`);
      return undefined;
    }

    const prefix = folderPrefix(location.key);
    const where = oneLine(
      prefix === "" ? `the bucket ${location.bucket}` : `s3://${location.bucket}/${prefix}`,
    );
    const aws = await ctx.aws();
    const plan = await planRemoval(aws, location.bucket, prefix, ctx.signal);
    if (plan.firstPage.length === 0) {
      out.result(
        {
          location: `s3://${location.bucket}/${prefix}`,
          dryRun: opts.dryRun === true,
          deleted: 0,
          failed: [],
        } satisfies RemovalResult,
        () => undefined,
      );
      out.info(`Nothing to delete: no objects under ${where}.`);
      return undefined;
    }
    const count = `${plan.firstPage.length.toLocaleString("en-US")}${plan.more ? "+" : ""}`;
    if (opts.dryRun) {
      const result = await removeAll(plan, {
        dryRun: true,
        signal: ctx.signal,
        onBatch: (keys) => {
          if (!out.json)
            for (const key of keys)
              out.data(`(dry run) delete: ${oneLine(`s3://${location.bucket}/${key}`)}`);
        },
      });
      out.result(result, () => undefined);
      await out.flushed();
      const n = result.keys?.length ?? 0;
      out.info(
        `Dry run: would delete ${n.toLocaleString("en-US")} object${n === 1 ? "" : "s"} under ${where}; nothing was deleted.`,
      );
      return undefined;
    }
    const ok = await confirm(
      out,
      `Delete ${count} object${count === "1" ? "" : "s"} under ${where}?`,
      {
        yes: ctx.globals.yes,
      },
    );
    if (!ok) {
      out.info("Nothing was deleted.");
      return ExitCode.ok;
    }
    const started = performance.now();
    const spinner = await startSpinner(out, `Deleting objects under ${where}…`);
    let done = 0;
    let result: RemovalResult;
    try {
      result = await removeAll(plan, {
        dryRun: false,
        signal: ctx.signal,
        onBatch: (keys, failed) => {
          done += keys.length - failed.length;
          spinner.text(`Deleting objects under ${where}… ${done.toLocaleString("en-US")} deleted`);
        },
      });
    } catch (err) {
      spinner.stop();
      if (ctx.signal.aborted) {
        out.warn(`interrupted after deleting ${done.toLocaleString("en-US")} objects.`);
        return ExitCode.interrupted;
      }
      throw err;
    }
    spinner.stop();
    out.result(result, () => undefined);
    await out.flushed();
    for (const f of result.failed)
      out.warn(
        `could not delete ${oneLine(`s3://${location.bucket}/${f.key}`)}: ${oneLine(`${f.code} ${f.message}`)}`,
      );
    const seconds = formatSeconds((performance.now() - started) / 1000);
    if (result.failed.length === 0) {
      out.success(
        `Deleted ${result.deleted.toLocaleString("en-US")} object${result.deleted === 1 ? "" : "s"} under ${where} in ${seconds}`,
      );
      return undefined;
    }
    out.warn(
      `Deleted ${result.deleted.toLocaleString("en-US")} objects; ${result.failed.length} could not be deleted (listed above).`,
    );
    return result.failed.every((f) => f.code === "AccessDenied")
      ? ExitCode.accessDenied
      : ExitCode.failure;
  },
});
