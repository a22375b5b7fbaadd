import type { S3kitError } from "../errors.js";
import {
  applyDeletions,
  type DeletionsResult,
  type ExecuteOptions,
  startTransfers,
  type TransfersResult,
} from "./execute.js";
import { planSyncRun, type SyncPlan } from "./planner.js";
import type { SyncSetup } from "./prepare.js";
import { deletionRefusal } from "./safety.js";

export interface SyncOutcome {
  plan: SyncPlan;
  /** Set by a dry run: what a real run would refuse. */
  refusal?: S3kitError | undefined;
  transfers?: TransfersResult;
  deletions?: DeletionsResult;
}

/**
 * A whole sync: compare, transfer, then delete. Transfers start as soon as the merge finds
 * them, while the listings go on; with --max-delete (which must see every deletion before
 * anything changes) and for a dry run, the plan is made first. A refusal of the safety
 * rules is thrown (nothing changed); a dry run returns it instead.
 */
export async function runSync(
  setup: SyncSetup,
  options: ExecuteOptions & { dryRun: boolean },
): Promise<SyncOutcome> {
  const refusalOf = (plan: SyncPlan) =>
    deletionRefusal(
      {
        deletions: plan.deletions.length,
        sourceFiles: plan.sourceFiles,
        sourceIncomplete: plan.sourceIncomplete,
        source: setup.source.text,
        noun: setup.destination.kind === "s3" ? "object" : "file",
      },
      setup.rules,
    );
  const planFirst = options.dryRun || setup.rules.maxDelete !== undefined;
  if (planFirst) {
    const plan = await planSyncRun(setup, options.s3, { signal: options.signal });
    const refusal = refusalOf(plan);
    if (options.dryRun) return { plan, refusal };
    if (refusal) throw refusal;
    const run = startTransfers(setup, options);
    for (const transfer of plan.transfers) await run.add(transfer);
    const transfers = await run.finish();
    return { plan, transfers, deletions: await applyDeletions(setup, plan, transfers, options) };
  }
  const run = startTransfers(setup, options);
  let plan: SyncPlan;
  try {
    plan = await planSyncRun(setup, options.s3, { signal: options.signal, onTransfer: run.add });
  } catch (err) {
    // What was queued finishes (or stops with Ctrl-C); nothing is deleted.
    await run.finish().catch(() => {});
    throw err;
  }
  // An empty source has nothing to transfer: its refusal only stops the deletions.
  const refusal = refusalOf(plan);
  const transfers = await run.finish();
  if (refusal) throw refusal;
  return { plan, transfers, deletions: await applyDeletions(setup, plan, transfers, options) };
}
