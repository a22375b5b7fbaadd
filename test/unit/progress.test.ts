import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Output } from "../../src/io/output.js";
import { formatEta, formatSeconds, startProgress } from "../../src/io/progress.js";

function output(options: { tty: boolean; json?: boolean; quiet?: boolean }) {
  let stderr = "";
  const err = new PassThrough();
  err.on("data", (d) => {
    stderr += d;
  });
  const out = new Output(
    {
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr: err,
      stdinIsTTY: options.tty,
      stdoutIsTTY: options.tty,
      stderrIsTTY: options.tty,
      columns: 120,
    },
    {
      json: options.json ?? false,
      quiet: options.quiet ?? false,
      debug: false,
      color: false,
      env: {},
    },
  );
  return { out, stderr: () => stderr };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("progress bar", () => {
  it("shows bytes, percent, rate, ETA and files on an interactive stderr, then clears itself", async () => {
    vi.useFakeTimers();
    const { out, stderr } = output({ tty: true });
    const bar = startProgress(out, {
      label: "Uploading",
      totalBytes: 100 * 1024 * 1024,
      totalFiles: 4,
    });
    bar.bytes(25 * 1024 * 1024);
    bar.fileDone();
    vi.advanceTimersByTime(1000);
    await Promise.resolve();
    const line = stderr().split("\r\u001b[2K").filter(Boolean).at(-1) ?? "";
    expect(line).toMatch(
      /^Uploading {2}\[#{5}-{15}\] {2} 25% {2}25\.0 MiB \/ 100 MiB {2}[\d.]+ MiB\/s {2}ETA \d+:\d\d {2}1\/4 files$/,
    );
    bar.stop();
    expect(stderr().endsWith("\r\u001b[2K")).toBe(true);
  });

  it("prints nothing without a terminal, with --json or with --quiet", () => {
    vi.useFakeTimers();
    for (const options of [{ tty: false }, { tty: true, json: true }, { tty: true, quiet: true }]) {
      const { out, stderr } = output(options);
      const bar = startProgress(out, { label: "Downloading", totalBytes: 10 });
      bar.bytes(5);
      vi.advanceTimersByTime(1000);
      bar.stop();
      expect(stderr()).toBe("");
    }
  });

  it("formats durations", () => {
    expect(formatEta(5)).toBe("0:05");
    expect(formatEta(125)).toBe("2:05");
    expect(formatEta(3725)).toBe("1:02:05");
    expect(formatSeconds(0.25)).toBe("250 ms");
    expect(formatSeconds(2.345)).toBe("2.3 s");
    expect(formatSeconds(125)).toBe("2 min 5 s");
  });
});
