import { defineConfig } from "vitest/config";

// Tests create SDK clients in-process too; s3kit supports Node 20 and so do its tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// Two projects: `unit` is pure logic and needs nothing; `e2e` talks to real local
// servers (moto, versitygw) that test/global-setup.ts starts once for the run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
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
