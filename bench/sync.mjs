// Sync: `s3kit sync` beside `aws s3 sync` (AWS CLI v2), `mc mirror --overwrite` and
// `rclone sync`, on one local versitygw, interleaved, the order rotating every round.
// Cases, on 10,000 files of 10 KiB (SYNC_FILES): the first sync; 100 files changed and 100
// deleted, synced with deletion; nothing changed. Then, s3kit alone, peak memory on
// 100,000 files (SYNC_LARGE_FILES; 0 skips it).
// Targets: first sync no slower than the fastest peer; changed+deleted at least 2× faster
// than the AWS CLI and no slower than the fastest peer; a no-op sync under 1 s more than
// one listing (`s3kit ls --recursive` of the same prefix); peak RSS under 300 MiB.
//
// The peers: the AWS CLI v2 (AWS_CLI, else the first `aws` on PATH that is version 2),
// MinIO's client (MC, else the pinned build in .tools/bin), rclone (RCLONE, else the pinned
// build in .tools/bin): the versions the transfer benchmark compares, installed the same way.
// A peer that is not there is left out and said so.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import {
  ensureMc,
  ensureRclone,
  goModuleVersion,
  localCredentials,
  localEnv,
  root,
  startVersitygw,
} from "../scripts/servers.mjs";
import { median } from "./lib.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const FILES = Number(process.env.SYNC_FILES ?? 10_000);
const LARGE = Number(process.env.SYNC_LARGE_FILES ?? 100_000);
const SIZE = 10 * 1024;
const CHANGED = 100;
const DELETED = 100;
const PAST = Math.floor(Date.now() / 1000) - 3600;

const haveTime = spawnSync("/usr/bin/time", ["-f", "%e", "true"]).status === 0;
const work = mkdtempSync(join(tmpdir(), "s3kit-bench-sync-"));
const server = await startVersitygw();
const bucket = "s3kit-bench-sync";
const endpoint = server.endpoint;
const base = { ...process.env, ...localEnv(endpoint), AWS_PAGER: "" };
const s3kitCmd = [process.execPath, join(root, "bin", "s3kit")];

try {
  const tools = findTools();
  process.stdout.write(
    `versitygw at ${endpoint}; ${RUNS} rounds, tools interleaved, order rotating; ${FILES.toLocaleString("en-US")} files of ${SIZE / 1024} KiB in ${tmpdir()}\n`,
  );
  for (const t of tools) process.stdout.write(`  ${t.name}: ${t.version}\n`);
  for (const missing of tools.missing) process.stdout.write(`  ${missing} (left out)\n`);
  mustRun([...s3kitCmd, "bucket", "create", bucket, "--yes"], base, "bucket create");

  const tree = join(work, "tree");
  const files = writeTree(tree, FILES, SIZE, PAST);
  // What changes between rounds, kept to restore the tree exactly.
  const changed = pick(files, CHANGED, 0);
  const deleted = pick(files, DELETED, 1);
  const original = new Map([...changed, ...deleted].map((f) => [f, readFileSync(f)]));

  const samples = new Map();
  const add = (kase, tool, m) => {
    const key = `${kase}|${tool}`;
    if (!samples.has(key)) samples.set(key, []);
    samples.get(key).push(m);
  };
  for (let round = 0; round < RUNS; round++) {
    const order = tools.map((_, i) => tools[(i + round) % tools.length]);
    process.stdout.write(`round ${round + 1}: ${order.map((t) => t.name).join(", ")}\n`);
    const prefix = (t) => `r${round}-${t.key}/`;
    for (const t of order) add("first", t.name, measure(t.first(tree, prefix(t)), t.env));
    for (const f of changed) {
      writeFileSync(f, Buffer.concat([original.get(f), Buffer.from("changed")]));
    }
    for (const f of deleted) unlinkSync(f);
    for (const t of order) add("changed", t.name, measure(t.mirror(tree, prefix(t)), t.env));
    for (const t of order) add("no-op", t.name, measure(t.mirror(tree, prefix(t)), t.env));
    // "One listing": the same prefix listed by s3kit ls, and by mc ls (the fastest lister
    // here) where mc is installed.
    add(
      "listing",
      "s3kit ls",
      measure([...s3kitCmd, "ls", `s3://${bucket}/${prefix(tools[0])}`, "--recursive"], base),
    );
    const mcTool = tools.find((t) => t.key === "mc");
    if (mcTool) {
      add(
        "listing",
        "mc ls",
        measure(
          [mcTool.path, "ls", "--recursive", `bench/${bucket}/${prefix(tools[0])}`],
          mcTool.env,
        ),
      );
    }
    for (const [f, body] of original) {
      writeFileSync(f, body);
      utimesSync(f, PAST, PAST);
    }
    for (const t of tools) {
      mustRun(
        [...s3kitCmd, "rm", `s3://${bucket}/${prefix(t)}`, "--recursive", "--yes"],
        base,
        "rm",
      );
    }
  }
  report(tools, samples);
  rmSync(tree, { recursive: true, force: true });
  if (LARGE > 0) memory();
} finally {
  rmSync(work, { recursive: true, force: true });
  await server.stop();
}

