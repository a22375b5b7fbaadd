import { ExitCode } from "./core/errors.js";
import { systemStreams } from "./io/streams.js";
import { runProgram } from "./program.js";

// The one place that touches process.argv, signals and process.exit.

const controller = new AbortController();
const cleanups = new Set<() => Promise<void> | void>();
let interrupted = false;

process.on("SIGINT", () => {
  if (interrupted) process.exit(ExitCode.interrupted);
  interrupted = true;
  controller.abort();
  // Cleanup (aborting multipart uploads, removing partial files) gets a bounded time.
  const pending = [...cleanups].map(async (cleanup) => {
    try {
      await cleanup();
    } catch {
      // best effort: the exit code still says the run was interrupted
    }
  });
  const deadline = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
  void Promise.race([Promise.all(pending), deadline]).then(() =>
    process.exit(ExitCode.interrupted),
  );
});

void main();

async function main(): Promise<void> {
  const code = await runProgram({
    argv: process.argv.slice(2),
    streams: systemStreams(),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    onInterrupt: (cleanup) => {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
  });
  // On a socket (stdio of a parent Node process) writes are asynchronous: exiting before they
  // are flushed would cut the output short.
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  if (!interrupted) process.exit(code);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  if (!stream.writableLength) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write("", () => resolve());
  });
}
