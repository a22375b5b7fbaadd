import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const presignDir = join(dirname(fileURLToPath(import.meta.url)), "../../../src/core/presign");

/** The static imports of a source file (not `import()` or `import type`), by specifier. */
function staticImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/^(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+"([^"]+)";/gms)].map(
    (m) => m[1] ?? "",
  );
}

/** Every source file and package index.ts reaches through static imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith("."))
        visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  };
  visit(join(presignDir, entry));
  return { files, packages };
}

describe("the presign core's module graph", () => {
  it("reaches no SDK package statically from index.ts, so signing starts without loading the SDK", () => {
    const { files, packages } = staticGraph("index.ts");
    const names = [...files].map((f) => relative(presignDir, f));
    expect(names).toContain("presigner.ts");
    expect(names).not.toContain("sdk-presigner.ts");
    // The shared key rules and error classes are pure modules too.
    expect(names).toContain("../s3/keys.ts");
    expect([...packages].sort()).toEqual(["node:crypto"]);
  });

  it("loads the SDK path only through a dynamic import", () => {
    const presigner = readFileSync(join(presignDir, "presigner.ts"), "utf8");
    expect(presigner).toContain('await import("./sdk-presigner.js")');
  });
});
