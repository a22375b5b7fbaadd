import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureCfnLint } from "../../scripts/servers.mjs";
import { toCloudFormation } from "../../src/core/iac/cloudformation.js";
import { toTerraform } from "../../src/core/iac/terraform.js";
import { fullStack } from "../fixtures/iac-stack.js";

const dir = mkdtempSync(join(tmpdir(), "s3kit-iac-"));

describe("exported templates pass the tools' own checks", () => {
  it("cfn-lint accepts the CloudFormation template", () => {
    const file = join(dir, "template.json");
    writeFileSync(file, JSON.stringify(toCloudFormation(fullStack), null, 2));
    const result = spawnSync(ensureCfnLint(), [file], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("the Terraform file is formatted as terraform fmt wants (when terraform is installed)", () => {
    const file = join(dir, "main.tf");
    writeFileSync(file, toTerraform(fullStack));
    const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
    if (hasTerraform) {
      // fmt parses the file too: a syntax error fails here as well as a formatting difference.
      const out = execFileSync("terraform", ["fmt", "-check", "-diff", file], {
        encoding: "utf8",
        env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
      });
      expect(out).toBe("");
    }
    expect(toTerraform(fullStack)).toMatch(/^terraform \{\n {2}required_providers \{/);
  });
});
