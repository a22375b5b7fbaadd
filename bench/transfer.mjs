// Transfers: `s3kit cp` beside the AWS CLI v2, MinIO's mc and rclone, against one local
// versitygw, with the server's own limits beside them (curl, and node:http into /dev/null).
//
// Cases: one 1 GiB file up and down; 1,000 files of 10 KiB up and down (recursive); then
// s3kit alone with 100,000 small files up and down, for its peak memory (MANY=0 skips it).
// Every tool runs at its defaults, with the checks it makes by default (listed in the
// output). Rounds are interleaved and the order of the tools rotates each round; each
// figure is the median of the rounds, with the fastest and slowest run beside it, the
// CPU time (user + system) of the tool's process tree, its peak RSS, and the 1-minute
// load average when the run started (other work on the machine makes wall times noisy;
// CPU times much less so).
//
// Targets (issue "Transfers ahead of every peer"): s3kit fastest on every row, ties within
// 5% counting as ties; the 1 GiB upload at most 0.9× mc's time; peak RSS under 200 MiB for
// the 1 GiB cases and for 100,000 small files.
//
// Environment: RUNS (rounds, default 3), MANY (files in the memory case, default 100000),
// TOOLS (comma-separated subset of s3kit,aws,mc,rclone,limits). Needs about 4 GiB free in
// the temp folder, GNU time, and `go` to install mc and rclone the first time (into
// .tools/bin, pinned versions); a peer that cannot be found or installed is left out with
// a message.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ensureMc,
  ensureRclone,
  goModuleVersion,
  localCredentials,
  localEnv,
  MC_VERSION,
  RCLONE_VERSION,
  root,
  startVersitygw,
  VERSITYGW_VERSION,
} from "../scripts/servers.mjs";
import { median } from "./lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.RUNS ?? 3);
const MANY = Number(process.env.MANY ?? 100_000);
const WANTED = new Set((process.env.TOOLS ?? "s3kit,aws,mc,rclone,limits").split(","));
const MiB = 1024 * 1024;
const BIG = 1024 * MiB;
const SMALL_FILES = 1000;
const SMALL_SIZE = 10 * 1024;
const BUCKET = "s3kit-bench-transfer";
const TIE = 0.05;

const out = (line = "") => process.stdout.write(`${line}\n`);

if (spawnSync("/usr/bin/time", ["-f", "%e", "true"]).status !== 0) {
  out("GNU time (/usr/bin/time) is missing: it measures CPU time and memory here. Skipped.");
} else {
  await run();
}

