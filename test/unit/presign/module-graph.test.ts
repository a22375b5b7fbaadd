import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const presignDir = join(dirname(fileURLToPath(import.meta.url)), "../../../src/core/presign");

/** The static imports of a source file (not `import()`), by specifier. */
function staticImports(file: string): string[] {
  const source = readFileSync(join(presignDir, file), "utf8");
  return [...source.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)";/gms)].map(
    (m) => m[1] ?? "",
  );
}

describe("the presign core's module graph", () => {
  it("reaches no SDK package statically from index.ts, so signing starts without loading the SDK", () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of staticImports(file)) {
        if (specifier.startsWith("./")) visit(specifier.slice(2).replace(/\.js$/, ".ts"));
        else packages.add(specifier);
      }
    };
    visit("index.ts");
    expect(seen.has("presigner.ts")).toBe(true);
    expect(seen.has("sdk-presigner.ts")).toBe(false);
    expect([...packages].sort()).toEqual(["node:crypto"]);
  });

  it("loads the SDK path only through a dynamic import", () => {
    const presigner = readFileSync(join(presignDir, "presigner.ts"), "utf8");
    expect(presigner).toContain('await import("./sdk-presigner.js")');
  });
});