function findTools() {
  const tools = [];
  const missing = [];
  tools.push({
    key: "s3kit",
    name: "s3kit sync",
    version: `s3kit ${run([...s3kitCmd, "--version"], base).trim()}, Node ${process.version}`,
    env: base,
    first: (dir, p) => [...s3kitCmd, "sync", dir, `s3://${bucket}/${p}`],
    mirror: (dir, p) => [...s3kitCmd, "sync", dir, `s3://${bucket}/${p}`, "--delete"],
  });
  const aws = findExecutable("AWS_CLI", "aws", (v) => /^aws-cli\/2\./.test(v), ["--version"]);
  if (aws) {
    const cli = [aws.path, "--endpoint-url", endpoint, "s3", "sync"];
    tools.push({
      key: "aws",
      name: "aws s3 sync",
      version: aws.version,
      env: base,
      first: (dir, p) => [...cli, dir, `s3://${bucket}/${p}`, "--only-show-errors"],
      mirror: (dir, p) => [...cli, dir, `s3://${bucket}/${p}`, "--delete", "--only-show-errors"],
    });
  } else missing.push("the AWS CLI v2 (set AWS_CLI)");
  const mc = pinnedOrGiven("MC", ensureMc, ["--version"]);
  if (mc) {
    const host = new URL(endpoint);
    const env = {
      ...base,
      MC_CONFIG_DIR: join(work, "mc"),
      MC_HOST_bench: `http://${localCredentials.accessKeyId}:${localCredentials.secretAccessKey}@${host.host}`,
    };
    tools.push({
      key: "mc",
      name: "mc mirror --overwrite",
      version: mc.version.split("\n")[0],
      path: mc.path,
      env,
      first: (dir, p) => [mc.path, "mirror", "--overwrite", "--quiet", dir, `bench/${bucket}/${p}`],
      mirror: (dir, p) => [
        mc.path,
        "mirror",
        "--overwrite",
        "--remove",
        "--quiet",
        dir,
        `bench/${bucket}/${p}`,
      ],
    });
  } else missing.push("MinIO's mc (set MC, or install Go)");
  const rclone = pinnedOrGiven("RCLONE", ensureRclone, ["version"]);
  if (rclone) {
    const config = join(work, "rclone.conf");
    writeFileSync(config, "");
    // rclone cannot use AWS_CA_BUNDLE with its transport: the endpoint is plain HTTP anyway.
    const { AWS_CA_BUNDLE: _, ...withoutCa } = base;
    const env = {
      ...withoutCa,
      RCLONE_CONFIG: config,
      RCLONE_CONFIG_BENCH_TYPE: "s3",
      RCLONE_CONFIG_BENCH_PROVIDER: "Other",
      RCLONE_CONFIG_BENCH_ENDPOINT: endpoint,
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: localCredentials.accessKeyId,
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      RCLONE_CONFIG_BENCH_REGION: "us-east-1",
    };
    tools.push({
      key: "rclone",
      name: "rclone sync",
      version: rclone.version.split("\n")[0],
      env,
      first: (dir, p) => [rclone.path, "sync", dir, `bench:${bucket}/${p}`],
      mirror: (dir, p) => [rclone.path, "sync", dir, `bench:${bucket}/${p}`],
    });
  } else missing.push("rclone (set RCLONE, or install Go)");
  tools.missing = missing;
  return tools;
}

