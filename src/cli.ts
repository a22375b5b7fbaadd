import { Interrupts } from "./io/interrupts.js";
import { systemStreams } from "./io/streams.js";
import { runProgram } from "./program.js";

// The one place that touches process.argv, signals and process.exit.

const interrupts = new Interrupts({
  stderr: process.stderr,
  exit: (code) => process.exit(code),
});
process.on("SIGINT", () => interrupts.press());

void main();

async function main(): Promise<void> {
  const code = await runProgram({
    argv: process.argv.slice(2),
    streams: systemStreams(),
    env: process.env,
    cwd: process.cwd(),
    signal: interrupts.signal,
    onInterrupt: (cleanup) => interrupts.register(cleanup),
  });
  // On a socket (stdio of a parent Node process) writes are asynchronous: exiting before they
  // are flushed would cut the output short.
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  // After Ctrl-C the cleanup decides when s3kit exits (130).
  if (interrupts.interrupted) interrupts.finished();
  else process.exit(code);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  if (!stream.writableLength) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write("", () => resolve());
  });
}
