import { isAbsolute, relative } from "node:path";
import { awsCliCommand } from "../core/aws-cli-command.js";
import { ExitCode, UsageError } from "../core/errors.js";
import { folderPrefix } from "../core/objects/endpoints.js";
import {
  type CopyPlan,
  collectItems,
  createSession,
  prepareCopy,
  runTransfers,
  type TransferItem,
  type TransferKind,
  type TransferSummary,
} from "../core/objects/transfer.js";
import { formatBytes } from "../core/s3/size.js";
import { formatSeconds, startProgress } from "../io/progress.js";
import { startSpinner } from "../io/spinner.js";
import { oneLine } from "../io/terminal-text.js";
import { defineCommand } from "./context.js";
import { dryRun } from "./options/common.js";

import { declareOptions, type OptionsOf } from "./options/spec.js";
import {
  filterRules,
  objectSettings,
  transferOptions,
  transferTuning,
} from "./options/transfer.js";
import { cleanupDone, plural } from "./render/locations.js";

const options = {
  ...transferOptions,
  dryRun: dryRun.describe("list what would be copied; transfer nothing"),
};

const verbs: Record<TransferKind, { done: string; doing: string; dry: string }> = {
  upload: { done: "Uploaded", doing: "Uploading", dry: "upload" },
  download: { done: "Downloaded", doing: "Downloading", dry: "download" },
  copy: { done: "Copied", doing: "Copying", dry: "copy" },
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit cp ./report.pdf s3://my-app-uploads/reports/",
    "s3kit cp s3://my-app-uploads/reports/report.pdf .",
    "s3kit cp ./site s3://my-app-site/ --recursive --exclude '*.map' --cache-control 'max-age=300'",
    "s3kit cp s3://my-app-uploads/images/ ./images --recursive --include '*.jpg'",
    "s3kit cp s3://my-app-uploads/a.bin s3://my-app-backup/a.bin",
    "pg_dump app | gzip | s3kit cp - s3://my-app-backup/db/app.sql.gz",
    "s3kit cp s3://my-app-backup/db/app.sql.gz - | gunzip | psql app",
  ],
  notes: [
    "A destination ending in / (or an existing folder) is a folder, and the file keeps its name; s3://B/name names the object itself. With --recursive, s3://B/photos is the prefix photos/.",
    "Filters apply in order and the last one that matches decides; if the first is an --include, only what the includes name is copied. A pattern without / matches a file or folder name at any depth (*.log, node_modules); one with / matches the path below the source (img/*.png, docs/**). * and ? stay within a folder name, ** crosses folders, {a,b} and [a-z] work. Keys that would escape the target folder (..) are skipped with a warning.",
    "Downloads go to a hidden .NAME.s3kit-XXXX.part file in the target folder, are checked, then renamed. The size is always checked, and so is the object's full checksum when it has one (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256) or the MD5 of a single-part ETag; a mismatch exits 1 and leaves no file. Each part and range is retried on its own, and a broken download resumes from the last byte written.",
    "Uploads carry a CRC32 unless --checksum says otherwise; S3 checks it before it stores each part, and multipart uploads ask for a full-object CRC (SHA checksums of multipart objects cover the parts only). --checksum none is for servers that reject checksum headers. Copies between buckets use CopyObject (UploadPartCopy above 5 GiB) and keep the source's headers unless you give new ones. Stdin goes up in parts while it is read; the part size doubles every 1,000 parts, so a stream can reach 5 TiB.",
    "Keys are strings, file names are not: p/a/b, p/a//b and p/x/../a/b are one file, p/d and p/d/ too, and p/e cannot be a file while p/e/f needs it to be a folder (on macOS and Windows README and readme are one file). A recursive download finds every such collision before it writes anything. Empty folder markers (photos/) are left out.",
    'JSON: {kind, source, destination, dryRun, files, bytes, seconds, failed, transfers: [{source, destination, bytes, etag, parts}], failures, skipped}; downloads add verified (e.g. ["size", "crc64nvme"]) to each transfer.',
    "Exit codes: 1 a failure (with --recursive, the other files go on), 2 bad input (nothing transferred), 3 the source does not exist, 4 access denied, 5 keys that would land on one file (listed in the error's details with --json; nothing transferred), 130 interrupted.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Copy files to S3, objects from S3, or objects between buckets (server-side). SRC and DST are local paths, s3://BUCKET/KEY locations, or - for stdin/stdout. Files of --multipart-threshold or more go in concurrent parts; downloads land in a temporary file that is checked (size, MD5 or checksum) and renamed. Ctrl-C aborts open multipart uploads and removes partial files.",
      )
      .argument("<source>", "local path, s3://BUCKET/KEY, or - for stdin")
      .argument(
        "<destination>",
        "local path, s3://BUCKET/KEY (a trailing / means a folder), or - for stdout",
      );
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const [source, destination] = args as [string, string];
    const plan = await prepareCopy(
      {
        source,
        destination,
        recursive: opts.recursive === true,
        filters: filterRules(opts),
        onCollision: opts.onCollision,
        tuning: transferTuning(opts),
        settings: objectSettings(opts),
      },
      ctx.cwd,
    );
    if (plan.destination.kind === "stdio" && ctx.out.json) {
      throw new UsageError(
        "--json cannot be used when the object is written to stdout.",
        "Drop --json, or write to a file.",
      );
    }
    const aws = await ctx.aws();
    const listing =
      plan.recursive && plan.source.kind === "s3"
        ? await startSpinner(ctx.out, `Listing ${oneLine(plan.source.text)}…`)
        : undefined;
    const { items, skipped } = await collectItems(plan, aws, ctx.signal).finally(() =>
      listing?.stop(),
    );
    // Local paths as the user would type them: relative to the current folder when inside it;
    // on one line, whatever characters a key or file name holds.
    const show = (location: string) => {
      if (!isAbsolute(location)) return oneLine(location);
      const rel = relative(ctx.cwd, location);
      return oneLine(rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? location : rel);
    };
    for (const skip of skipped)
      ctx.out.warn(`skipped ${show(skip.source)}: ${oneLine(skip.reason)}`);
    const verb = verbs[plan.kind];

    if (opts.dryRun) {
      const summary = dryRunSummary(plan, items, skipped);
      ctx.out.result(summary, () =>
        items
          .map(
            (i) =>
              `(dry run) ${verb.dry}: ${show(i.source)} → ${show(i.destination)}${i.size !== undefined ? ` (${formatBytes(i.size)})` : ""}`,
          )
          .join("\n"),
      );
      await ctx.out.flushed();
      ctx.out.info(
        `Dry run: would ${verb.dry} ${plural(items.length, "file")} (${formatBytes(summary.bytes)}); nothing was transferred.`,
      );
      return undefined;
    }
    if (items.length === 0) {
      ctx.out.result(emptySummary(plan, skipped), () => undefined);
      ctx.out.warn(
        `nothing to ${verb.dry}: no ${plan.source.kind === "s3" ? "objects" : "files"} under ${show(plan.source.text)}${plan.filters.length > 0 ? " matched the filters" : ""}.`,
      );
      return undefined;
    }

    const s3 = await aws.s3();
    const session = createSession(s3);
    const totalBytes = items.every((i) => i.size !== undefined)
      ? items.reduce((sum, i) => sum + (i.size ?? 0), 0)
      : undefined;
    const progress = startProgress(ctx.out, {
      label: verb.doing,
      totalBytes,
      totalFiles: items.length,
    });
    const unregister = ctx.onInterrupt({
      run: async () => {
        progress.stop();
        const report = await session.cleanup();
        ctx.out.warn(`interrupted${cleanupDone(report)}.`);
      },
      pending: () => session.pending((args) => awsCliCommand(aws, "s3", args)),
    });
    let result: Awaited<ReturnType<typeof runTransfers>>;
    try {
      result = await runTransfers(plan, items, aws, {
        signal: ctx.signal,
        session,
        stdin: ctx.out.streams.stdin,
        stdout: ctx.out.streams.stdout,
        keepResults: ctx.out.json || !plan.recursive,
        observer: {
          bytes: (delta) => progress.bytes(delta),
          fileDone: () => progress.fileDone(),
          fileFailed: (failure) =>
            progress.log(() =>
              ctx.out.warn(
                `failed: ${show(failure.source)} → ${show(failure.destination)}: ${oneLine(failure.error.message)}`,
              ),
            ),
          retry: (what, err, attempt) =>
            ctx.out.debug(`retrying ${what} (attempt ${attempt + 1}): ${(err as Error).message}`),
        },
      });
    } catch (err) {
      // Ctrl-C: the interrupt handler reports what it cleaned up; s3kit exits 130.
      if (ctx.signal.aborted) return ExitCode.interrupted;
      throw err;
    } finally {
      progress.stop();
    }
    unregister();

    const summary: TransferSummary = { ...result, dryRun: false, skipped };
    ctx.out.result(summary, () => undefined);
    // Everything written to stdout (the summary, or the object itself with `-`) gets out first.
    await ctx.out.flushed();
    const seconds = summary.seconds;
    const rate =
      summary.bytes > 0 && seconds >= 0.05
        ? ` (${formatBytes(Math.round(summary.bytes / seconds))}/s)`
        : "";
    const first = summary.transfers[0];
    const what =
      !plan.recursive && first
        ? `${show(first.source)} → ${show(first.destination)}`
        : `${plural(summary.files, "file")} to ${show(plan.destination.kind === "s3" ? `s3://${plan.destination.bucket}/${folderPrefix(plan.destination.key)}` : plan.destination.text)}`;
    if (summary.failed === 0) {
      // When the data went to stdout, stderr stays quiet unless someone is watching.
      if (plan.destination.kind !== "stdio" || ctx.out.interactive) {
        ctx.out.success(
          `${verb.done} ${what} (${formatBytes(summary.bytes)}) in ${formatSeconds(seconds)}${rate}`,
        );
      }
      return undefined;
    }
    ctx.out.warn(
      `${verb.done} ${summary.files} of ${plural(items.length, "file")}; ${summary.failed} failed (listed above).`,
    );
    const codes = new Set(summary.failures.map((f) => f.exitCode));
    return codes.size === 1 ? ([...codes][0] as number) : ExitCode.failure;
  },
});

function dryRunSummary(
  plan: CopyPlan,
  items: readonly TransferItem[],
  skipped: TransferSummary["skipped"],
): TransferSummary {
  return {
    ...emptySummary(plan, skipped),
    dryRun: true,
    files: items.length,
    bytes: items.reduce((sum, i) => sum + (i.size ?? 0), 0),
    transfers: items.map((i) => ({
      source: i.source,
      destination: i.destination,
      bytes: i.size ?? 0,
      parts: 0,
    })),
  };
}

function emptySummary(plan: CopyPlan, skipped: TransferSummary["skipped"]): TransferSummary {
  return {
    kind: plan.kind,
    source: plan.source.text,
    destination: plan.destination.text,
    dryRun: false,
    files: 0,
    bytes: 0,
    seconds: 0,
    failed: 0,
    transfers: [],
    failures: [],
    skipped,
  };
}
