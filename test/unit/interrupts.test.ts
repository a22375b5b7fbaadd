import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { commandWord } from "../../src/core/aws-cli-command.js";
import type { InterruptCleanup, PendingStep } from "../../src/core/cleanup.js";
import { TransferSession } from "../../src/core/objects/session.js";
import { Interrupts } from "../../src/io/interrupts.js";

function harness(deadlineMs = 5_000, graceMs = 5_000) {
  const stderr = new PassThrough();
  let text = "";
  stderr.setEncoding("utf8").on("data", (d: string) => {
    text += d;
  });
  let exited: number | undefined;
  const interrupts = new Interrupts({
    stderr,
    deadlineMs,
    graceMs,
    exit: (code) => {
      exited = code;
    },
  });
  return {
    interrupts,
    stderr: () => text,
    exited: () => exited,
  };
}

/** A cleanup that finishes (or fails) when the test says so. */
function controlled(step: PendingStep) {
  let finish: (ok: boolean) => void = () => {};
  let done = false;
  const cleanup: InterruptCleanup = {
    run: () =>
      new Promise<void>((resolve, reject) => {
        finish = (ok) => {
          if (ok) {
            done = true;
            resolve();
          } else reject(new Error("AccessDenied"));
        };
      }),
    pending: () => (done ? [] : [step]),
  };
  return { cleanup, finish: (ok: boolean) => finish(ok) };
}

const tick = () => new Promise((r) => setTimeout(r, 10));
const abortStep: PendingStep = {
  doing: "aborting multipart upload s3://b/k (upload id U1)",
  command: "aws s3api abort-multipart-upload --bucket b --key k --upload-id U1",
};

describe("Ctrl-C", () => {
  it("the first one aborts the signal, runs the cleanups and exits 130 when they are done", async () => {
    const h = harness();
    const c = controlled(abortStep);
    h.interrupts.register(c.cleanup);
    h.interrupts.press();
    expect(h.interrupts.signal.aborted).toBe(true);
    await tick();
    expect(h.exited()).toBeUndefined();
    c.finish(true);
    await tick();
    // The command reports what was cleaned up: s3kit waits for it to return.
    expect(h.exited()).toBeUndefined();
    h.interrupts.finished();
    await tick();
    expect(h.exited()).toBe(130);
    expect(h.stderr()).toBe("");
  });

  it("waits for the command only a short grace after the cleanup", async () => {
    const h = harness(5_000, 30);
    const c = controlled(abortStep);
    h.interrupts.register(c.cleanup);
    h.interrupts.press();
    c.finish(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(h.exited()).toBe(130);
  });

  it("exits at once when nothing is registered", async () => {
    const h = harness();
    h.interrupts.press();
    await tick();
    expect(h.exited()).toBe(130);
  });

  it("the second one says what is still being cleaned up and keeps going; the third quits with the commands", async () => {
    const h = harness();
    const c = controlled(abortStep);
    h.interrupts.register(c.cleanup);
    h.interrupts.press();
    h.interrupts.press();
    expect(h.stderr()).toBe(
      "warning: still cleaning up: aborting multipart upload s3://b/k (upload id U1); press Ctrl-C again to quit without cleaning up.\n",
    );
    await tick();
    expect(h.exited()).toBeUndefined();
    h.interrupts.press();
    await tick();
    expect(h.exited()).toBe(130);
    expect(h.stderr()).toContain(
      "warning: quit without cleaning up; still to do by hand:\n  # aborting multipart upload s3://b/k (upload id U1)\n  aws s3api abort-multipart-upload --bucket b --key k --upload-id U1\n",
    );
  });

  it("a second one after the cleanup finished says nothing more", async () => {
    const h = harness();
    const c = controlled(abortStep);
    h.interrupts.register(c.cleanup);
    h.interrupts.press();
    c.finish(true);
    h.interrupts.press();
    h.interrupts.finished();
    await tick();
    expect(h.stderr()).toBe("");
    expect(h.exited()).toBe(130);
  });

  it("a cleanup that fails is reported with what is left, never silently", async () => {
    const h = harness();
    const c = controlled(abortStep);
    h.interrupts.register(c.cleanup);
    h.interrupts.press();
    c.finish(false);
    h.interrupts.finished();
    await tick();
    expect(h.exited()).toBe(130);
    expect(h.stderr()).toContain("warning: cleanup could not finish; still to do by hand:");
    expect(h.stderr()).toContain(abortStep.command);
  });

  it("a cleanup that does not end in time is reported the same way", async () => {
    const h = harness(50);
    h.interrupts.register(controlled(abortStep).cleanup);
    h.interrupts.press();
    await new Promise((r) => setTimeout(r, 120));
    expect(h.exited()).toBe(130);
    expect(h.stderr()).toContain("warning: cleanup did not finish within 0.05 s;");
    expect(h.stderr()).toContain(abortStep.command);
  });

  it("names three steps and counts the rest", () => {
    const h = harness();
    const steps = [1, 2, 3, 4, 5].map((n) => ({ doing: `removing partial file f${n}` }));
    h.interrupts.register({ run: () => new Promise(() => {}), pending: () => steps });
    h.interrupts.press();
    h.interrupts.press();
    expect(h.stderr()).toContain(
      "still cleaning up: removing partial file f1; removing partial file f2; removing partial file f3 and 2 more;",
    );
  });

  it("shows control characters in names as escapes", () => {
    const h = harness();
    h.interrupts.register({
      run: () => new Promise(() => {}),
      pending: () => [{ doing: "removing partial file a\u001b]0;pwned\u0007b" }],
    });
    h.interrupts.press();
    h.interrupts.press();
    expect(h.stderr()).toContain("removing partial file a\\x1b]0;pwned\\x07b;");
    expect(h.stderr()).not.toContain("\u001b");
  });
});

describe("transfer cleanup steps", () => {
  it("describe partial files and open uploads with the commands that remove and abort them", () => {
    const session = new TransferSession({} as S3Client);
    const dir = mkdtempSync(join(tmpdir(), "s3kit-session-"));
    const partial = join(dir, "it's.part");
    writeFileSync(partial, "x");
    session.addTempFile(partial);
    session.trackCreate(
      { bucket: "b", key: "k" },
      Promise.resolve({ bucket: "b", key: "k", uploadId: "U1" }),
    );
    const aws = (args: string[]) => `aws ${args.map(commandWord).join(" ")}`;
    const steps = session.pending(aws);
    expect(steps[0]).toEqual({
      doing: `removing partial file ${partial}`,
      command: `rm -f -- '${dir}/it'\\''s.part'`,
    });
    expect(steps[1]?.command).toBe("aws s3api list-multipart-uploads --bucket b --prefix k");
  });

  it("an open upload once its id is known", async () => {
    const session = new TransferSession({} as S3Client);
    session.trackCreate(
      { bucket: "b", key: "a b\u001b" },
      Promise.resolve({ bucket: "b", key: "a b\u001b", uploadId: "U1" }),
    );
    await tick();
    const aws = (args: string[]) => `aws ${args.map(commandWord).join(" ")}`;
    expect(session.pending(aws)).toEqual([
      {
        doing: "aborting multipart upload s3://b/a b\u001b (upload id U1)",
        command: "aws s3api abort-multipart-upload --bucket b --key $'a b\\x1b' --upload-id U1",
      },
    ]);
  });
});
