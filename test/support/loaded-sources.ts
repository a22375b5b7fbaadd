import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../../scripts/servers.mjs";
import { type CliOptions, type CliResult, runCli } from "./cli.js";

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/**
 * Runs the built binary and tells which sources it loaded: for each file of the bundle, the
 * source files the build's metafile says it holds; any other file (a package outside the
 * bundle) by its path.
 */
export async function runTracingLoads(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult & { sources: string[] }> {
  const trace = join(mkdtempSync(join(tmpdir(), "s3kit-trace-")), "loads.txt");
  writeFileSync(trace, "");
  const result = await runCli(args, {
    ...options,
    env: {
      ...options.env,
      NODE_OPTIONS: `--require ${join(import.meta.dirname, "trace-loads.cjs")}`,
      S3KIT_TRACE_FILE: trace,
    },
  });
  const meta = JSON.parse(readFileSync(join(root, "dist", "meta.json"), "utf8")) as Metafile;
  const dist = join(root, "dist");
  const sources = readFileSync(trace, "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((file) =>
      file.startsWith(`${dist}/`)
        ? Object.keys(meta.outputs[`dist/${file.slice(dist.length + 1)}`]?.inputs ?? {})
        : [file],
    );
  return { ...result, sources };
}
