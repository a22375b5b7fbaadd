// `npm run bench`: every benchmark in turn (or the ones named: `npm run bench -- startup`).
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && !["run.mjs", "lib.mjs"].includes(f))
  .map((f) => f.replace(/\.mjs$/, ""));
for (const name of wanted.length ? wanted : all) {
  process.stdout.write(`\n=== ${name} ===\n`);
  await import(pathToFileURL(`${here}/${name}.mjs`).href);
}
