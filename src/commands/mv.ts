import { awsCliCommand } from "../core/aws-cli-command.js";
import { ExitCode } from "../core/errors.js";
import { folderPrefix } from "../core/objects/endpoints.js";
import { createSession, type Skipped, type TransferKind } from "../core/objects/transfer.js";
import { formatBytes } from "../core/s3/size.js";
import { type MoveResult, prepareMove, runMove } from "../core/sync/move.js";
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
import { cleanupDone, locationShower, plural } from "./render/locations.js";

const options = {
  ...transferOptions,
  recursive: transferOptions.recursive.describe("move a folder or everything under a prefix"),
  include: transferOptions.include.describe(
    "with --recursive: move what matches (repeatable; the last matching rule wins)",
  ),
  exclude: transferOptions.exclude.describe("with --recursive: leave what matches (repeatable)"),
  onCollision: transferOptions.onCollision.describe(
    "with --recursive downloads, when keys map to one file: error (the default: list them, move nothing, exit 5) or skip (move the others)",
  ),
  dryRun: dryRun.describe("list what would be moved; change nothing"),
};

/** The --json document of a move. */
export interface MoveSummary {
  kind: TransferKind;
  source: string;
  destination: string;
  dryRun: boolean;
  files: number;
  bytes: number;
  seconds: number;
  failed: number;
  moves: MoveResult["moves"];
  failures: MoveResult["failures"];
  skipped: Skipped[];
}

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit mv ./export.csv s3://my-app-uploads/exports/",
    "s3kit mv s3://my-app-uploads/incoming/ s3://my-app-archive/2024/ --recursive",
    "s3kit mv s3://my-app-uploads/tmp/report.pdf ./report.pdf",
    "s3kit mv ./outbox s3://my-app-uploads/outbox/ --recursive --dry-run",
  ],
  notes: [
    "Locations, flags and filters are cp's. \"Not changed meanwhile\" means a file's size and time, an object's ETag. A copy that cannot be shown complete has copied: true in --json. Moving objects onto themselves, or onto objects the same move has yet to move, is refused before anything happens.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Move files to S3, objects from S3, or objects between buckets: copy (as cp does), check the copy, then delete the source. A copy is checked by size and by content where S3 gives the means (the checksum an upload carried, the MD5 or checksum a download was verified against, equal ETags or checksums of two objects), and the source must not have changed meanwhile; a copy that cannot be shown complete keeps its source (exit 1). Ctrl-C, or any failure, never deletes the source of a copy that was not checked. Folders a recursive move empties are removed.",
      )
      .argument("<source>", "local path or s3://BUCKET/KEY")
      .argument("<destination>", "local path or s3://BUCKET/KEY (a trailing / means a folder)");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const [sourceText, destinationText] = args as [string, string];
    const { out } = ctx;
    const show = locationShower(ctx.cwd);
    const request = {
      source: sourceText,
      destination: destinationText,
      recursive: opts.recursive === true,
      filters: filterRules(opts),
      onCollision: opts.onCollision,
      tuning: transferTuning(opts),
      settings: objectSettings(opts),
    };
    const listing = opts.recursive
      ? await startSpinner(out, `Listing ${oneLine(sourceText)}…`)
      : undefined;
    const plan = await prepareMove(request, ctx.cwd, () => ctx.aws(), ctx.signal).finally(() =>
      listing?.stop(),
    );
    for (const skip of plan.skipped)
      out.warn(`skipped ${show(skip.source)}: ${oneLine(skip.reason)}`);
    const base = {
      kind: plan.copy.kind,
      source: sourceText,
      destination: destinationText,
      skipped: plan.skipped,
    };
    const totalBytes = plan.items.reduce((sum, i) => sum + (i.size ?? 0), 0);
    if (opts.dryRun) {
      const summary: MoveSummary = {
        ...base,
        dryRun: true,
        files: plan.items.length,
        bytes: totalBytes,
        seconds: 0,
        failed: 0,
        moves: plan.items.map((i) => ({
          source: i.source,
          destination: i.destination,
          bytes: i.size ?? 0,
          verified: [],
        })),
        failures: [],
      };
      out.result(
        summary,
        () =>
          plan.items
            .map(
              (i) =>
                `(dry run) move: ${show(i.source)} → ${show(i.destination)} (${formatBytes(i.size ?? 0)})`,
            )
            .join("\n") || undefined,
      );
      await out.flushed();
      out.info(
        `Dry run: would move ${plural(plan.items.length, "file")} (${formatBytes(totalBytes)}); nothing was changed.`,
      );
      return undefined;
    }
    if (plan.items.length === 0) {
      out.result(
        {
          ...base,
          dryRun: false,
          files: 0,
          bytes: 0,
          seconds: 0,
          failed: 0,
          moves: [],
          failures: [],
        } satisfies MoveSummary,
        () => undefined,
      );
      out.warn(
        `nothing to move: nothing under ${show(sourceText)}${plan.copy.filters.length > 0 ? " matched the filters" : ""}.`,
      );
      return undefined;
    }

    const aws = await ctx.aws();
    const s3 = await aws.s3();
    const session = createSession(s3);
    const lean = await aws.leanS3(plan.copy.tuning.concurrency);
    const started = performance.now();
    const progress = startProgress(out, {
      label: "Moving",
      totalBytes,
      totalFiles: plan.items.length,
    });
    let moved = 0;
    const unregister = ctx.onInterrupt({
      run: async () => {
        progress.stop();
        const report = await session.cleanup();
        out.warn(
          `interrupted after moving ${plural(moved, "file")}${cleanupDone(report)}. Every file not moved is still in the source.`,
        );
      },
      pending: () => session.pending((a) => awsCliCommand(aws, "s3", a)),
    });
    let result: MoveResult;
    try {
      result = await runMove(plan, {
        s3,
        lean,
        loopback: aws.s3IsLoopback,
        session,
        signal: ctx.signal,
        observer: {
          bytes: (delta) => progress.bytes(delta),
          fileDone: () => {
            moved++;
            progress.fileDone();
          },
          fileFailed: (f) =>
            progress.log(() =>
              out.warn(
                `${f.copied ? "not moved (copied, source kept)" : "failed"}: ${show(f.source)} → ${show(f.destination)}: ${oneLine(f.error.message)}`,
              ),
            ),
          retry: (what, err, attempt) =>
            out.debug(`retrying ${what} (attempt ${attempt + 1}): ${(err as Error).message}`),
        },
      });
    } catch (err) {
      if (ctx.signal.aborted) return ExitCode.interrupted;
      throw err;
    } finally {
      progress.stop();
      lean?.destroy();
    }
    unregister();
    const seconds = (performance.now() - started) / 1000;
    const summary: MoveSummary = {
      ...base,
      dryRun: false,
      files: result.files,
      bytes: result.bytes,
      seconds,
      failed: result.failed,
      moves: result.moves,
      failures: result.failures,
    };
    out.result(summary, () => undefined);
    await out.flushed();
    const first = result.moves[0];
    const what =
      !plan.copy.recursive && first
        ? `${show(first.source)} → ${show(first.destination)}`
        : `${plural(result.files, "file")} to ${show(plan.copy.destination.kind === "s3" ? `s3://${plan.copy.destination.bucket}/${folderPrefix(plan.copy.destination.key)}` : plan.copy.destination.text)}`;
    if (result.failed === 0) {
      out.success(`Moved ${what} (${formatBytes(result.bytes)}) in ${formatSeconds(seconds)}`);
      return undefined;
    }
    out.warn(
      `Moved ${result.files} of ${plural(plan.items.length, "file")}; ${result.failed} not moved (listed above; their sources are kept).`,
    );
    const codes = new Set(result.failures.map((f) => f.exitCode));
    return codes.size === 1 ? ([...codes][0] as number) : ExitCode.failure;
  },
});
