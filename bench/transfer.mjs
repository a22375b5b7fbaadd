// Transfers: `s3kit cp` beside `aws s3 cp`, in one run, against the same local versitygw.
// Cases: one 1 GiB file up and down; 1,000 files of 10 KiB up and down (--recursive).
// Targets: ≥ 1.3× faster than the AWS CLI on the small-file cases, no slower on the 1 GiB
// cases, and under 200 MiB peak memory (RSS) for the 1 GiB cases.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localEnv, root, startVersitygw } from "../scripts/servers.mjs";
import { hasCommand, median } from "./lib.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const BIG = 1024 * 1024 * 1024;
const SMALL_FILES = 1000;
const SMALL_SIZE = 10 * 1024;
const MiB = 1024 * 1024;

if (!hasCommand("aws")) {
  process.stdout.write(
    "The AWS CLI is not installed: this benchmark compares against it. Skipped.\n",
  );
} else {
  await run();
}

async function run() {
  const haveTime = spawnSync("/usr/bin/time", ["-f", "%e", "true"]).status === 0;
  const work = mkdtempSync(join(tmpdir(), "s3kit-bench-transfer-"));
  const server = await startVersitygw();
  const env = { ...process.env, ...localEnv(server.endpoint), AWS_PAGER: "" };
  const s3kit = [process.execPath, join(root, "bin", "s3kit")];
  const bucket = "s3kit-bench-transfer";
  const sh = (cmd, what) => {
    const r = spawnSync(cmd[0], cmd.slice(1), { env, stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
  };

  try {
    process.stdout.write(
      `versitygw at ${server.endpoint}; ${RUNS} interleaved runs per case; data in ${tmpdir()}\n`,
    );
    const big = join(work, "big.bin");
    writeRandomFile(big, BIG);
    const small = join(work, "small");
    mkdirSync(small);
    for (let i = 0; i < SMALL_FILES; i++) {
      writeRandomFile(join(small, `f${String(i).padStart(4, "0")}.bin`), SMALL_SIZE);
    }
    sh(["aws", "s3api", "create-bucket", "--bucket", bucket], "create-bucket");
    // What the download cases fetch: put there once, by s3kit, before any timing.
    sh([...s3kit, "cp", big, `s3://${bucket}/big.bin`], "seeding big.bin");
    sh([...s3kit, "cp", small, `s3://${bucket}/small/`, "--recursive"], "seeding small/");

    const out = (name) => join(work, name);
    const cases = [
      {
        name: "1 GiB up",
        big: true,
        s3kit: [...s3kit, "cp", big, `s3://${bucket}/up/s3kit.bin`],
        aws: ["aws", "s3", "cp", big, `s3://${bucket}/up/aws.bin`, "--only-show-errors"],
      },
      {
        name: "1 GiB down",
        big: true,
        s3kit: [...s3kit, "cp", `s3://${bucket}/big.bin`, out("down-s3kit.bin")],
        aws: [
          "aws",
          "s3",
          "cp",
          `s3://${bucket}/big.bin`,
          out("down-aws.bin"),
          "--only-show-errors",
        ],
        cleanup: () => {
          rmSync(out("down-s3kit.bin"), { force: true });
          rmSync(out("down-aws.bin"), { force: true });
        },
      },
      {
        name: "1,000 × 10 KiB up",
        small: true,
        s3kit: [...s3kit, "cp", small, `s3://${bucket}/small-s3kit/`, "--recursive"],
        aws: [
          "aws",
          "s3",
          "cp",
          small,
          `s3://${bucket}/small-aws/`,
          "--recursive",
          "--only-show-errors",
        ],
      },
      {
        name: "1,000 × 10 KiB down",
        small: true,
        s3kit: [...s3kit, "cp", `s3://${bucket}/small/`, out("small-s3kit"), "--recursive"],
        aws: [
          "aws",
          "s3",
          "cp",
          `s3://${bucket}/small/`,
          out("small-aws"),
          "--recursive",
          "--only-show-errors",
        ],
        cleanup: () => {
          rmSync(out("small-s3kit"), { recursive: true, force: true });
          rmSync(out("small-aws"), { recursive: true, force: true });
        },
      },
    ];

    const samples = new Map(cases.map((c) => [c.name, { s3kit: [], aws: [] }]));
    for (let i = 0; i < RUNS; i++) {
      for (const c of cases) {
        // Alternate which tool goes first, so caches and server state favour neither.
        const order = i % 2 === 0 ? ["s3kit", "aws"] : ["aws", "s3kit"];
        for (const tool of order) {
          samples.get(c.name)[tool].push(measure(c[tool], env, haveTime, work));
          c.cleanup?.();
        }
      }
    }

    process.stdout.write(
      "\nTransfers (median of interleaved runs; peak RSS is the largest seen)\n",
    );
    process.stdout.write(
      `  ${"case".padEnd(22)} ${"s3kit".padStart(17)} ${"aws s3 cp".padStart(17)} ${"speed-up".padStart(9)} ${"s3kit RSS".padStart(10)} ${"aws RSS".padStart(9)}  target\n`,
    );
    let allMet = true;
    for (const c of cases) {
      const s = samples.get(c.name);
      const ours = median(s.s3kit.map((x) => x.seconds));
      const theirs = median(s.aws.map((x) => x.seconds));
      const ourBest = Math.min(...s.s3kit.map((x) => x.seconds));
      const theirBest = Math.min(...s.aws.map((x) => x.seconds));
      const speedup = theirs / ours;
      const ourRss = Math.max(...s.s3kit.map((x) => x.rssKiB ?? 0)) / 1024;
      const awsRss = Math.max(...s.aws.map((x) => x.rssKiB ?? 0)) / 1024;
      const needed = c.small ? 1.3 : 1.0;
      const memoryOk = !c.big || !haveTime || ourRss < 200;
      const met = speedup >= needed && memoryOk;
      allMet &&= met;
      const target = `≥ ${needed.toFixed(1)}×${c.big ? ", < 200 MiB" : ""}: ${met ? "met" : "NOT met"}`;
      process.stdout.write(
        `  ${c.name.padEnd(22)} ${`${ours.toFixed(2)} s (${ourBest.toFixed(2)})`.padStart(17)} ${`${theirs.toFixed(2)} s (${theirBest.toFixed(2)})`.padStart(17)} ${`${speedup.toFixed(2)}×`.padStart(9)} ${haveTime ? `${ourRss.toFixed(0)} MiB`.padStart(10) : "n/a".padStart(10)} ${haveTime ? `${awsRss.toFixed(0)} MiB`.padStart(9) : "n/a".padStart(9)}  ${target}\n`,
      );
      process.stdout.write(
        `      runs: s3kit ${s.s3kit.map((x) => x.seconds.toFixed(2)).join(" ")}; aws ${s.aws.map((x) => x.seconds.toFixed(2)).join(" ")}\n`,
      );
    }
    process.stdout.write(`  all targets ${allMet ? "met" : "NOT met"}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    await server.stop();
  }
}

/** Wall time and (with GNU time) peak RSS of one command, which must succeed. */
function measure(cmd, env, haveTime, work) {
  const timeFile = join(work, "time.txt");
  const argv = haveTime ? ["/usr/bin/time", "-f", "%e %M", "-o", timeFile, ...cmd] : cmd;
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ["ignore", "ignore", "pipe"] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed (${r.status}): ${r.stderr}`);
  if (!haveTime) return { seconds };
  const [, rss] = readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number);
  return { seconds, rssKiB: rss };
}

/** Random bytes (incompressible, so nothing is faster than it should be), 8 MiB at a time. */
function writeRandomFile(path, size) {
  const fd = openSync(path, "w");
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(8 * MiB, size - written));
      writeSync(fd, chunk);
      written += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
}
