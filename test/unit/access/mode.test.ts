// Which evaluation `policy debug` and `policy fix` run, and what their flags refuse, from
// the flags alone.

import { describe, expect, it } from "vitest";
import {
  type DebugFlags,
  type FixFlags,
  isOffline,
  resolveDebugMode,
  resolveFixMode,
} from "../../../src/core/access/mode.js";
import { ConflictError, ExitCode, S3kitError, UsageError } from "../../../src/core/errors.js";

/** The error a call throws, or a failure when it throws none. */
function thrown(f: () => unknown): S3kitError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(S3kitError);
    return err as S3kitError;
  }
  throw new Error("expected an error");
}

const NO_ENV = {};

describe("isOffline", () => {
  it("is offline with any policy file, online without", () => {
    expect(isOffline({})).toBe(false);
    expect(isOffline({ policyFile: [] })).toBe(false);
    expect(isOffline({ policyFile: ["p.json"] })).toBe(true);
    expect(isOffline({ bucketPolicyFile: "b.json" })).toBe(true);
    expect(isOffline({ boundaryFile: "x.json" })).toBe(true);
    expect(isOffline({ scpFile: ["scp.json"] })).toBe(true);
  });
});

describe("resolveDebugMode offline", () => {
  it("maps the flags to files and a request", () => {
    const plan = resolveDebugMode(
      {
        policyFile: ["a.json", "b.json"],
        bucketPolicyFile: "bp.json",
        action: ["s3:GetObject"],
        bucket: "app-uploads",
        key: "k.txt",
        principalArn: "arn:aws:iam::111122223333:user/alice",
        context: ["aws:SecureTransport=false"],
        bucketAccount: "444455556666",
        expect: "allow",
      },
      NO_ENV,
    );
    expect(plan).toEqual({
      mode: "offline",
      files: { policyFiles: ["a.json", "b.json"], bucketPolicyFile: "bp.json", scpFiles: [] },
      request: {
        actions: ["s3:GetObject"],
        bucket: "app-uploads",
        key: "k.txt",
        principalArn: "arn:aws:iam::111122223333:user/alice",
        context: ["aws:SecureTransport=false"],
        resourceAccount: "444455556666",
      },
      expect: "allow",
    });
  });

  it.each([
    ["--user", { user: "alice" }],
    ["--role", { role: "app" }],
    ["--probe", { probe: true }],
    ["--probe-profile", { probeProfile: "alice" }],
    ["--probe-write", { probeWrite: true }],
  ] as const)("refuses the online flag %s (exit 2)", (flag, extra) => {
    const e = thrown(() => resolveDebugMode({ policyFile: ["p.json"], ...extra }, NO_ENV));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(
      `${flag} is for online checks, but policy files make this an offline one.`,
    );
    expect(e.hint).toContain("Leave out the --policy-file/--bucket-policy-file flags");
  });

  it("names the first online flag given", () => {
    const e = thrown(() =>
      resolveDebugMode({ policyFile: ["p.json"], probe: true, role: "app" }, NO_ENV),
    );
    expect(e.message).toMatch(/^--role /);
  });

  it("needs identity or bucket policies: a boundary alone is nothing to evaluate", () => {
    for (const flags of [{ boundaryFile: "b.json" }, { scpFile: ["s.json"] }]) {
      const e = thrown(() => resolveDebugMode(flags, NO_ENV));
      expect(e.exitCode).toBe(ExitCode.usage);
      expect(e.message).toMatch(/^Nothing to evaluate/);
    }
    expect(
      resolveDebugMode({ bucketPolicyFile: "bp.json", boundaryFile: "b.json" }, NO_ENV).mode,
    ).toBe("offline");
  });

  it("checks the bucket name and the request flags before any file is read", () => {
    expect(
      thrown(() => resolveDebugMode({ policyFile: ["p.json"], bucket: "Bad_Name" }, NO_ENV))
        .exitCode,
    ).toBe(ExitCode.usage);
    expect(
      thrown(() =>
        resolveDebugMode(
          { policyFile: ["p.json"], resource: "arn:aws:s3:::b1-x/k", bucket: "b1-x" },
          NO_ENV,
        ),
      ).message,
    ).toBe("--resource cannot be combined with --bucket or --key.");
    expect(
      thrown(() => resolveDebugMode({ policyFile: ["p.json"], bucketAccount: "12345" }, NO_ENV))
        .message,
    ).toMatch(/--bucket-account "12345" is not an AWS account ID/);
    expect(
      thrown(() => resolveDebugMode({ policyFile: ["p.json"], context: ["novalue"] }, NO_ENV))
        .exitCode,
    ).toBe(ExitCode.usage);
  });

  it("ignores --no-simulate offline (there is no simulator to ask)", () => {
    expect(resolveDebugMode({ policyFile: ["p.json"], simulate: false }, NO_ENV).mode).toBe(
      "offline",
    );
  });
});