/**
 * The peer named by `variable`, else the pinned build the transfer benchmark uses (installed
 * into .tools/bin with go install when missing), so both benchmarks compare the same versions.
 */
function pinnedOrGiven(variable, ensure, versionArgs) {
  let path = process.env[variable];
  if (!path) {
    try {
      path = ensure();
    } catch {
      return undefined;
    }
  }
  const r = spawnSync(path, versionArgs, { encoding: "utf8", env: base });
  if (r.status !== 0) return undefined;
  const version = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
  return {
    path,
    version: goModuleVersion(path)
      ? `${version.split("\n")[0]} (${goModuleVersion(path)})`
      : version,
  };
}

/** The executable named by `variable`, else the first `name` on PATH that `accept`s its version. */
function findExecutable(variable, name, accept, versionArgs) {
  const candidates = process.env[variable]
    ? [process.env[variable]]
    : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, name));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    const r = spawnSync(path, versionArgs, { encoding: "utf8", env: base });
    const version = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    if (r.status === 0 && accept(version)) return { path, version };
  }
  return undefined;
}

function writeTree(dir, count, size, mtime) {
  const files = [];
  const perFolder = 1000;
  for (let i = 0; i < count; i++) {
    const folder = join(dir, `d${String(Math.floor(i / perFolder)).padStart(3, "0")}`);
    if (i % perFolder === 0) mkdirSync(folder, { recursive: true });
    const path = join(folder, `f${String(i % perFolder).padStart(4, "0")}.bin`);
    writeFileSync(path, randomBytes(size));
    utimesSync(path, mtime, mtime);
    files.push(path);
  }
  return files;
}

/** `n` files spread over the tree, every other one starting at `offset`. */
function pick(files, n, offset) {
  const step = Math.floor(files.length / (2 * n));
  return Array.from({ length: n }, (_, i) => files[(2 * i + offset) * step]);
}

function run(cmd, env) {
  const r = spawnSync(cmd[0], cmd.slice(1), { env, encoding: "utf8" });
  return r.stdout ?? "";
}

function mustRun(cmd, env, what) {
  const r = spawnSync(cmd[0], cmd.slice(1), { env, stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr}`);
}

/** Wall time, CPU time and peak RSS (with GNU time) of one command, which must succeed. */
function measure(cmd, env) {
  const timeFile = join(work, "time.txt");
  const argv = haveTime ? ["/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile, ...cmd] : cmd;
  const load = loadavg()[0];
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ["ignore", "ignore", "pipe"] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed (${r.status}): ${r.stderr}`);
  if (!haveTime) return { seconds, load };
  const [, user, system, rss] = readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number);
  return { seconds, cpu: user + system, rssKiB: rss, load };
}

