// Large policies: wall time of `s3kit policy lint` and offline `s3kit policy debug` for
// policies of 1,000 to 16,000 statements and one of about 13 MB (target: 16,000
// statements in under 2 s each, growing linearly). Each statement has an action list, a
// resource and, every other one, a condition, so every part of the parser and the
// evaluator is exercised. Run with `node bench/policy-large.mjs` after `npm run build`.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../scripts/servers.mjs";
import { timeCommands } from "./lib.mjs";

const runs = Number(process.env.RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), "s3kit-bench-large-"));

function policy(n) {
  const Statement = Array.from({ length: n }, (_, i) => ({
    Sid: `Folder${i}`,
    Effect: i % 50 === 49 ? "Deny" : "Allow",
    Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
    Resource: [`arn:aws:s3:::app-uploads/folder-${i}/*`],
    ...(i % 2 === 0 ? { Condition: { Bool: { "aws:SecureTransport": "true" } } } : {}),
  }));
  return JSON.stringify({ Version: "2012-10-17", Statement }, null, 2);
}

const sizes = [1_000, 4_000, 16_000, 60_000];
const files = sizes.map((n) => {
  const path = join(dir, `policy-${n}.json`);
  writeFileSync(path, policy(n));
  return { n, path, bytes: statSync(path).size };
});

try {
  const s3kit = [process.execPath, join(root, "bin", "s3kit")];
  const commands = files.flatMap(({ n, path }) => [
    {
      name: `lint ${n}`,
      cmd: [...s3kit, "policy", "lint", path, "--bucket", "app-uploads"],
    },
    {
      name: `debug ${n}`,
      cmd: [
        ...s3kit,
        "policy",
        "debug",
        "--policy-file",
        path,
        "--bucket",
        "app-uploads",
        "--key",
        `folder-${n - 1}/a.txt`,
      ],
    },
  ]);
  const rows = timeCommands(commands, { runs, warmup: 1 });
  console.log(
    `node ${process.version}, median of ${runs} runs each; debug checks 4 actions (ListBucket, GetObject, PutObject, DeleteObject)`,
  );
  console.log(
    `  ${"statements".padStart(10)} ${"size".padStart(9)} ${"lint".padStart(9)} ${"debug".padStart(9)} ${"lint µs/stmt".padStart(13)} ${"debug µs/stmt".padStart(14)}`,
  );
  for (const { n, bytes } of files) {
    const lint = rows.find((r) => r.name === `lint ${n}`).medianMs;
    const debug = rows.find((r) => r.name === `debug ${n}`).medianMs;
    console.log(
      `  ${n.toLocaleString("en-US").padStart(10)} ${`${(bytes / 1e6).toFixed(1)} MB`.padStart(9)} ${`${Math.round(lint)} ms`.padStart(9)} ${`${Math.round(debug)} ms`.padStart(9)} ${((lint * 1000) / n).toFixed(0).padStart(13)} ${((debug * 1000) / n).toFixed(0).padStart(14)}`,
    );
  }
  const at16k = (what) => rows.find((r) => r.name === `${what} 16000`).medianMs;
  const met = at16k("lint") < 2000 && at16k("debug") < 2000;
  console.log(
    `  target 16,000 statements under 2 s: ${met ? "met" : "NOT met"} (lint ${Math.round(at16k("lint"))} ms, debug ${Math.round(at16k("debug"))} ms)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
