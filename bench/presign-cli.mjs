// `s3kit presign` through the built binary, beside the AWS CLI and `node -e 0`, in one run.
// Targets: `presign get` (one URL) at least 3× faster than `aws s3 presign` and within 2×
// of `node -e 0`; `presign get --stdin` at least 40,000 URLs/s over 100,000 keys, end to end.
//
// Node's start-up depends on the environment: NODE_EXTRA_CA_CERTS, when set, makes every
// Node process load and parse a CA bundle first. Each measurement runs twice, once with
// the environment as it is and once without that variable (for s3kit and node alike).
// s3kit keeps compiled code in a per-user cache, filled by the warm-up runs; the "first
// run" row shows a start without it.
//
// `node bench/presign-cli.mjs [keys]` (default 100000); RUNS=n sets the start-up samples.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { localCredentials, root } from "../scripts/servers.mjs";
import { hasCommand, median, printTable, startupEnvironments, timeCommands } from "./lib.mjs";

const keys = Number(process.argv[2] ?? 100_000);
const runs = Number(process.env.RUNS ?? 20);
const s3kit = [process.execPath, join(root, "bin", "s3kit")];
const location = "s3://my-app-uploads/reports/2026/q3 summary.pdf";

// Signing is local: credentials and a region are all it needs (no endpoint, no network).
const base = { ...process.env };
for (const key of Object.keys(base)) if (key.startsWith("AWS_")) delete base[key];
Object.assign(base, {
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  AWS_REGION: "eu-west-1",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
});
const environments = startupEnvironments(base);
const aws = hasCommand("aws");
const hasTime = existsSync("/usr/bin/time");
if (!aws) process.stdout.write("(aws CLI not installed: its rows are missing)\n");
process.stdout.write(
  `node ${process.version}, ${keys} keys for the batch, ${runs} start-up samples\n`,
);

const dir = mkdtempSync(join(tmpdir(), "s3kit-bench-presign-"));
try {
  const input = join(dir, "keys.txt");
  let text = "";
  for (let i = 0; i < keys; i++) {
    text += `s3://my-app-uploads/uploads/2026/01/${i.toString(36)}/photo ${i}.jpg\n`;
  }
  writeFileSync(input, text);

  for (const { label, env } of environments) {
    process.stdout.write(`\n--- ${label}; load average ${loadavg()[0].toFixed(1)} ---\n`);

    // One URL: the whole process, start to exit.
    const commands = [
      { name: "node -e 0", cmd: [process.execPath, "-e", "0"] },
      { name: "s3kit --version", cmd: [...s3kit, "--version"] },
      { name: "s3kit presign get", cmd: [...s3kit, "presign", "get", location] },
      {
        name: "presign get (first run)",
        cmd: [...s3kit, "presign", "get", location],
        env: { S3KIT_NO_CODE_CACHE: "1" },
      },
    ];
    if (aws) commands.push({ name: "aws s3 presign", cmd: ["aws", "s3", "presign", location] });
    const rows = timeCommands(commands, { runs, warmup: 3, env });
    printTable("One presigned URL (median of interleaved runs)", rows, "node -e 0");
    const byName = Object.fromEntries(rows.map((r) => [r.name, r.medianMs]));
    const toNode = byName["s3kit presign get"] / byName["node -e 0"];
    process.stdout.write(
      `  target presign get ≤ 2× node -e 0: ${toNode.toFixed(2)}× ${toNode <= 2 ? "met" : "NOT met"}\n`,
    );
    if (aws) {
      const faster = byName["aws s3 presign"] / byName["s3kit presign get"];
      process.stdout.write(
        `  target presign get ≥ 3× faster than aws s3 presign: ${faster.toFixed(1)}× ${faster >= 3 ? "met" : "NOT met"}\n`,
      );
    }

    // A batch: the built binary, stdin from a file, stdout to /dev/null or counted through a pipe.
    const toDevNull = [];
    const counted = [];
    for (let i = 0; i < 5; i++) {
      toDevNull.push(batchToDevNull(input, env));
      counted.push(await batchCounted(input, env));
    }
    const rate = (ms) => Math.round(keys / (ms / 1000));
    const devNullMs = median(toDevNull.map((r) => r.ms));
    const cpuMs = toDevNull.every((r) => r.cpuMs !== undefined)
      ? median(toDevNull.map((r) => r.cpuMs))
      : undefined;
    const countedMs = median(counted.map((c) => c.ms));
    const lines = counted[0].lines;
    if (lines !== keys) throw new Error(`expected ${keys} URLs, counted ${lines}`);
    process.stdout.write(
      `\npresign get --stdin, ${keys} keys, whole process (median of 5)\n` +
        `  stdout to /dev/null        ${devNullMs.toFixed(0).padStart(6)} ms  ${rate(devNullMs)} URLs/s\n` +
        `  stdout through a pipe      ${countedMs.toFixed(0).padStart(6)} ms  ${rate(countedMs)} URLs/s (${lines} lines counted)\n` +
        (cpuMs === undefined
          ? ""
          : `  CPU time (user+sys)        ${cpuMs.toFixed(0).padStart(6)} ms  ${rate(cpuMs)} URLs per CPU-second\n`),
    );
    const worst = Math.min(rate(devNullMs), rate(countedMs));
    process.stdout.write(
      `  target ≥ 40,000 URLs/s: ${worst} ${worst >= 40_000 ? "met" : "NOT met"}\n`,
    );
    if (aws) {
      // The AWS CLI has no batch mode: one process per URL.
      const few = 5;
      const started = process.hrtime.bigint();
      for (let i = 0; i < few; i++) {
        spawnSync("aws", ["s3", "presign", `s3://my-app-uploads/k${i}`], { env, stdio: "ignore" });
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const awsRate = few / (ms / 1000);
      process.stdout.write(
        `  aws s3 presign in a loop: ${awsRate.toFixed(1)} URLs/s (${few} URLs); s3kit --stdin is ${Math.round(worst / awsRate)}× that\n`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The batch with stdout to /dev/null: wall time, and (through /usr/bin/time where
 * it exists) the CPU time the process used, which other work on the machine
 * disturbs less than the wall clock.
 */
function batchToDevNull(input, env) {
  const fd = openSync(input, "r");
  try {
    const args = [...s3kit, "presign", "get", "--stdin"];
    const timed = hasTime ? ["/usr/bin/time", "-f", "cpu %U %S", ...args] : args;
    const started = process.hrtime.bigint();
    const result = spawnSync(timed[0], timed.slice(1), {
      env,
      stdio: [fd, "ignore", "pipe"],
      encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
      throw new Error(`presign get --stdin exited ${result.status}: ${result.stderr}`);
    }
    const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(result.stderr ?? "");
    return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined };
  } finally {
    closeSync(fd);
  }
}

function batchCounted(input, env) {
  return new Promise((resolve, reject) => {
    const fd = openSync(input, "r");
    const started = process.hrtime.bigint();
    const child = spawn(s3kit[0], [...s3kit.slice(1), "presign", "get", "--stdin"], {
      env,
      stdio: [fd, "pipe", "inherit"],
    });
    let lines = 0;
    child.stdout.on("data", (chunk) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      closeSync(fd);
      if (code !== 0) reject(new Error(`presign get --stdin exited ${code}`));
      else resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, lines });
    });
  });
}
