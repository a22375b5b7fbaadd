// What `bucket create` reports: per setting what was (or, in a dry run, would be) done,
// the settings the endpoint does not support, and what a rollback did.
import type { RegisterCleanup } from "../cleanup.js";
import type { S3kitError } from "../errors.js";
import type { ApiCall, Change } from "./plan.js";
import type { RollbackResult } from "./rollback.js";
import type { Setting } from "./state.js";
import type { NotSupported } from "./support.js";

export type SettingStatus =
  | Change
  | "created"
  | "updated"
  | "failed"
  | "not-applied"
  | "rolled-back";

export interface SettingReport {
  setting: Setting;
  /**
   * Dry run: create, update, unchanged or unsupported. Otherwise: created, updated,
   * unchanged, unsupported, failed, not-applied, rolled-back.
   */
  status: SettingStatus;
  /** The value the setting has now (after a dry run: would have). `null`: absent. */
  value: unknown;
  /** The value before, when the run changes it on an existing bucket. */
  previous?: unknown;
  /** Dry run: the API call that would be made. */
  call?: ApiCall;
  error?: { code: string; message: string };
}

export interface CreateReport {
  bucket: string;
  region: string;
  dryRun: boolean;
  /** The bucket existed before this run. */
  existed: boolean;
  /** This run created the bucket (and it still exists). */
  created: boolean;
  /** Something was (or, in a dry run, would be) changed. */
  changed: boolean;
  settings: SettingReport[];
  /**
   * Settings (or parts) the endpoint does not support, each with what that means for
   * safety. A dry run lists those it could learn without changing anything.
   */
  notSupported: NotSupported[];
  warnings: string[];
  /** After a failure on a bucket this run created: whether it was deleted again, or why not. */
  rollback?: RollbackResult;
}

export interface CreateOutcome {
  report: CreateReport;
  /** Set when a step failed; the report says what was and was not applied. */
  error?: S3kitError;
}

/** What Ctrl-C cleanup did with the bucket this run created. */
export interface InterruptRollback extends RollbackResult {
  bucket: string;
}

export interface CreateOptions {
  dryRun: boolean;
  /** A setting the endpoint does not support is an error (exit 5) instead of a report. */
  strict?: boolean;
  /** Registers cleanup for Ctrl-C (returns an unregister function). */
  onInterrupt?: RegisterCleanup;
  /** Told what Ctrl-C cleanup did with the bucket this run created (deleted, or left and why). */
  onInterruptRollback?: (result: InterruptRollback) => void;
}
