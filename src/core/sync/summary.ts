import { ExitCode } from "../errors.js";
import type { CompareMode, Direction } from "./compare.js";
import type { DeletionFailure } from "./deletions.js";
import type { TransferDone, TransferFailure } from "./execute.js";
import type { SyncSetup } from "./prepare.js";
import type { SyncOutcome } from "./run.js";

/** The --json document of a sync (and of a dry run, with `dryRun: true`). */
export interface SyncSummary {
  kind: Direction;
  source: string;
  destination: string;
  dryRun: boolean;
  compare: CompareMode;
  /** Transferred (or, in a dry run, to transfer), and their bytes. */
  files: number;
  bytes: number;
  unchanged: number;
  deleted: number;
  seconds: number;
  failed: number;
  transfers: (Omit<TransferDone, "etag" | "parts"> & {
    etag?: string | undefined;
    parts?: number | undefined;
  })[];
  deletions: { location: string; bytes: number }[];
  /** Why nothing was (or, in a dry run, would be) deleted, or null. */
  deletionsHeldBack: string | null;
  failures: TransferFailure[];
  deleteFailures: DeletionFailure[];
  skipped: { location: string; reason: string }[];
}

/** What the user typed as the two sides. */
export interface SyncTexts {
  source: string;
  destination: string;
}

/** The summary of a run (or a dry run) as data. */
export function summarize(
  setup: SyncSetup,
  texts: SyncTexts,
  outcome: SyncOutcome,
  seconds: number,
): SyncSummary {
  const { plan } = outcome;
  const base = {
    kind: setup.direction,
    source: texts.source,
    destination: texts.destination,
  };
  const skipped = plan.skipped.map(({ location, reason }) => ({ location, reason }));
  if (!outcome.transfers) {
    return {
      ...base,
      dryRun: true,
      compare: setup.mode,
      files: plan.transferCount,
      bytes: plan.transferBytes,
      unchanged: plan.unchanged,
      deleted: 0,
      seconds: 0,
      failed: 0,
      transfers: plan.transfers.map((t) => ({
        source: t.source,
        destination: t.destination,
        bytes: t.size,
        reason: t.reason,
      })),
      deletions: plan.deletions.map((d) => ({ location: d.location, bytes: d.size })),
      deletionsHeldBack:
        outcome.refusal?.message ??
        (plan.sourceIncomplete && plan.deletions.length > 0
          ? "part of the source could not be read, so nothing would be deleted"
          : null),
      failures: [],
      deleteFailures: [],
      skipped,
    };
  }
  const transfers = outcome.transfers;
  const deletions = outcome.deletions ?? { deleted: 0, deleteFailures: [] };
  const failed = new Set(deletions.deleteFailures.map((f) => f.location));
  return {
    ...base,
    dryRun: false,
    compare: setup.mode,
    files: transfers.files,
    bytes: transfers.bytes,
    unchanged: plan.unchanged,
    deleted: deletions.deleted,
    seconds,
    failed: transfers.failed,
    transfers: transfers.transfers,
    deletions: deletions.deletionsHeldBack
      ? []
      : plan.deletions
          .filter((d) => !failed.has(d.location))
          .map((d) => ({ location: d.location, bytes: d.size })),
    deletionsHeldBack: deletions.deletionsHeldBack ?? null,
    failures: transfers.failures,
    deleteFailures: deletions.deleteFailures,
    skipped,
  };
}

/**
 * The exit code of a run: the transfers' failures' (one code, or 1), else the deletions'
 * (4 when all were denied, else 1), else 1 when part of the source could not be synced.
 */
export function syncExitCode(summary: SyncSummary, sourceErrors: boolean): number | undefined {
  if (summary.failed > 0) {
    const codes = new Set(summary.failures.map((f) => f.exitCode));
    return codes.size === 1 ? ([...codes][0] as number) : ExitCode.failure;
  }
  if (summary.deleteFailures.length > 0) {
    return summary.deleteFailures.every((f) => f.code === "AccessDenied")
      ? ExitCode.accessDenied
      : ExitCode.failure;
  }
  return sourceErrors ? ExitCode.failure : undefined;
}
