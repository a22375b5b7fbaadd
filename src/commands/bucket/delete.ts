import {
  assertDeletable,
  DEFAULT_DELETE_CONCURRENCY,
  deleteBucket,
  inspectBucket,
} from "../../core/buckets/delete.js";
import { parseConcurrency } from "../../core/concurrency.js";
import { ExitCode, S3kitError } from "../../core/errors.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { startItemProgress } from "../../io/item-progress.js";
import { confirm } from "../../io/prompt.js";
import { defineCommand } from "../context.js";
import { declareOptions, flag, type OptionsOf, value } from "../options/spec.js";

const options = {
  force: flag("--force", "delete everything in the bucket first"),
  concurrency: value(
    "--concurrency",
    "n",
    `delete batches in flight (default ${DEFAULT_DELETE_CONCURRENCY})`,
  ),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit bucket delete my-old-bucket",
    "s3kit bucket delete my-old-bucket --force --yes",
  ],
  notes: [
    "Without a terminal it refuses unless --yes (exit 2). --force lists every version and delete marker and deletes them with DeleteObjects while the listing goes on, aborts every open multipart upload, then deletes the bucket; a progress bar shows on a terminal. Exit 3 if the bucket does not exist.",
    "JSON: {bucket, region, deleted, versioned, objectsDeleted, deleteMarkersDeleted, uploadsAborted, seconds}.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Delete a bucket. Asks first (--yes answers for you). A bucket with objects, versions or " +
          "open multipart uploads is only deleted with --force, which deletes every object " +
          "version and delete marker (in batches of 1000, several at a time) and aborts every " +
          "open multipart upload first. Exits 5 for a non-empty bucket without --force.",
      )
      .argument("<name>", "bucket name");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const name = args[0] as string;
    assertValidBucketName(name);
    const concurrency =
      opts.concurrency === undefined
        ? DEFAULT_DELETE_CONCURRENCY
        : parseConcurrency(opts.concurrency, DEFAULT_DELETE_CONCURRENCY);
    const aws = await ctx.aws();
    const contents = await inspectBucket(aws, name);
    const empty = !contents.hasObjects && !contents.hasUploads;
    assertDeletable(contents, opts.force === true);
    const question = empty
      ? `Delete the empty bucket ${name}?`
      : `Delete bucket ${name} and everything in it (every object version, delete marker and open upload)? This cannot be undone.`;
    if (!(await confirm(ctx.out, question, { yes: ctx.globals.yes }))) {
      throw new S3kitError({
        code: "Cancelled",
        message: "Not confirmed; nothing was deleted.",
        exitCode: ExitCode.failure,
      });
    }
    const progress = startItemProgress(ctx.out, `Deleting ${name}`);
    let report: Awaited<ReturnType<typeof deleteBucket>>;
    try {
      report = await deleteBucket(aws, contents, {
        force: opts.force === true,
        concurrency,
        onProgress: (p) =>
          progress.update(
            p.deleted,
            p.listingDone ? p.listed : undefined,
            `of ${p.listed.toLocaleString("en-US")}+ listed`,
          ),
      });
    } finally {
      progress.stop();
    }
    ctx.out.result(report, (r) => {
      if (r.objectsDeleted + r.deleteMarkersDeleted + r.uploadsAborted === 0) {
        return `Deleted the empty bucket ${r.bucket}.`;
      }
      const n = (count: number, what: string) => `${count} ${what}${count === 1 ? "" : "s"}`;
      const parts = [n(r.objectsDeleted, r.versioned ? "object version" : "object")];
      if (r.deleteMarkersDeleted > 0) parts.push(n(r.deleteMarkersDeleted, "delete marker"));
      if (r.uploadsAborted > 0) parts.push(`${n(r.uploadsAborted, "multipart upload")} aborted`);
      return `Deleted bucket ${r.bucket} (${parts.join(", ")}) in ${r.seconds} s.`;
    });
    return undefined;
  },
});
