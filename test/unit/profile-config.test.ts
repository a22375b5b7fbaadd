import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  mayHoldProfiles,
  readProfileConfig,
  sharedFilePaths,
} from "../../src/aws/profile-config.js";
import { UsageError } from "../../src/core/errors.js";

describe("shared file paths", () => {
  it("are in ~/.aws by default", () => {
    expect(sharedFilePaths({ HOME: "/home/ana" })).toEqual({
      config: "/home/ana/.aws/config",
      credentials: "/home/ana/.aws/credentials",
    });
  });

  it("follow AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, with ~/ expanded", () => {
    expect(
      sharedFilePaths({
        HOME: "/home/ana",
        AWS_CONFIG_FILE: "~/work/config",
        AWS_SHARED_CREDENTIALS_FILE: "/etc/aws/credentials",
      }),
    ).toEqual({ config: "/home/ana/work/config", credentials: "/etc/aws/credentials" });
  });

  it("find the home the way the SDK does when HOME is not set", () => {
    expect(sharedFilePaths({ USERPROFILE: "/users/ana" }).config).toBe("/users/ana/.aws/config");
    expect(sharedFilePaths({ HOMEDRIVE: "D:", HOMEPATH: "/ana" }).config).toBe(
      "D:/ana/.aws/config",
    );
    expect(sharedFilePaths({}).config).toBe(join(homedir(), ".aws", "config"));
  });
});

describe("files that may hold profiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-profiles-"));
  writeFileSync(join(dir, "empty"), "");
  writeFileSync(join(dir, "config"), "[default]\nregion = eu-west-1\n");
  mkdirSync(join(dir, "folder"));

  it.each([
    ["a missing file", join(dir, "missing"), false],
    ["an empty file", join(dir, "empty"), false],
    ["/dev/null", "/dev/null", false],
    ["a file with content", join(dir, "config"), true],
    ["a folder (the loader reports it)", join(dir, "folder"), true],
  ])("%s → %s", (_, path, expected) => {
    expect(mayHoldProfiles(path)).toBe(expected);
  });
});

describe("reading the profile", () => {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-profiles-"));
  writeFileSync(
    join(dir, "config"),
    "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9000\n",
  );
  writeFileSync(join(dir, "credentials"), "[ci]\nregion = us-west-2\n");
  const env = {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
  };

  it("reads the selected profile from either file", async () => {
    expect(await readProfileConfig({}, env)).toMatchObject({ region: "eu-west-1" });
    expect(await readProfileConfig({ profile: "dev" }, env)).toMatchObject({
      region: "ap-south-1",
      endpoint_url: "http://127.0.0.1:9000",
    });
    expect(await readProfileConfig({}, { ...env, AWS_PROFILE: "ci" })).toMatchObject({
      region: "us-west-2",
    });
  });

  it("names a --profile that is in neither file", async () => {
    await expect(readProfileConfig({ profile: "prod" }, env)).rejects.toThrow(UsageError);
  });

  it("still names a missing --profile when there are no files at all", async () => {
    const none = {
      HOME: dir,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "x"),
    };
    await expect(readProfileConfig({ profile: "prod" }, none)).rejects.toThrow(
      'The profile "prod" is not in the AWS config or credentials files.',
    );
    expect(await readProfileConfig({}, none)).toEqual({
      region: undefined,
      endpoint_url: undefined,
      ca_bundle: undefined,
    });
  });
});
