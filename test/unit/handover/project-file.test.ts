import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  chooseNames,
  readProjectFile,
  saveMapping,
} from "../../../src/core/handover/project-file.js";

const folder = () => mkdtempSync(join(tmpdir(), "s3kit-project-"));

describe(".s3kit.json", () => {
  it("is saved from the flags and read back; other keys are kept", () => {
    const dir = folder();
    writeFileSync(join(dir, ".s3kit.json"), '{"team": "storage"}\n');
    const chosen = chooseNames(dir, { env: ["AWS_S3_BUCKET=bucket", "AWS_S3_USE_SSL=false"] });
    expect(chosen).toMatchObject({ save: true, namesChosen: true, source: "flags" });
    expect(chosen.changes).toEqual(["style aws", "AWS_S3_BUCKET=bucket", "AWS_S3_USE_SSL=false"]);
    saveMapping(dir, chosen.mapping);
    expect(JSON.parse(readFileSync(join(dir, ".s3kit.json"), "utf8"))).toEqual({
      team: "storage",
      env: { style: "aws", variables: { AWS_S3_BUCKET: "bucket", AWS_S3_USE_SSL: "false" } },
    });
    // Later commands use it without flags; the same flags again change nothing.
    expect(chooseNames(dir, {})).toMatchObject({
      save: false,
      namesChosen: true,
      source: "project file",
      mapping: chosen.mapping,
    });
    expect(chooseNames(dir, { env: ["AWS_S3_BUCKET=bucket"] }).save).toBe(false);
    // A flag changes one variable and keeps the others.
    const changed = chooseNames(dir, { style: "s3", env: ["AWS_S3_BUCKET=value:fixed"] });
    expect(changed.changes).toEqual(["style s3", "AWS_S3_BUCKET=value:fixed"]);
    expect(Object.keys(changed.mapping.variables)).toEqual(["AWS_S3_BUCKET", "AWS_S3_USE_SSL"]);
  });

  it("without flags or a file: the aws style, nothing to save", () => {
    expect(chooseNames(folder(), {})).toMatchObject({
      mapping: { style: "aws", variables: {} },
      save: false,
      namesChosen: false,
    });
  });

  it.each([
    ['{"env": {"style": "rails"}}', "Unknown env.style in"],
    ['{"env": {"variables": {"X": "bukcet"}}}', 'unknown field "bukcet"'],
    ['{"env": {"variables": {"my-var": "bucket"}}}', "is not a variable name"],
    ['{"env": {"variables": {"X": 1}}}', "env.variables.X is not a string"],
    ['{"env": {"varibles": {}}}', 'unknown key "varibles"'],
    [
      '{"env": {"style": "none", "variables": {"X": "bucket"}}}',
      "writes no variable for access-key-id or secret-access-key",
    ],
    ['{"env": ', "invalid JSON"],
    ["[]", "is not a JSON object"],
  ])("%s is exit 2: %s", (text, message) => {
    const dir = folder();
    writeFileSync(join(dir, ".s3kit.json"), text);
    let err: { exitCode?: number; message?: string } = {};
    try {
      readProjectFile(dir);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(message);
  });

  it("--env with a format without variable names is exit 2", () => {
    expect(() => chooseNames(folder(), { env: ["X=bucket"] }, "csv")).toThrow(
      /--format csv has none/,
    );
  });
});
