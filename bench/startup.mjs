// Start-up: `s3kit --version` and `--help` beside `node -e 0` and the AWS CLI, in one run.
// Target: `s3kit --help` within 1.5× of `node -e 0`.
import { join } from "node:path";
import { root } from "../scripts/servers.mjs";
import { hasCommand, printTable, timeCommands } from "./lib.mjs";

const s3kit = [process.execPath, join(root, "bin", "s3kit")];
const commands = [
  { name: "node -e 0", cmd: [process.execPath, "-e", "0"] },
  { name: "s3kit --version", cmd: [...s3kit, "--version"] },
  { name: "s3kit --help", cmd: [...s3kit, "--help"] },
];
if (hasCommand("aws")) commands.push({ name: "aws --version", cmd: ["aws", "--version"] });
else process.stdout.write("(aws CLI not installed: its row is missing)\n");

const rows = timeCommands(commands, { runs: Number(process.env.RUNS ?? 20) });
printTable("Start-up (median of interleaved runs)", rows, "node -e 0");
const help = rows.find((r) => r.name === "s3kit --help");
const node = rows.find((r) => r.name === "node -e 0");
const aws = rows.find((r) => r.name === "aws --version");
if (aws)
  process.stdout.write(
    `  s3kit --version is ${(aws.medianMs / rows[1].medianMs).toFixed(1)}× faster than aws --version\n`,
  );
const ratio = help.medianMs / node.medianMs;
process.stdout.write(
  `  target s3kit --help ≤ 1.5× node -e 0: ${ratio.toFixed(2)}× ${ratio <= 1.5 ? "met" : "NOT met"}\n`,
);
