import { describe, expect, it } from "vitest";
import { S3kitError } from "../../../src/core/errors.js";
import type { SyncPlan } from "../../../src/core/sync/planner.js";
import type { SyncSetup } from "../../../src/core/sync/prepare.js";
import { summarize, syncExitCode } from "../../../src/core/sync/summary.js";

const setup = {
  direction: "upload",
  mode: "checksum",
  deleteExtra: true,
  destination: { kind: "s3", text: "s3://b/p/", bucket: "b", prefix: "p/" },
} as unknown as SyncSetup;
const texts = { source: "./dist", destination: "s3://b/p/" };

const plan: SyncPlan = {
  transfers: [
    {
      rel: "a",
      source: "/d/a",
      destination: "s3://b/p/a",
      size: 3,
      reason: "new",
      mtimeMs: 0,
    },
  ],
  transferCount: 1,
  transferBytes: 3,
  deletions: [
    { rel: "x", location: "s3://b/p/x", size: 5 },
    { rel: "y", location: "s3://b/p/y", size: 7 },
  ],
  unchanged: 4,
  unchangedBytes: 40,
  sourceFiles: 5,
  sourceIncomplete: false,
  skipped: [{ location: "/d/link", reason: "a broken link", error: false }],
};

describe("the summary of a sync", () => {
  it("of a dry run: the plan, and what a real run would refuse", () => {
    const refusal = new S3kitError({ code: "TooManyDeletes", message: "too many", exitCode: 5 });
    expect(summarize(setup, texts, { plan, refusal }, 1.5)).toEqual({
      kind: "upload",
      source: "./dist",
      destination: "s3://b/p/",
      dryRun: true,
      compare: "checksum",
      files: 1,
      bytes: 3,
      unchanged: 4,
      deleted: 0,
      seconds: 0,
      failed: 0,
      transfers: [{ source: "/d/a", destination: "s3://b/p/a", bytes: 3, reason: "new" }],
      deletions: [
        { location: "s3://b/p/x", bytes: 5 },
        { location: "s3://b/p/y", bytes: 7 },
      ],
      deletionsHeldBack: "too many",
      failures: [],
      deleteFailures: [],
      skipped: [{ location: "/d/link", reason: "a broken link" }],
    });
  });

  it("of a run: the deletions made (not those that failed), and its exit code", () => {
    const summary = summarize(
      setup,
      texts,
      {
        plan,
        transfers: { files: 1, bytes: 3, failed: 0, transfers: [], failures: [] },
        deletions: {
          deleted: 1,
          deleteFailures: [{ location: "s3://b/p/y", code: "AccessDenied", message: "no" }],
        },
      },
      2,
    );
    expect(summary.deletions).toEqual([{ location: "s3://b/p/x", bytes: 5 }]);
    expect(summary.deleted).toBe(1);
    expect(syncExitCode(summary, false)).toBe(4);
    expect(
      syncExitCode(
        { ...summary, deleteFailures: [{ location: "l", code: "Oops", message: "" }] },
        false,
      ),
    ).toBe(1);
    expect(syncExitCode({ ...summary, deleteFailures: [] }, false)).toBe(undefined);
    expect(syncExitCode({ ...summary, deleteFailures: [] }, true)).toBe(1);
    const failure = (exitCode: number) => ({
      source: "s",
      destination: "d",
      error: { code: "E", message: "m" },
      exitCode,
    });
    expect(syncExitCode({ ...summary, failed: 1, failures: [failure(4)] }, false)).toBe(4);
    expect(syncExitCode({ ...summary, failed: 2, failures: [failure(4), failure(3)] }, false)).toBe(
      1,
    );
  });
});