describe("resolveDebugMode online", () => {
  const online = (flags: DebugFlags, env = NO_ENV) => {
    const plan = resolveDebugMode(flags, env);
    if (plan.mode !== "online") throw new Error("expected online");
    return plan;
  };

  it("checks the caller by default, or --user, or --role", () => {
    expect(online({ bucket: "app-uploads" }).target.principal).toEqual({ caller: true });
    expect(online({ bucket: "app-uploads", user: "alice" }).target.principal).toEqual({
      user: "alice",
    });
    expect(online({ bucket: "app-uploads", role: "app" }).target.principal).toEqual({
      role: "app",
    });
  });

  it("carries the request flags, asks the simulator unless --no-simulate", () => {
    const plan = online({
      bucket: "app-uploads",
      key: "uploads/a.png",
      action: ["s3:PutObject"],
      context: ["s3:prefix=uploads/"],
      bucketAccount: "444455556666",
      expect: "deny",
    });
    expect(plan).toEqual({
      mode: "online",
      target: {
        bucket: "app-uploads",
        key: "uploads/a.png",
        principal: { caller: true },
        actions: ["s3:PutObject"],
        context: ["s3:prefix=uploads/"],
        bucketAccount: "444455556666",
      },
      expect: "deny",
      simulate: true,
    });
    expect(online({ bucket: "app-uploads", simulate: false }).simulate).toBe(false);
  });

  it("takes the bucket and key from --resource", () => {
    expect(online({ resource: "arn:aws:s3:::app-uploads/a/b.txt" }).target).toMatchObject({
      bucket: "app-uploads",
      key: "a/b.txt",
    });
    expect(online({ resource: "arn:aws:s3:::app-uploads" }).target).not.toHaveProperty("key");
  });

  it.each([
    [{ bucket: "b1", user: "alice", role: "app" }, "Give --user or --role, not both."],
    [
      { bucket: "b1", principalArn: "arn:aws:iam::111122223333:user/alice" },
      "--principal-arn is for offline checks with --policy-file.",
    ],
    [{ bucket: "b1", probeWrite: true }, "--probe-write goes with --probe."],
    [
      { resource: "arn:aws:s3:::b1/k", key: "k" },
      "--resource cannot be combined with --bucket or --key.",
    ],
    [
      { resource: "arn:aws:iam::111122223333:user/alice" },
      "--resource arn:aws:iam::111122223333:user/alice is not an S3 bucket or object ARN.",
    ],
    [{ key: "k" }, "Online, policy debug needs --bucket B: the bucket whose access to check."],
  ] as [DebugFlags, string][])("refuses %j (exit 2)", (flags, message) => {
    const e = thrown(() => resolveDebugMode(flags, NO_ENV));
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.message).toBe(message);
  });

  it("checks the bucket name", () => {
    expect(thrown(() => resolveDebugMode({ bucket: "ab" }, NO_ENV)).exitCode).toBe(ExitCode.usage);
  });

  describe("--probe credentials", () => {
    it("are the caller's own when the principal is the caller", () => {
      expect(online({ bucket: "b1-x", probe: true }).probe).toEqual({
        credentials: { from: "caller" },
        write: false,
      });
    });

    it("come from --probe-profile, or the S3KIT_PROBE_ variables", () => {
      expect(
        online({ bucket: "b1-x", user: "alice", probe: true, probeProfile: "alice" }).probe,
      ).toEqual({ credentials: { from: "profile", profile: "alice" }, write: false });
      const env = {
        S3KIT_PROBE_ACCESS_KEY_ID: "AKIAEXAMPLE",
        S3KIT_PROBE_SECRET_ACCESS_KEY: "secret",
      };
      expect(
        online({ bucket: "b1-x", user: "alice", probe: true, probeWrite: true }, env).probe,
      ).toEqual({
        credentials: {
          from: "environment",
          accessKeyId: "AKIAEXAMPLE",
          secretAccessKey: "secret",
        },
        write: true,
      });
    });

    it("are required for another principal, before any call (exit 2)", () => {
      const e = thrown(() =>
        resolveDebugMode({ bucket: "b1-x", role: "app", probe: true }, NO_ENV),
      );
      expect(e.code).toBe("ProbeCredentialsMissing");
      expect(e.exitCode).toBe(ExitCode.usage);
    });
  });
});

