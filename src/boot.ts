import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { codeCacheDir, enableCodeCache } from "./code-cache.js";

// The bundle's entry point: it turns on the code cache for the rest of the bundle, then
// loads cli.ts, which runs s3kit.

declare const S3KIT_VERSION: string;

const cacheDir = codeCacheDir(
  process.env,
  typeof S3KIT_VERSION === "string" ? S3KIT_VERSION : "dev",
);
if (cacheDir) enableCodeCache(dirname(fileURLToPath(import.meta.url)), cacheDir);
void import("./cli.js");
