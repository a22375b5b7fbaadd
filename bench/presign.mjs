// Presign core benchmark: URLs per second in one process (no CLI), and how long
// loading the signer takes. Run with `node bench/presign.mjs [count]` (default
// 100000). The CLI end to end, beside the AWS CLI, is bench/presign-cli.mjs.
//
// The TypeScript sources are bundled with esbuild first (packages left external),
// then each measurement runs in a fresh Node process so module caches do not
// flatter the numbers. The bundle uses code splitting: without it esbuild inlines
// the lazily imported SDK fallback and hoists its SDK imports to the top of the
// bundle, so loading the signer would load the SDK too. The CLI's build needs the
// same setting for the same reason.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const count = Number(process.argv[2] ?? 100_000);
// Inside node_modules so the bundle resolves the project's packages.
const dir = mkdtempSync(join(root, "node_modules", ".s3kit-bench-"));
const bundle = join(dir, "presigner.js");

try {
  await build({
    entryPoints: [
      join(root, "src/core/presign/presigner.ts"),
      join(root, "src/core/presign/sdk-presigner.ts"),
    ],
    outdir: dir,
    outExtension: { ".js": ".js" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });

  const node = (script) =>
    execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      // The SDK warns about Node 20 on stderr; s3kit supports Node 20.
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    }).trim();

  const importMs = (specifier) =>
    Number(
      node(
        `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`,
      ),
    );
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  writeFileSync(join(dir, "empty.js"), "export {};\n");
  const emptyImport = median(Array.from({ length: 5 }, () => importMs(join(dir, "empty.js"))));
  const fastImport = median(Array.from({ length: 5 }, () => importMs(bundle)));
  const sdkImport = median(
    Array.from({ length: 3 }, () =>
      Number(
        node(
          'const t = performance.now(); await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/s3-request-presigner")]); console.log(performance.now() - t);',
        ),
      ),
    ),
  );

  const throughput = (label, call) =>
    JSON.parse(
      node(`
        import { createPresigner } from ${JSON.stringify(bundle)};
        const presigner = createPresigner({
          credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "IQoJb3JpZ2luX2VjE" + "A".repeat(700) },
          region: "eu-west-1",
          signingDate: new Date(),
        });
        const keys = Array.from({ length: ${count} }, (_, i) => "uploads/2026/01/" + i.toString(36) + "/photo " + i + ".jpg");
        for (let i = 0; i < 2000; i++) presigner.signLocally("GET", "my-app-uploads", keys[i]); // warm-up
        const t = performance.now();
        let bytes = 0;
        for (const key of keys) { const r = ${call}; bytes += r.url.length; }
        const ms = performance.now() - t;
        console.log(JSON.stringify({ label: ${JSON.stringify(label)}, perSecond: Math.round(${count} / (ms / 1000)), ms: Math.round(ms), bytes, derivations: presigner.keyDerivations }));
      `),
    );

  const results = [
    throughput("GET, sync signLocally", 'presigner.signLocally("GET", "my-app-uploads", key)'),
    throughput("GET, await get()", 'await presigner.get("my-app-uploads", key)'),
    throughput(
      "PUT with content-type and metadata, await put()",
      'await presigner.put("my-app-uploads", key, { contentType: "image/jpeg", metadata: { owner: "alice" }, expiresIn: 3600 })',
    ),
  ];

  // For comparison: the same GETs through the SDK's getSignedUrl (fewer keys: it is slow).
  const sdkCount = Math.min(count, 5000);
  const sdkOutput = node(`
    import { presignWithSdk } from ${JSON.stringify(join(dir, "sdk-presigner.js"))};
    const config = {
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "IQoJb3JpZ2luX2VjE" + "A".repeat(700) },
      region: "eu-west-1",
    };
    const date = new Date();
    for (let i = 0; i < 200; i++) await presignWithSdk(config, "GET", "my-app-uploads", "warm" + i, {}, date);
    const t = performance.now();
    for (let i = 0; i < ${sdkCount}; i++) await presignWithSdk(config, "GET", "my-app-uploads", "uploads/photo " + i + ".jpg", {}, date);
    const ms = performance.now() - t;
    console.log(JSON.stringify({ label: "GET through the SDK's getSignedUrl (${sdkCount} keys)", perSecond: Math.round(${sdkCount} / (ms / 1000)), ms: Math.round(ms), derivations: "n/a" }));
  `);
  results.push(JSON.parse(sdkOutput.split("\n").at(-1)));

  console.log(
    `node ${process.version}, ${count} keys, one process, session token, fixed signing time`,
  );
  for (const r of results) {
    console.log(
      `${r.label.padEnd(50)} ${String(r.perSecond).padStart(8)} URLs/s  (${r.ms} ms, key derivations: ${r.derivations})`,
    );
  }
  console.log(
    `import of the in-process presigner: ${fastImport.toFixed(1)} ms (median of 5 fresh processes)`,
  );
  console.log(`import of an empty module, for comparison: ${emptyImport.toFixed(1)} ms`);
  console.log(
    `import of @aws-sdk/client-s3 + s3-request-presigner: ${sdkImport.toFixed(1)} ms (median of 3)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
