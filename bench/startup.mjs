// Start-up: `s3kit --version` and `--help` beside `node -e 0` and the AWS CLI, in one run,
// on the machine's Node and on the current Node LTS (installed into .tools from the registry).
// Target: `s3kit --help` within 1.5× of `node -e 0` of the same Node.
//
// Runs once with the environment as it is and once without NODE_EXTRA_CA_CERTS (which makes
// every Node process load a CA bundle first). s3kit keeps compiled code in a per-user cache
// (its own on Node 20, Node's compile cache from 22 on); the warm-up runs fill it, and the
// "first run" rows show a start without it.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensureNodeLts, root } from "../scripts/servers.mjs";
import { hasCommand, printTable, startupEnvironments, timeCommands } from "./lib.mjs";

const nodes = [process.execPath, join(ensureNodeLts(), "node")].map((bin) => ({
  bin,
  version: spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim(),
}));

const commands = [];
for (const { bin, version } of nodes) {
  const s3kit = [bin, join(root, "bin", "s3kit")];
  commands.push(
    { name: `node ${version} -e 0`, cmd: [bin, "-e", "0"] },
    { name: `s3kit --version (${version})`, cmd: [...s3kit, "--version"] },
    { name: `s3kit --help (${version})`, cmd: [...s3kit, "--help"] },
    {
      name: `s3kit --help (${version}, first run)`,
      cmd: [...s3kit, "--help"],
      env: { S3KIT_NO_CODE_CACHE: "1", NODE_DISABLE_COMPILE_CACHE: "1" },
    },
  );
}
if (hasCommand("aws")) commands.push({ name: "aws --version", cmd: ["aws", "--version"] });
else process.stdout.write("(aws CLI not installed: its row is missing)\n");

for (const { label, env } of startupEnvironments(process.env)) {
  const rows = timeCommands(commands, { runs: Number(process.env.RUNS ?? 20), env });
  const byName = Object.fromEntries(rows.map((r) => [r.name, r.medianMs]));
  for (const { version } of nodes) {
    const own = rows.filter((r) => r.name.includes(version) || r.name === "aws --version");
    printTable(
      `Start-up on Node ${version}, ${label} (median of interleaved runs)`,
      own,
      `node ${version} -e 0`,
    );
    const version_ = byName[`s3kit --version (${version})`];
    if (byName["aws --version"]) {
      process.stdout.write(
        `  s3kit --version is ${(byName["aws --version"] / version_).toFixed(1)}× faster than aws --version\n`,
      );
    }
    const ratio = byName[`s3kit --help (${version})`] / byName[`node ${version} -e 0`];
    process.stdout.write(
      `  target s3kit --help ≤ 1.5× node -e 0: ${ratio.toFixed(2)}× ${ratio <= 1.5 ? "met" : "NOT met"}\n`,
    );
  }
}
