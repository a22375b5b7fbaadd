// Packs s3kit as npm would publish it, installs the tarball globally into a scratch prefix
// and runs the installed command: what a user gets from `npm i -g s3kit` must start, with a
// clean stderr, and stay small. Prints the installed size and the number of packages.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./servers.mjs";

const scratch = mkdtempSync(join(tmpdir(), "s3kit-pack-"));
const fail = (message) => {
  process.stderr.write(`check-package: ${message}\n`);
  process.exit(1);
};

try {
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }),
  )[0];
  const prefix = join(scratch, "prefix");
  execFileSync(
    "npm",
    [
      "install",
      "--global",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      join(scratch, packed.filename),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const bin = join(prefix, "bin", "s3kit");
  for (const args of [
    ["--version"],
    ["--help"],
    ["policy", "generate", "--bucket", "my-app-uploads", "--access", "read"],
  ]) {
    const run = spawnSync(bin, args, {
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: scratch, AWS_EC2_METADATA_DISABLED: "true" },
    });
    if (run.status !== 0) fail(`s3kit ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
    if (run.stderr !== "") fail(`s3kit ${args.join(" ")} wrote to stderr: ${run.stderr}`);
    if (run.stdout.trim() === "") fail(`s3kit ${args.join(" ")} printed nothing`);
  }
  const modules = join(prefix, "lib", "node_modules");
  const installed = join(modules, "s3kit", "node_modules");
  const packages = countPackages(installed);
  const bytes = sizeOf(join(modules, "s3kit"));
  process.stdout.write(
    `npm i -g s3kit: ${packed.filename} (${(packed.size / 1024).toFixed(0)} KiB packed), ` +
      `${(bytes / 1024 / 1024).toFixed(1)} MiB installed, ${packages} dependency packages; ` +
      "--version, --help and policy generate run with a clean stderr\n",
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function sizeOf(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function countPackages(dir) {
  let count = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (!name.isDirectory() || name.name.startsWith(".")) continue;
    if (name.name.startsWith("@")) {
      count += readdirSync(join(dir, name.name)).length;
    } else {
      count += 1;
    }
  }
  return count;
}
