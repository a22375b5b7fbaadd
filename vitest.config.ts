import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

// Tests create SDK clients in-process too; s3kit supports Node 20 and so do its tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// Two projects: `unit` needs no server (pure logic, and commands run in-process through
// test/support/run-program.ts); `e2e` runs the built binary and integration tests against
// real local servers (moto, versitygw, MinIO) that test/global-setup.ts starts once for the run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/command/**/*.test.ts"],
        },
        // In-process commands print the version the build would give them.
        define: { S3KIT_VERSION: JSON.stringify(pkg.version) },
      },
      {
        test: {
          name: "e2e",
          include: ["test/integration/**/*.test.ts", "test/cli/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