async function run() {
  const work = mkdtempSync(join(tmpdir(), "s3kit-bench-transfer-"));
  const server = await startVersitygw();
  try {
    await benchmark(work, server);
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function benchmark(work, server) {
  const endpoint = server.endpoint;
  // The same environment for every tool: the local keys, and no shared config or
  // credential files (so each runs at its defaults). AWS_CA_BUNDLE is left out: the
  // endpoint is plain http on loopback, and rclone refuses to start with it set.
  const env = { ...process.env, ...localEnv(endpoint), AWS_PAGER: "" };
  delete env.AWS_CA_BUNDLE;
  env.AWS_CONFIG_FILE = join(work, "no-aws-config");
  env.AWS_SHARED_CREDENTIALS_FILE = join(work, "no-aws-credentials");
  const node = process.execPath;
  const s3kitBin = [node, join(root, "bin", "s3kit")];
  const s3kit = (...args) => [...s3kitBin, ...args];
  const sh = (cmd, what, options = {}) => {
    const r = spawnSync(cmd[0], cmd.slice(1), {
      env,
      encoding: "utf8",
      maxBuffer: 256 * MiB,
      ...options,
    });
    if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };

  const tools = [];
  const versions = [`node ${process.version}`, `versitygw ${VERSITYGW_VERSION}`];
  if (WANTED.has("s3kit")) tools.push({ name: "s3kit" });
  if (WANTED.has("aws")) {
    const aws = findAwsCliV2(env);
    if (aws) {
      tools.push({ name: "aws", bin: aws.bin, label: `AWS CLI ${aws.version}` });
      versions.push(`AWS CLI ${aws.version} (${aws.bin})`);
    } else {
      out(
        "No AWS CLI v2 found (an `aws` whose --version says aws-cli/2): its column is left out. Install it (Debian: apt-get install awscli) to compare.",
      );
    }
  }
  if (WANTED.has("mc")) {
    const mc = tryInstall("mc", ensureMc);
    if (mc) {
      tools.push({ name: "mc", bin: mc, configDir: join(work, "mc-config") });
      versions.push(`mc ${goModuleVersion(mc) ?? MC_VERSION}`);
      env.MC_HOST_bench = `http://${localCredentials.accessKeyId}:${localCredentials.secretAccessKey}@${endpoint.replace(/^http:\/\//, "")}`;
    }
  }
  if (WANTED.has("rclone")) {
    const rclone = tryInstall("rclone", ensureRclone);
    if (rclone) {
      tools.push({ name: "rclone", bin: rclone });
      versions.push(`rclone ${goModuleVersion(rclone) ?? RCLONE_VERSION}`);
      Object.assign(env, {
        RCLONE_CONFIG: join(work, "rclone.conf"),
        RCLONE_CONFIG_BENCH_TYPE: "s3",
        RCLONE_CONFIG_BENCH_PROVIDER: "Other",
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: localCredentials.accessKeyId,
        RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        RCLONE_CONFIG_BENCH_ENDPOINT: endpoint,
        RCLONE_CONFIG_BENCH_REGION: "us-east-1",
      });
      // An empty config file keeps rclone from announcing that it has none.
      writeFileSync(env.RCLONE_CONFIG, "");
    }
  }
  const limits = WANTED.has("limits");
  const curl = limits ? spawnSync("curl", ["--version"], { encoding: "utf8" }) : undefined;
  if (curl?.status === 0) versions.push(curl.stdout.split("\n")[0].split(" (")[0]);
  const haveCurl = curl?.status === 0;
  if (limits && !haveCurl) out("curl is missing: the server-limit columns are left out.");

  out(`versitygw at ${endpoint}; ${RUNS} rounds, order rotating; data in ${tmpdir()}`);
  out(`versions: ${versions.join("; ")}`);
  out(`machine: ${availableParallelism()} CPUs; load average at start ${loadavg()[0].toFixed(2)}`);

  // The data: incompressible, written once; the download cases fetch what s3kit put there.
  const big = join(work, "big.bin");
  const bigSha = writeRandomFile(big, BIG);
  const small = join(work, "small");
  mkdirSync(small);
  const smallSums = new Map();
  for (let i = 0; i < SMALL_FILES; i++) {
    const name = `f${String(i).padStart(4, "0")}.bin`;
    smallSums.set(name, writeRandomFile(join(small, name), SMALL_SIZE));
  }
  await createBucket(endpoint);
  sh(s3kit("cp", big, `s3://${BUCKET}/big.bin`), "seeding big.bin");
  sh(s3kit("cp", small, `s3://${BUCKET}/small/`, "--recursive"), "seeding small/");

  // Presigned URLs for the limit columns (signed once, valid for the whole run).
  const presign = (verb, keys) =>
    sh(s3kit("presign", verb, "--stdin", "--expires", "12h"), `presign ${verb}`, {
      input: `${keys.map((k) => `s3://${BUCKET}/${k}`).join("\n")}\n`,
    })
      .trim()
      .split("\n");
  const smallNames = [...smallSums.keys()];
  const [bigGetUrl] = presign("get", ["big.bin"]);
  const [bigPutUrl] = presign("put", ["limits/big.bin"]);
  const smallGetUrls = presign(
    "get",
    smallNames.map((n) => `small/${n}`),
  );
  const smallPutUrls = presign(
    "put",
    smallNames.map((n) => `limits/small/${n}`),
  );
  const curlConfig = (name, lines) => {
    const file = join(work, name);
    writeFileSync(file, lines.join("\n"));
    return file;
  };
  const quote = (s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const smallGetConfig = curlConfig(
    "curl-get.txt",
    smallGetUrls.flatMap((u) => [`url = ${quote(u)}`, 'output = "/dev/null"']),
  );
  const smallPutConfig = curlConfig(
    "curl-put.txt",
    smallPutUrls.flatMap((u, i) => [
      `url = ${quote(u)}`,
      `upload-file = ${quote(join(small, smallNames[i]))}`,
      'output = "/dev/null"',
    ]),
  );
  const curlCmd = ["curl", "-sSf", "-H", "Expect:"];
  const parallel = ["--parallel", "--parallel-max", "16"];

  const target = (name) => join(work, name);
  const removeObjects = (prefix) =>
    sh(s3kit("rm", `s3://${BUCKET}/${prefix}`, "--recursive", "--yes", "--quiet"), `rm ${prefix}`);
  const commandFor = {
    "1 GiB up": (tool, run) => {
      const key = `up/${tool.name}-${run}.bin`;
      return {
        cmd: toolCommand(tool, "put", big, key),
        check: () => expectObjects(s3kitBin, env, `up/${tool.name}-${run}.bin`, [BIG]),
        cleanup: () => removeObjects(key),
      };
    },
    "1 GiB down": (tool, run) => {
      const file = target(`down-${tool.name}.bin`);
      return {
        cmd: toolCommand(tool, "get", "big.bin", file),
        check: () => expectFile(file, BIG, run === 0 ? bigSha : undefined),
        cleanup: () => rmSync(file, { force: true }),
      };
    },
    "1,000 × 10 KiB up": (tool, run) => {
      const prefix = `small-up/${tool.name}-${run}/`;
      return {
        cmd: toolCommand(tool, "put-folder", small, prefix),
        check: () => expectObjects(s3kitBin, env, prefix, Array(SMALL_FILES).fill(SMALL_SIZE)),
        cleanup: () => removeObjects(prefix),
      };
    },
    "1,000 × 10 KiB down": (tool) => {
      const folder = target(`small-${tool.name}`);
      return {
        cmd: toolCommand(tool, "get-folder", "small/", folder),
        check: () => expectFolder(folder, smallSums),
        cleanup: () => rmSync(folder, { recursive: true, force: true }),
      };
    },
  };
  const limitFor = {
    "1 GiB up": [{ name: "curl PUT", cmd: [...curlCmd, "-T", big, bigPutUrl, "-o", "/dev/null"] }],
    "1 GiB down": [
      { name: "curl → /dev/null", cmd: [...curlCmd, "-o", "/dev/null", bigGetUrl] },
      {
        name: "curl → file",
        cmd: [...curlCmd, "-o", target("down-curl.bin"), bigGetUrl],
        cleanup: () => rmSync(target("down-curl.bin"), { force: true }),
      },
      {
        name: "node:http → /dev/null",
        cmd: [node, join(here, "transfer", "node-http-get.mjs")],
        input: `${bigGetUrl}\n`,
      },
    ],
    "1,000 × 10 KiB up": [
      { name: "curl PUT ×16", cmd: [...curlCmd, ...parallel, "-K", smallPutConfig] },
    ],
    "1,000 × 10 KiB down": [
      { name: "curl → /dev/null ×16", cmd: [...curlCmd, ...parallel, "-K", smallGetConfig] },
      {
        name: "node:http → /dev/null ×16",
        cmd: [node, join(here, "transfer", "node-http-get.mjs")],
        input: `${smallGetUrls.join("\n")}\n`,
      },
    ],
  };

  function toolCommand(tool, what, from, to) {
    const s3 = (key) => `s3://${BUCKET}/${key}`;
    switch (tool.name) {
      case "s3kit":
        if (what === "put") return s3kit("cp", from, s3(to));
        if (what === "get") return s3kit("cp", s3(from), to);
        if (what === "put-folder") return s3kit("cp", from, s3(to), "--recursive");
        return s3kit("cp", s3(from), to, "--recursive");
      case "aws": {
        const aws = [tool.bin, "--endpoint-url", endpoint, "s3", "cp"];
        const quiet = "--only-show-errors";
        if (what === "put") return [...aws, from, s3(to), quiet];
        if (what === "get") return [...aws, s3(from), to, quiet];
        if (what === "put-folder") return [...aws, from, s3(to), "--recursive", quiet];
        return [...aws, s3(from), to, "--recursive", quiet];
      }
      case "mc": {
        const mc = [tool.bin, "--config-dir", tool.configDir, "cp", "--quiet"];
        const remote = (key) => `bench/${BUCKET}/${key}`;
        if (what === "put") return [...mc, from, remote(to)];
        if (what === "get") return [...mc, remote(from), to];
        if (what === "put-folder") return [...mc, "--recursive", `${from}/`, remote(to)];
        return [...mc, "--recursive", remote(from), `${to}/`];
      }
      case "rclone": {
        const remote = (key) => `bench:${BUCKET}/${key}`;
        if (what === "put") return [tool.bin, "copyto", from, remote(to)];
        if (what === "get") return [tool.bin, "copyto", remote(from), to];
        if (what === "put-folder") return [tool.bin, "copy", from, remote(to)];
        return [tool.bin, "copy", remote(from), to];
      }
    }
    throw new Error(`unknown tool ${tool.name}`);
  }

  const cases = Object.keys(commandFor);
  const results = new Map(cases.map((c) => [c, new Map()]));
  const record = (c, name, sample) => {
    const byTool = results.get(c);
    if (!byTool.has(name)) byTool.set(name, []);
    byTool.get(name).push(sample);
  };
  for (let round = 0; round < RUNS; round++) {
    out(`round ${round + 1} of ${RUNS}…`);
    for (const c of cases) {
      const entries = [
        ...tools.map((tool) => ({ name: tool.name, ...commandFor[c](tool, round) })),
        ...(haveCurl ? limitFor[c] : []),
      ];
      // Rotate the order each round, so that caches and the machine's state favour no one.
      const shift = round % entries.length;
      const ordered = [...entries.slice(shift), ...entries.slice(0, shift)];
      for (const entry of ordered) {
        const sample = measure(entry.cmd, env, work, entry.input);
        entry.check?.();
        entry.cleanup?.();
        record(c, entry.name, sample);
        out(
          `  ${c}: ${entry.name} ${sample.seconds.toFixed(2)} s, CPU ${sample.cpu.toFixed(2)} s, ${(sample.rssKiB / 1024).toFixed(0)} MiB, load ${sample.load.toFixed(1)}`,
        );
      }
    }
  }

  report(tools, cases, results, limitFor);

  if (MANY > 0 && tools.some((t) => t.name === "s3kit")) {
    many(work, s3kit, removeObjects, env);
  }
}

/** Runs one command (which must succeed), after the page cache has been written back. */
function measure(cmd, env, work, input) {
  // Dirty pages of the previous run would be written back during this one.
  spawnSync("sync");
  const timeFile = join(work, "time.txt");
  const load = loadavg()[0];
  const started = process.hrtime.bigint();
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "%e %U %S %M", "-o", timeFile, ...cmd],
    input === undefined
      ? { env, stdio: ["ignore", "ignore", "pipe"] }
      : { env, input, stdio: ["pipe", "ignore", "pipe"] },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed (${r.status}): ${r.stderr}`);
  const [, user, sys, rss] = readFileSync(timeFile, "utf8").trim().split("\n").at(-1).split(" ");
  return { seconds, cpu: Number(user) + Number(sys), rssKiB: Number(rss), load };
}

function report(tools, cases, results, limitFor) {
  const names = tools.map((t) => t.name);
  const label = Object.fromEntries(tools.map((t) => [t.name, t.label ?? t.name]));
  const stats = (samples) => ({
    median: median(samples.map((s) => s.seconds)),
    min: Math.min(...samples.map((s) => s.seconds)),
    max: Math.max(...samples.map((s) => s.seconds)),
    cpu: median(samples.map((s) => s.cpu)),
    rss: Math.max(...samples.map((s) => s.rssKiB)) / 1024,
    load: median(samples.map((s) => s.load)),
  });
  out();
  out("Each run: wall seconds, median (fastest–slowest); CPU = user + system seconds (median);");
  out("peak RSS (largest of the runs); load = 1-minute load average at the start (median).");
  for (const c of cases) {
    out();
    out(c);
    const byTool = results.get(c);
    const ours = byTool.has("s3kit") ? stats(byTool.get("s3kit")) : undefined;
    const rows = [...names, ...(limitFor[c] ?? []).map((l) => l.name)].filter((n) => byTool.has(n));
    for (const name of rows) {
      const s = stats(byTool.get(name));
      const ratio = ours && name !== "s3kit" ? `${(s.median / ours.median).toFixed(2)}×` : "";
      out(
        `  ${(label[name] ?? name).padEnd(26)} ${s.median.toFixed(2).padStart(6)} s (${s.min.toFixed(2)}–${s.max.toFixed(2)})  CPU ${s.cpu.toFixed(2).padStart(5)} s  RSS ${s.rss.toFixed(0).padStart(4)} MiB  load ${s.load.toFixed(1).padStart(4)}  ${ratio.padStart(6)}`,
      );
      out(
        `      runs: ${byTool
          .get(name)
          .map((x) => x.seconds.toFixed(2))
          .join(" ")}`,
      );
    }
  }

  // The summary, as a Markdown table: medians, and each peer's time as a multiple of s3kit's.
  out();
  out("Summary (median seconds; in brackets: that time ÷ s3kit's, above 1 means s3kit is faster)");
  out();
  const limitNames = [...new Set(Object.values(limitFor).flatMap((ls) => ls.map((l) => l.name)))];
  const header = ["work", ...names.map((n) => label[n]), "limits (server)"];
  out(`| ${header.join(" | ")} |`);
  out(`|${header.map(() => " --- ").join("|")}|`);
  const verdicts = [];
  for (const c of cases) {
    const byTool = results.get(c);
    const ours = byTool.has("s3kit") ? stats(byTool.get("s3kit")).median : undefined;
    const cells = names.map((n) => {
      if (!byTool.has(n)) return "–";
      const m = stats(byTool.get(n)).median;
      return n === "s3kit" || ours === undefined
        ? m.toFixed(2)
        : `${m.toFixed(2)} (${(m / ours).toFixed(2)}×)`;
    });
    const limitCells = limitNames
      .filter((n) => byTool.has(n))
      .map((n) => `${n} ${stats(byTool.get(n)).median.toFixed(2)}`);
    out(`| ${c} | ${cells.join(" | ")} | ${limitCells.join("; ") || "–"} |`);
    if (ours !== undefined) verdicts.push(verdict(c, byTool, names, stats, label));
  }
  out();
  for (const v of verdicts) out(v);
}

/** Whether s3kit meets the issue's target on a row, in words. */
function verdict(c, byTool, names, stats, label) {
  const ours = stats(byTool.get("s3kit"));
  const peers = names
    .filter((n) => n !== "s3kit" && byTool.has(n))
    .map((n) => ({ name: n, ...stats(byTool.get(n)) }));
  const parts = [];
  let met = true;
  if (c === "1 GiB up" && peers.some((p) => p.name === "mc")) {
    const mc = peers.find((p) => p.name === "mc");
    const ratio = ours.median / mc.median;
    const ok = ratio <= 0.9;
    met &&= ok;
    parts.push(`${ratio.toFixed(2)}× mc's time (target ≤ 0.90×: ${ok ? "met" : "NOT met"})`);
  }
  const fastest = peers.reduce((a, b) => (b.median < a.median ? b : a), peers[0]);
  if (fastest) {
    const ratio = ours.median / fastest.median;
    const standing =
      ratio < 1 - TIE
        ? "leads"
        : ratio <= 1 + TIE
          ? "ties (within 5%)"
          : `is behind by ${((ratio - 1) * 100).toFixed(0)}%`;
    met &&= ratio <= 1 + TIE;
    parts.push(
      `fastest peer ${label[fastest.name] ?? fastest.name} ${fastest.median.toFixed(2)} s: s3kit ${standing}`,
    );
  }
  if (c.startsWith("1 GiB")) {
    const ok = ours.rss < 200;
    met &&= ok;
    parts.push(`peak RSS ${ours.rss.toFixed(0)} MiB (target < 200: ${ok ? "met" : "NOT met"})`);
  }
  return `  ${c}: ${parts.join("; ")} → ${met ? "met" : "NOT met"}`;
}

/** s3kit alone with MANY small files, up and down: time and peak memory. */
function many(work, s3kit, removeObjects, env) {
  const folder = join(work, "many");
  out();
  out(`s3kit with ${MANY.toLocaleString("en-US")} files of 1 KiB (peak RSS target < 200 MiB)`);
  mkdirSync(folder);
  const perFolder = 1000;
  for (let i = 0; i < MANY; i++) {
    const sub = join(folder, `d${String(Math.floor(i / perFolder)).padStart(3, "0")}`);
    if (i % perFolder === 0) mkdirSync(sub);
    writeFileSync(
      join(sub, `f${String(i).padStart(6, "0")}.txt`),
      randomBytes(512).toString("hex"),
    );
  }
  const up = measure(s3kit("cp", folder, `s3://${BUCKET}/many/`, "--recursive"), env, work);
  rmSync(folder, { recursive: true, force: true });
  const down = measure(s3kit("cp", `s3://${BUCKET}/many/`, folder, "--recursive"), env, work);
  let count = 0;
  for (const sub of readdirSync(folder)) count += readdirSync(join(folder, sub)).length;
  if (count !== MANY) throw new Error(`downloaded ${count} of ${MANY} files`);
  rmSync(folder, { recursive: true, force: true });
  removeObjects("many/");
  for (const [what, s] of [
    ["up", up],
    ["down", down],
  ]) {
    const rss = s.rssKiB / 1024;
    out(
      `  ${what.padEnd(5)} ${s.seconds.toFixed(1).padStart(6)} s  CPU ${s.cpu.toFixed(1)} s  peak RSS ${rss.toFixed(0)} MiB (${rss < 200 ? "met" : "NOT met"})  load ${s.load.toFixed(1)}`,
    );
  }
}

/** The objects under a prefix have exactly these sizes (in key order). */
function expectObjects(s3kitBin, env, prefix, sizes) {
  const r = spawnSync(
    s3kitBin[0],
    [...s3kitBin.slice(1), "ls", `s3://${BUCKET}/${prefix}`, "--recursive", "--json"],
    { env, encoding: "utf8", maxBuffer: 64 * MiB },
  );
  if (r.status !== 0) throw new Error(`listing ${prefix} failed: ${r.stderr}`);
  const listed = r.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line).size);
  if (JSON.stringify(listed) !== JSON.stringify(sizes)) {
    throw new Error(
      `s3://${BUCKET}/${prefix}: expected ${sizes.length} objects of the source's sizes`,
    );
  }
}

