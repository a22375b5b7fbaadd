import { awsCliCommand } from "../core/aws-cli-command.js";
import { ExitCode } from "../core/errors.js";
import { createSession } from "../core/objects/transfer.js";
import { formatBytes } from "../core/s3/size.js";
import type { Direction } from "../core/sync/compare.js";
import { describeSide, prepareSync } from "../core/sync/prepare.js";
import { runSync, type SyncOutcome } from "../core/sync/run.js";
import { summarize, syncExitCode } from "../core/sync/summary.js";
import { formatSeconds, startProgress } from "../io/progress.js";
import { oneLine } from "../io/terminal-text.js";
import { defineCommand } from "./context.js";
import { dryRun } from "./options/common.js";
import { declareOptions, flag, type OptionsOf, toggle, value } from "./options/spec.js";
import {
  filterRules,
  objectSettings,
  transferOptions,
  transferTuning,
} from "./options/transfer.js";
import { cleanupDone, locationShower, plural } from "./render/locations.js";

const options = {
  delete: flag("--delete", "delete what is in the destination but not in the source"),
  dryRun: dryRun.describe("print the plan (transfers and deletions, with sizes); change nothing"),
  allowEmptySource: flag(
    "--allow-empty-source",
    "with --delete: allow an empty source to empty the destination",
  ),
  maxDelete: value("--max-delete", "n", "with --delete: refuse to delete more than N (exit 5)"),
  checksum: flag("--checksum", "compare content instead of size and time (recommended for CI)"),
  sizeOnly: flag("--size-only", "compare sizes only"),
  exactTimestamps: flag(
    "--exact-timestamps",
    "downloads: transfer same-sized files whose times differ at all",
  ),
  include: transferOptions.include.describe(
    "sync what matches (repeatable; the last matching rule wins; as cp)",
  ),
  exclude: transferOptions.exclude.describe("leave out what matches (repeatable; as cp)"),
  followSymlinks: toggle(
    "--follow-symlinks",
    "follow symbolic links (the default)",
    "leave symbolic links out (and their counterparts alone)",
  ),
  onCollision: transferOptions.onCollision.describe(
    "downloads, when keys map to one file: error (the default: list them, change nothing, exit 5) or skip (leave those keys and their files alone)",
  ),
  contentType: transferOptions.contentType.describe(
    "Content-Type (default: from each file's name)",
  ),
  cacheControl: transferOptions.cacheControl,
  metadata: transferOptions.metadata,
  storageClass: transferOptions.storageClass,
  sse: transferOptions.sse,
  kmsKey: transferOptions.kmsKey,
  // --checksum chooses how files are compared, so the upload checksum has a longer name.
  checksumAlgorithm: value(
    "--checksum-algorithm",
    "algorithm",
    "checksum uploads carry (as cp's --checksum): crc32 (default), crc32c, crc64nvme, sha256, sha1, or none",
  ),
  multipartThreshold: transferOptions.multipartThreshold,
  partSize: transferOptions.partSize,
  concurrency: transferOptions.concurrency,
};

