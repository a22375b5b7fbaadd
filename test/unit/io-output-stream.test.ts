import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Output } from "../../src/io/output.js";
import type { IOStreams } from "../../src/io/streams.js";

function output(stdout: Writable): Output {
  const streams: IOStreams = {
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    columns: 80,
  };
  return new Output(streams, { json: false, quiet: false, debug: false, color: false, env: {} });
}

describe("Output.stream", () => {
  it("writes at once while the reader keeps up", () => {
    const sink = new PassThrough({ highWaterMark: 1024 });
    const out = output(sink);
    expect(out.stream("abc\n")).toBeUndefined();
    expect(sink.read()?.toString()).toBe("abc\n");
  });

  it("makes the caller wait until a full buffer has drained", async () => {
    const sink = new PassThrough({ highWaterMark: 8 });
    const out = output(sink);
    const pending = out.stream("0123456789abcdef\n");
    expect(pending).toBeInstanceOf(Promise);
    let drained = false;
    void pending?.then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false);
    sink.read();
    expect(await pending).toBe(true);
  });

  it("reports a reader that went away (EPIPE) as false, not as an error", async () => {
    const sink = new Writable({
      highWaterMark: 4,
      write(_chunk, _enc, callback) {
        callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    const out = output(sink);
    expect(await out.stream("0123456789\n")).toBe(false);
    expect(await out.stream("more\n")).toBe(false);
    await out.flush();
  });

  it("raises other write errors", async () => {
    const sink = new Writable({
      highWaterMark: 4,
      write(_chunk, _enc, callback) {
        callback(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
      },
    });
    const out = output(sink);
    await expect(out.stream("0123456789\n")).rejects.toMatchObject({ code: "ENOSPC" });
  });

  it("flush resolves once everything written has been handed on", async () => {
    const written: string[] = [];
    const sink = new Writable({
      highWaterMark: 4,
      write(chunk, _enc, callback) {
        setTimeout(() => {
          written.push(chunk.toString());
          callback();
        }, 5);
      },
    });
    const out = output(sink);
    void out.stream("first\n");
    void out.stream("second\n");
    await out.flush();
    expect(written.join("")).toBe("first\nsecond\n");
  });
});