describe("resolveFixMode", () => {
  it("is offline with policy files, online without", () => {
    expect(resolveFixMode({ policyFile: ["p.json"], bucket: "app-uploads" })).toEqual({
      mode: "offline",
      scope: {},
      files: { policyFiles: ["p.json"], scpFiles: [] },
      request: { bucket: "app-uploads" },
    });
    expect(
      resolveFixMode({ user: "alice", bucket: "app-uploads", apply: true, newPolicy: "extra" }),
    ).toEqual({
      mode: "online",
      scope: {},
      newPolicyName: "extra",
      target: { bucket: "app-uploads", principal: { user: "alice" } },
      apply: true,
    });
  });

  it.each([
    ["--user", { user: "alice" }, "Leave out the --policy-file/--bucket-policy-file flags"],
    ["--role", { role: "app" }, "Leave out the --policy-file/--bucket-policy-file flags"],
    ["--apply", { apply: true }, "the fixed policy is in --json's `after`"],
  ] as const)("refuses the online flag %s offline (exit 2)", (flag, extra, hint) => {
    const e = thrown(() => resolveFixMode({ policyFile: ["p.json"], ...extra }));
    expect(e.message).toBe(
      `${flag} is for online fixes, but policy files make this an offline one.`,
    );
    expect(e.hint).toContain(hint);
  });

  it.each([
    [{ bucket: "b1-x", user: "a", role: "b" }, "Give --user or --role, not both."],
    [
      { bucket: "b1-x", principalArn: "arn:aws:iam::111122223333:user/alice" },
      "--principal-arn is for offline fixes with --policy-file.",
    ],
    [
      { resource: "arn:aws:s3:::b1-x/k", bucket: "b1-x" },
      "Online, --resource must be an S3 bucket or object ARN, without --bucket or --key.",
    ],
    [
      { resource: "arn:aws:iam::111122223333:user/alice" },
      "Online, --resource must be an S3 bucket or object ARN, without --bucket or --key.",
    ],
    [{}, "Online, policy fix needs --bucket B: the bucket whose access to fix."],
    [{ bucket: "b1-x", newPolicy: "bad name" }, 'Invalid policy name "bad name".'],
    [{ bucket: "b1-x", prefix: "" }, '--prefix "" is empty.'],
    [
      { bucket: "b1-x", prefix: "/uploads/" },
      '--prefix "/uploads/" starts with / (S3 keys have no leading slash).',
    ],
    [
      { bucket: "b1-x", prefix: "up*" },
      '--prefix "up*" contains a wildcard (s3kit adds the * itself).',
    ],
    [{ bucket: "b1-x", prefix: "up\u0007" }, '--prefix "up\u0007" contains a control character.'],
    [
      { bucket: "b1-x", prefix: "uploads/", scope: "key" },
      "--prefix goes with --scope prefix, not --scope key.",
    ],
  ] as [FixFlags, string][])("refuses %j (exit 2)", (flags, message) => {
    const e = thrown(() => resolveFixMode(flags));
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.message).toBe(message);
  });

  it("takes --scope and --prefix into the plan", () => {
    expect(resolveFixMode({ bucket: "b1-x", scope: "bucket" }).scope).toEqual({
      scope: "bucket",
    });
    expect(resolveFixMode({ bucket: "b1-x", prefix: "uploads/" }).scope).toEqual({
      prefix: "uploads/",
    });
  });

  it("refuses a key outside --prefix as a conflict (exit 5), offline and online", () => {
    for (const flags of [
      { policyFile: ["p.json"], bucket: "b1-x", key: "other/a.txt", prefix: "uploads/" },
      { bucket: "b1-x", key: "other/a.txt", prefix: "uploads/" },
      { resource: "arn:aws:s3:::b1-x/other/a.txt", prefix: "uploads/" },
    ]) {
      const e = thrown(() => resolveFixMode(flags));
      expect(e).toBeInstanceOf(ConflictError);
      expect(e.code).toBe("FixOutsideScope");
      expect(e.exitCode).toBe(ExitCode.conflict);
    }
  });

  it("checks the scope before the mode's flags", () => {
    const e = thrown(() => resolveFixMode({ policyFile: ["p.json"], user: "a", prefix: "" }));
    expect(e.message).toBe('--prefix "" is empty.');
  });
});
