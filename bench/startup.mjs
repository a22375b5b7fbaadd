// Start-up: `s3kit --version` and `--help` beside `node -e 0` and the AWS CLI, in one run.
// Target: `s3kit --help` within 1.5× of `node -e 0`.
//
// Runs once with the environment as it is and once without NODE_EXTRA_CA_CERTS (which makes
// every Node process load a CA bundle first). s3kit keeps compiled code in a per-user cache;
// the warm-up runs fill it, and the "first run" rows show a start without it.
import { join } from "node:path";
import { root } from "../scripts/servers.mjs";
import { hasCommand, printTable, startupEnvironments, timeCommands } from "./lib.mjs";

const s3kit = [process.execPath, join(root, "bin", "s3kit")];
const commands = [
  { name: "node -e 0", cmd: [process.execPath, "-e", "0"] },
  { name: "s3kit --version", cmd: [...s3kit, "--version"] },
  { name: "s3kit --help", cmd: [...s3kit, "--help"] },
  {
    name: "s3kit --help (first run)",
    cmd: [...s3kit, "--help"],
    env: { S3KIT_NO_CODE_CACHE: "1" },
  },
];
if (hasCommand("aws")) commands.push({ name: "aws --version", cmd: ["aws", "--version"] });
else process.stdout.write("(aws CLI not installed: its row is missing)\n");

for (const { label, env } of startupEnvironments(process.env)) {
  const rows = timeCommands(commands, { runs: Number(process.env.RUNS ?? 20), env });
  printTable(`Start-up, ${label} (median of interleaved runs)`, rows, "node -e 0");
  const byName = Object.fromEntries(rows.map((r) => [r.name, r.medianMs]));
  if (byName["aws --version"]) {
    process.stdout.write(
      `  s3kit --version is ${(byName["aws --version"] / byName["s3kit --version"]).toFixed(1)}× faster than aws --version\n`,
    );
  }
  const ratio = byName["s3kit --help"] / byName["node -e 0"];
  process.stdout.write(
    `  target s3kit --help ≤ 1.5× node -e 0: ${ratio.toFixed(2)}× ${ratio <= 1.5 ? "met" : "NOT met"}\n`,
  );
}