const verbs: Record<Direction, { done: string; doing: string; plain: string }> = {
  upload: { done: "uploaded", doing: "Uploading", plain: "upload" },
  download: { done: "downloaded", doing: "Downloading", plain: "download" },
  copy: { done: "copied", doing: "Copying", plain: "copy" },
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit sync ./dist s3://my-app-site/ --delete --checksum --dry-run",
    "s3kit sync ./dist s3://my-app-site/ --delete --checksum --max-delete 500",
    "s3kit sync s3://my-app-uploads/ ./backup/uploads",
    "s3kit sync s3://my-app-uploads/ s3://my-app-backup/uploads/ --storage-class STANDARD_IA",
    "s3kit sync ./site s3://my-app-site/ --exclude '*' --include '*.html' --cache-control 'no-cache'",
  ],
  notes: [
    "sync compares content, not headers: after a change of --cache-control, files whose content is unchanged keep the old header; rewrite them once with `s3kit cp --recursive --cache-control …`. A key S3 would refuse, or a file name that is not UTF-8, is reported and left out (exit 1). Both listings are read as sorted streams and merged, so memory does not grow with the number of unchanged files.",
    "JSON: {kind, source, destination, dryRun, compare, files, bytes, unchanged, deleted, seconds, failed, transfers (each with reason), deletions, deletionsHeldBack, failures, deleteFailures, skipped}.",
    "Exit codes: 1 a transfer or deletion failed, or part of the source could not be synced (listed), 2 bad input, 3 the source does not exist, 4 access denied, 5 a refusal (an empty source, --max-delete, keys that collide), 130 interrupted (nothing is deleted after Ctrl-C).",
  ],
  configure(cmd) {
    cmd
      .description(
        [
          "Make DST mirror SRC, transferring only what changed: a local folder to an S3",
          "prefix, a prefix to a folder, or a prefix to another (server-side copies).",
          "Transfers use cp's engine (multipart, checksums, atomic and verified",
          "downloads; Ctrl-C aborts open uploads and removes partial files).",
          "",
          "What changed (by default the AWS CLI's rule, size and modification time):",
          "  - uploads and copies: another size, or a source newer than the destination",
          "    (an object's time is when it was written to S3, so a file edited after its",
          "    upload is newer);",
          "  - downloads: another size, or a local file newer than the object; a download",
          "    sets the file's mtime to the object's LastModified.",
          "  Times are compared in whole seconds. Pitfalls: a fresh git clone or CI",
          "  checkout gives every file a new mtime, so everything is uploaded again; a",
          "  file replaced by an older one of the same size (a restore, cp -p) is missed;",
          "  an object rewritten with the same size is missed by a download. --checksum",
          "  avoids all three and is the choice for CI: it compares content (the ETag",
          "  where it is a plain MD5, else the object's full-object checksum,",
          "  CRC32/CRC32C/CRC64NVME/SHA, else a multipart ETag recomputed for the usual",
          "  part sizes; what cannot be shown equal is transferred). It reads every",
          "  same-sized file. --size-only trusts sizes alone; --exact-timestamps",
          "  (downloads) transfers whenever the times differ.",
          "",
          "--delete removes from DST what is not in SRC, after every transfer succeeded.",
          "It deletes nothing when the source could not be read completely, or is empty",
          "(or nothing in it matches the filters) unless --allow-empty-source;",
          "--max-delete N refuses a run that would delete more than N (exit 5, nothing",
          "changed). --dry-run prints the plan (transfers and deletions, with sizes) and",
          "changes nothing.",
          "",
          "Filters apply to both sides: an excluded file is neither transferred nor",
          "deleted. Symbolic links are followed (--no-follow-symlinks leaves them, and",
          "their counterparts, alone); a link to a folder that contains it is reported",
          "once and not followed; links to folders inside a local destination are not",
          "followed. Keys that are no file name as they stand (a//b, a/./b, ../b, a/ with",
          "data) are reported and left alone, as is the file they would land on; keys",
          "that would land on one file (a and a/b; README and readme where the file",
          "system ignores case) stop a download (exit 5) unless --on-collision skip.",
          "Empty folder markers are neither copied nor deleted.",
        ].join("\n"),
      )
      .argument("<source>", "local folder or s3://BUCKET/PREFIX")
      .argument("<destination>", "local folder (created if missing) or s3://BUCKET/PREFIX");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const [sourceText, destinationText] = args as [string, string];
    const setup = await prepareSync(
      {
        source: sourceText,
        destination: destinationText,
        checksum: opts.checksum,
        sizeOnly: opts.sizeOnly,
        exactTimestamps: opts.exactTimestamps,
        deleteExtra: opts.delete === true,
        allowEmptySource: opts.allowEmptySource,
        maxDelete: opts.maxDelete,
        filters: filterRules(opts),
        followSymlinks: opts.followSymlinks !== false,
        onCollision: opts.onCollision,
        tuning: transferTuning(opts),
        settings: objectSettings({ ...opts, checksum: opts.checksumAlgorithm }),
      },
      ctx.cwd,
    );
    const { out } = ctx;
    const show = locationShower(ctx.cwd);
    const from = show(describeSide(setup.source));
    const to = show(describeSide(setup.destination));
    const aws = await ctx.aws();
    const s3 = await aws.s3();
    const started = performance.now();
    const session = createSession(s3);
    const lean = opts.dryRun ? undefined : await aws.leanS3(setup.tuning.concurrency);
    const progress = opts.dryRun
      ? undefined
      : startProgress(out, { label: verbs[setup.direction].doing });
    const unregister = ctx.onInterrupt({
      run: async () => {
        progress?.stop();
        const report = await session.cleanup();
        out.warn(`interrupted${cleanupDone(report)}; nothing more was deleted.`);
      },
      pending: () => session.pending((a) => awsCliCommand(aws, "s3", a)),
    });
    let outcome: SyncOutcome;
    try {
      outcome = await runSync(setup, {
        s3,
        lean,
        loopback: aws.s3IsLoopback,
        session,
        signal: ctx.signal,
        dryRun: opts.dryRun === true,
        keepResults: out.json,
        observer: {
          bytes: (delta) => progress?.bytes(delta),
          fileDone: () => progress?.fileDone(),
          fileFailed: (f) => {
            const warn = () =>
              out.warn(
                `failed: ${show(f.source)} → ${show(f.destination)}: ${oneLine(f.error.message)}`,
              );
            if (progress) progress.log(warn);
            else warn();
          },
          retry: (what, err, attempt) =>
            out.debug(`retrying ${what} (attempt ${attempt + 1}): ${(err as Error).message}`),
        },
      });
    } catch (err) {
      // Ctrl-C: the interrupt handler reports what it cleaned up; s3kit exits 130.
      if (ctx.signal.aborted) return ExitCode.interrupted;
      throw err;
    } finally {
      progress?.stop();
      unregister();
      lean?.destroy();
    }
    const { plan } = outcome;
    for (const s of plan.skipped) {
      out.warn(
        `${s.error ? "could not sync" : "skipped"} ${show(s.location)}: ${oneLine(s.reason)}`,
      );
    }
    const verb = verbs[setup.direction];
    const summary = summarize(
      setup,
      { source: sourceText, destination: destinationText },
      outcome,
      (performance.now() - started) / 1000,
    );

    if (summary.dryRun) {
      out.result(
        summary,
        () =>
          [
            ...plan.transfers.map(
              (t) =>
                `(dry run) ${verb.plain}: ${show(t.source)} → ${show(t.destination)} (${formatBytes(t.size)}, ${REASONS[t.reason]})`,
            ),
            ...plan.deletions.map(
              (d) => `(dry run) delete: ${show(d.location)} (${formatBytes(d.size)})`,
            ),
          ].join("\n") || undefined,
      );
      await out.flushed();
      const deleteBytes = plan.deletions.reduce((sum, d) => sum + d.size, 0);
      out.info(
        `Dry run: would ${verb.plain} ${plural(summary.files, "file")} (${formatBytes(summary.bytes)})${setup.deleteExtra ? ` and delete ${plural(plan.deletions.length, "file")} (${formatBytes(deleteBytes)})` : ""}; ${plural(plan.unchanged, "file")} unchanged. Nothing was changed.`,
      );
      const refusal = outcome.refusal;
      if (refusal) out.warn(`a real run would refuse: ${refusal.message} ${refusal.hint ?? ""}`);
      else if (summary.deletionsHeldBack) {
        out.warn(`a real run would transfer but delete nothing: ${summary.deletionsHeldBack}.`);
      }
      return undefined;
    }

    out.result(summary, () => undefined);
    await out.flushed();
    for (const f of summary.deleteFailures) {
      out.warn(`could not delete ${show(f.location)}: ${oneLine(`${f.code} ${f.message}`)}`);
    }
    if (summary.deletionsHeldBack) {
      out.warn(
        `${plural(plan.deletions.length, setup.destination.kind === "s3" ? "object" : "file")} not in the source ${plan.deletions.length === 1 ? "was" : "were"} kept: ${summary.deletionsHeldBack}.`,
      );
    }
    const parts = [
      `${verb.done} ${plural(summary.files, "file")} (${formatBytes(summary.bytes)})`,
      ...(setup.deleteExtra ? [`deleted ${plural(summary.deleted, "file")}`] : []),
      `${plural(plan.unchanged, "file")} unchanged`,
    ];
    const line = `${from} → ${to}: ${parts.join(", ")} in ${formatSeconds(summary.seconds)}`;
    const code = syncExitCode(
      summary,
      plan.skipped.some((s) => s.error),
    );
    if (code === undefined) out.success(`Synced ${line}`);
    else if (summary.failed > 0) out.warn(`${line}; ${summary.failed} failed (listed above).`);
    else if (summary.deleteFailures.length > 0) {
      out.warn(`${line}; ${summary.deleteFailures.length} could not be deleted (listed above).`);
    } else out.warn(`${line}; some of the source could not be synced (listed above).`);
    return code;
  },
});

const REASONS: Record<string, string> = {
  new: "new",
  size: "size differs",
  newer: "source is newer",
  time: "time differs",
  content: "content differs",
};