function expectFile(path, size, sha256) {
  const actual = statSync(path).size;
  if (actual !== size) throw new Error(`${path}: ${actual} bytes, expected ${size}`);
  if (sha256 && fileSha256(path) !== sha256) throw new Error(`${path}: content differs`);
}

function expectFolder(folder, sums) {
  const names = readdirSync(folder).sort();
  if (names.length !== sums.size) throw new Error(`${folder}: ${names.length} files`);
  for (const name of names) {
    const sum = createHash("sha256")
      .update(readFileSync(join(folder, name)))
      .digest("hex");
    if (sum !== sums.get(name)) throw new Error(`${folder}/${name}: content differs`);
  }
}

function fileSha256(path) {
  return execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0];
}

/** Random bytes (incompressible, so nothing is faster than it should be); returns the SHA-256. */
function writeRandomFile(path, size) {
  const fd = openSync(path, "w");
  const hash = createHash("sha256");
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(8 * MiB, size - written));
      writeSync(fd, chunk);
      hash.update(chunk);
      written += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** The first `aws` on the usual paths whose version is 2.x (a v1 may come first in PATH). */
function findAwsCliV2(env) {
  const candidates = new Set(["/usr/bin/aws", "/usr/local/bin/aws"]);
  for (const dir of (env.PATH ?? "").split(":")) if (dir) candidates.add(join(dir, "aws"));
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const r = spawnSync(bin, ["--version"], { env, encoding: "utf8" });
    const version = /aws-cli\/(2\.\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
    if (r.status === 0 && version) return { bin, version };
  }
  return undefined;
}

function tryInstall(name, ensure) {
  try {
    return ensure();
  } catch (err) {
    out(
      `${name} is not installed and could not be installed (${(err.message ?? String(err)).split("\n")[0]}): its column is left out. It installs with Go (go install), into .tools/bin.`,
    );
    return undefined;
  }
}

/** A plain bucket (no settings that versitygw would have to refuse). */
async function createBucket(endpoint) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: localCredentials,
  });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  client.destroy();
}
