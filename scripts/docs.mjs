// `npm run docs`: writes docs/commands.md, the command reference, from the built binary's own
// `--help` of every command, so the reference says exactly what `--help` says. A test fails
// when the file is stale (`npm run docs -- --check` does the same check by hand).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
export const referencePath = join(root, "docs", "commands.md");

function help(path) {
  const result = spawnSync(process.execPath, [join(root, "bin", "s3kit"), ...path, "--help"], {
    encoding: "utf8",
    // Help is wrapped at 80 columns when stdout is not a terminal; no colour, no profile.
    env: { PATH: process.env.PATH, HOME: root, NO_COLOR: "1", S3KIT_NO_CODE_CACHE: "1" },
  });
  if (result.status !== 0) {
    throw new Error(`s3kit ${path.join(" ")} --help exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout.trimEnd();
}

/** The section of a help text that starts at `heading` (e.g. "Commands:"), up to a blank line. */
function section(text, heading) {
  const lines = text.split("\n");
  const start = lines.indexOf(heading);
  if (start === -1) return [];
  const end = lines.findIndex((line, i) => i > start && line === "");
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** Subcommand names listed under "Commands:" (wrapped description lines are indented further). */
function subcommands(text) {
  return section(text, "Commands:")
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name) => name !== undefined && name !== "help");
}

/** Every runnable command path, depth first, in the order `--help` lists them. */
function commandPaths(path = []) {
  const names = subcommands(help(path));
  if (names.length === 0) return [path];
  return names.flatMap((name) => commandPaths([...path, name]));
}

/** A command's help without the global options block, which the reference shows once. */
function withoutGlobals(text) {
  const lines = text.split("\n");
  const start = lines.indexOf("Global Options:");
  if (start === -1) return text;
  const end = lines.findIndex((line, i) => i > start && line === "");
  lines.splice(start, (end === -1 ? lines.length : end + 1) - start);
  return lines.join("\n").trimEnd();
}

const anchor = (path) => ["s3kit", ...path].join("-");

export function generateReference() {
  const paths = commandPaths();
  const rootHelp = help([]);
  const out = [
    "# s3kit command reference",
    "",
    "Generated from each command's `--help` by `npm run docs`; do not edit by hand. The",
    "[README](../README.md) is the guide: what s3kit is for and how the commands fit together.",
    "",
    ...paths.map((path) => `- [\`s3kit ${path.join(" ")}\`](#${anchor(path)})`),
    "",
    "## s3kit",
    "",
    "The global options below apply to every command.",
    "",
    "```text",
    rootHelp,
    "```",
  ];
  for (const path of paths) {
    out.push(
      "",
      `<a id="${anchor(path)}"></a>`,
      "",
      `## s3kit ${path.join(" ")}`,
      "",
      "```text",
      withoutGlobals(help(path)),
      "```",
    );
  }
  return `${out.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generateReference();
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(referencePath, "utf8");
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      process.stderr.write("docs/commands.md is stale: run `npm run docs` and commit it.\n");
      process.exit(1);
    }
    process.stdout.write("docs/commands.md is up to date.\n");
  } else {
    mkdirSync(join(root, "docs"), { recursive: true });
    writeFileSync(referencePath, text);
    process.stdout.write(`Wrote ${referencePath.slice(root.length + 1)}.\n`);
  }
}
