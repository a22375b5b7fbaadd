// Shared helpers for the benchmarks: timing whole commands and printing ratios.
import { spawnSync } from "node:child_process";

/** Runs each command `runs` times, interleaved so machine noise hits all alike; returns medians in ms. */
export function timeCommands(commands, { runs = 20, warmup = 3, env = process.env } = {}) {
  const samples = new Map(commands.map((c) => [c.name, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const c of commands) {
      const started = process.hrtime.bigint();
      const result = spawnSync(c.cmd[0], c.cmd.slice(1), {
        env: { ...env, ...c.env },
        stdio: "ignore",
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.error) throw new Error(`${c.name}: ${result.error.message}`);
      if (i >= warmup) samples.get(c.name).push(ms);
    }
  }
  return commands.map((c) => ({
    name: c.name,
    medianMs: median(samples.get(c.name)),
    minMs: Math.min(...samples.get(c.name)),
  }));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** Prints rows as an aligned table; `ratioTo` names the row the ratios compare with. */
export function printTable(title, rows, ratioTo) {
  const base = rows.find((r) => r.name === ratioTo);
  process.stdout.write(`\n${title}\n`);
  for (const r of rows) {
    const ratio = base ? ` ${(r.medianMs / base.medianMs).toFixed(2)}× ${ratioTo}` : "";
    process.stdout.write(
      `  ${r.name.padEnd(36)} ${r.medianMs.toFixed(1).padStart(8)} ms median ${r.minMs.toFixed(1).padStart(8)} ms min${ratio}\n`,
    );
  }
}

/**
 * The environments start-up is measured in: as it is, and (where it is set) without
 * NODE_EXTRA_CA_CERTS, which makes every Node process read and parse a CA bundle first.
 */
export function startupEnvironments(base) {
  const environments = [
    {
      label: base.NODE_EXTRA_CA_CERTS
        ? "environment as is (NODE_EXTRA_CA_CERTS set)"
        : "environment as is",
      env: base,
    },
  ];
  if (base.NODE_EXTRA_CA_CERTS) {
    const withoutCa = { ...base };
    delete withoutCa.NODE_EXTRA_CA_CERTS;
    environments.push({ label: "env -u NODE_EXTRA_CA_CERTS", env: withoutCa });
  }
  return environments;
}