function stats(list, pickValue) {
  const values = list.map(pickValue).filter((v) => v !== undefined);
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

function report(tools, samples) {
  const cases = [
    ["first", "first sync"],
    ["changed", `${CHANGED} changed + ${DELETED} deleted`],
    ["no-op", "nothing changed"],
  ];
  process.stdout.write(
    "\nSync (seconds: median [min–max] of the rounds; CPU user+sys median; peak RSS; load = 1-min load average before each run)\n",
  );
  const medians = {};
  for (const [kase, title] of cases) {
    process.stdout.write(`  ${title}\n`);
    for (const t of tools) {
      const list = samples.get(`${kase}|${t.name}`) ?? [];
      const wall = stats(list, (m) => m.seconds);
      const cpu = haveTime ? stats(list, (m) => m.cpu).median : undefined;
      const rss = haveTime ? Math.max(...list.map((m) => m.rssKiB)) / 1024 : undefined;
      const load = stats(list, (m) => m.load).median;
      medians[`${kase}|${t.key}`] = wall.median;
      process.stdout.write(
        `    ${t.name.padEnd(24)} ${wall.median.toFixed(2).padStart(7)} s [${wall.min.toFixed(2)}–${wall.max.toFixed(2)}]  cpu ${cpu === undefined ? "n/a" : `${cpu.toFixed(2)} s`}  rss ${rss === undefined ? "n/a" : `${rss.toFixed(0)} MiB`}  load ${load.toFixed(1)}  runs ${list.map((m) => m.seconds.toFixed(2)).join(" ")}\n`,
      );
    }
  }
  const listings = ["s3kit ls", "mc ls"]
    .filter((name) => samples.has(`listing|${name}`))
    .map((name) => ({ name, ...stats(samples.get(`listing|${name}`), (m) => m.seconds) }));
  for (const l of listings) {
    process.stdout.write(
      `  one listing (${l.name} --recursive): ${l.median.toFixed(2)} s [${l.min.toFixed(2)}–${l.max.toFixed(2)}]\n`,
    );
  }
  process.stdout.write("\nTargets\n");
  const ours = (kase) => medians[`${kase}|s3kit`];
  const peers = tools.filter((t) => t.key !== "s3kit");
  const fastest = (kase) => Math.min(...peers.map((t) => medians[`${kase}|${t.key}`]));
  const line = (text, met) => process.stdout.write(`  ${text}: ${met ? "met" : "NOT met"}\n`);
  if (peers.length > 0) {
    line(
      `first sync ${ours("first").toFixed(2)} s ≤ fastest peer ${fastest("first").toFixed(2)} s (${(ours("first") / fastest("first")).toFixed(2)}×)`,
      ours("first") <= fastest("first"),
    );
    line(
      `changed ${ours("changed").toFixed(2)} s ≤ fastest peer ${fastest("changed").toFixed(2)} s (${(ours("changed") / fastest("changed")).toFixed(2)}×)`,
      ours("changed") <= fastest("changed"),
    );
  }
  if (medians["changed|aws"] !== undefined) {
    const speedup = medians["changed|aws"] / ours("changed");
    line(`changed ≥ 2× faster than the AWS CLI: ${speedup.toFixed(2)}×`, speedup >= 2);
  }
  // Against the fastest listing: the strictest reading of "one listing".
  const fastestListing = listings.reduce((a, b) => (b.median < a.median ? b : a));
  const overhead = ours("no-op") - fastestListing.median;
  line(
    `no-op ${ours("no-op").toFixed(2)} s = one listing (${fastestListing.name}, ${fastestListing.median.toFixed(2)} s) + ${overhead.toFixed(2)} s (< 1 s)`,
    overhead < 1,
  );
}

/** s3kit alone on a large tree: peak RSS of the first sync, a no-op, and a no-op download. */
function memory() {
  const tree = join(work, "large");
  process.stdout.write(`\nMemory: ${LARGE.toLocaleString("en-US")} files of 1 KiB\n`);
  writeTree(tree, LARGE, 1024, PAST);
  const target = `s3://${bucket}/large/`;
  const cases = [
    ["first sync (up)", [...s3kitCmd, "sync", tree, target]],
    ["no-op, --delete (up)", [...s3kitCmd, "sync", tree, target, "--delete"]],
    [
      "no-op (down: every key is held for the collision check)",
      [...s3kitCmd, "sync", target, tree],
    ],
  ];
  let allMet = true;
  for (const [title, cmd] of cases) {
    const m = measure(cmd, base);
    const rss = m.rssKiB === undefined ? undefined : m.rssKiB / 1024;
    const met = rss === undefined || rss < 300;
    allMet &&= met;
    process.stdout.write(
      `  ${title.padEnd(58)} ${m.seconds.toFixed(1).padStart(7)} s  cpu ${m.cpu?.toFixed(1) ?? "n/a"} s  peak RSS ${rss === undefined ? "n/a" : `${rss.toFixed(0)} MiB`}\n`,
    );
  }
  process.stdout.write(`  peak RSS under 300 MiB: ${allMet ? "met" : "NOT met"}\n`);
  mustRun([...s3kitCmd, "rm", target, "--recursive", "--yes"], base, "rm");
  rmSync(tree, { recursive: true, force: true });
}
