// The handover with a backend of the test's own: the order of the steps and what a
// cleanup says at each moment, which a server cannot show from outside.
import { describe, expect, it } from "vitest";
import type { InterruptCleanup } from "../../../src/core/cleanup.js";
import { ExitCode } from "../../../src/core/errors.js";
import {
  handOverNewKey,
  type KeyBackend,
  KeyNotSavedError,
  type NewAccessKey,
  replaceKey,
} from "../../../src/core/iam/key-handover.js";
import { FileWriteError } from "../../../src/core/iam/secret-file.js";

const NEW: NewAccessKey = {
  accessKeyId: "AKIANEWKEY0000000001",
  secretAccessKey: "new-secret",
  createDate: "2026-01-01T00:00:00.000Z",
};

function backend(options: { deleteFails?: boolean; create?: Promise<NewAccessKey> } = {}) {
  const calls: string[] = [];
  const b: KeyBackend = {
    userName: "alice",
    createKey: async () => {
      calls.push("create");
      return options.create ?? NEW;
    },
    deleteKey: async (id) => {
      calls.push(`delete ${id}`);
      if (options.deleteFails) throw Object.assign(new Error("Network down."), { name: "Err" });
    },
    deactivateKey: async (id) => {
      calls.push(`deactivate ${id}`);
    },
    commands: {
      deleteKey: (id) => `aws iam delete-access-key --user-name alice --access-key-id ${id}`,
      deactivateKey: (id) => `aws iam update-access-key --access-key-id ${id} --status Inactive`,
      listKeys: () => "aws iam list-access-keys --user-name alice",
    },
  };
  return { backend: b, calls };
}

const full = new FileWriteError(
  "/app/.env",
  Object.assign(new Error("ENOSPC: no space"), { code: "ENOSPC" }),
);
const old = {
  accessKeyId: "AKIAOLDKEY0000000002",
  active: true,
  afterwards: "deactivate" as const,
};

describe("replaceKey", () => {
  it("saves the new key before it touches the old one", async () => {
    const { backend: b, calls } = backend();
    const result = await replaceKey(b, old, {
      deliver: (key) => {
        calls.push(`deliver ${key.accessKeyId}`);
        return "saved";
      },
      show: () => "",
    });
    expect(calls).toEqual([
      "create",
      `deliver ${NEW.accessKeyId}`,
      `deactivate ${old.accessKeyId}`,
    ]);
    expect(result.oldKey).toEqual({ accessKeyId: old.accessKeyId, status: "inactive" });
  });

  it("when saving fails: deletes the new key, leaves the old one, and fails with the write's exit code", async () => {
    const { backend: b, calls } = backend();
    const err = await replaceKey(b, old, {
      destination: "/app/.env",
      deliver: () => {
        throw full;
      },
      show: () => "",
    }).catch((e) => e);
    expect(calls).toEqual(["create", `delete ${NEW.accessKeyId}`]);
    expect(err).toBeInstanceOf(KeyNotSavedError);
    expect(err.exitCode).toBe(ExitCode.failure);
    expect(err.discarded).toBe(true);
    expect(err.unsaved).toBeUndefined();
    expect(err.message).toBe(
      "Could not save the new key to /app/.env: no space left on the disk. The new key AKIA************0001 was deleted again; the old key AKIA************0002 stays active.",
    );
  });

  it("when deleting the new key fails too: its secret comes back to be shown once", async () => {
    const { backend: b } = backend({ deleteFails: true });
    const err = await replaceKey(b, old, {
      destination: "/app/.env",
      deliver: () => {
        throw full;
      },
      show: (key) => `SECRET=${key.secretAccessKey}`,
    }).catch((e) => e);
    expect(err.discarded).toBe(false);
    expect(err.unsaved).toBe("SECRET=new-secret");
    expect(err.message).toContain(
      `Deleting the new key ${NEW.accessKeyId} failed too (Network down): its secret is printed on standard output, this once; the old key AKIA************0002 stays active.`,
    );
    expect(err.message).not.toContain("new-secret");
    expect(err.hint).toContain(`--access-key-id ${NEW.accessKeyId}`);
  });

  it("a failure to retire the old key is reported, not thrown: the new key is out", async () => {
    const { backend: b } = backend();
    b.deactivateKey = async () => {
      throw Object.assign(new Error("Throttled."), { name: "Throttling" });
    };
    const result = await replaceKey(b, old, { deliver: () => "saved", show: () => "" });
    expect(result.delivery).toBe("saved");
    expect(result.oldKey?.status).toBe("active");
    expect(result.oldKeyError?.message).toContain(
      `but deactivating the old key ${old.accessKeyId} failed`,
    );
    expect(result.oldKeyError?.hint).toContain("--status Inactive");
  });
});

describe("Ctrl-C during a handover", () => {
  it("waits for the key being created, deletes it, and says at each moment what is left", async () => {
    let created: (key: NewAccessKey) => void = () => {};
    const { backend: b, calls } = backend({
      create: new Promise((resolve) => {
        created = resolve;
      }),
    });
    const controller = new AbortController();
    let cleanup: InterruptCleanup | undefined;
    const running = handOverNewKey(b, {
      deliver: () => {
        calls.push("deliver");
        return "saved";
      },
      show: () => "",
      signal: controller.signal,
      onInterrupt: (c) => {
        cleanup = c;
        return () => {};
      },
    }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(cleanup?.pending()).toEqual([
      {
        doing: "deleting the access key being created for alice (its secret was not saved)",
        command: "aws iam list-access-keys --user-name alice",
      },
    ]);
    const cleaned = cleanup?.run();
    created(NEW);
    const err = await running;
    await cleaned;
    expect(calls).toEqual(["create", `delete ${NEW.accessKeyId}`]);
    expect(err).toBeInstanceOf(KeyNotSavedError);
    expect(err.exitCode).toBe(ExitCode.interrupted);
    expect(err.message).toContain("Could not hand over the new key: interrupted (Ctrl-C).");
    expect(cleanup?.pending()).toEqual([]);
  });

  it("names the delete command while a created key is not saved and cannot be deleted", async () => {
    const { backend: b } = backend({ deleteFails: true });
    let cleanup: InterruptCleanup | undefined;
    const controller = new AbortController();
    controller.abort();
    await handOverNewKey(b, {
      deliver: () => "saved",
      show: () => "",
      signal: controller.signal,
      onInterrupt: (c) => {
        cleanup = c;
        return () => {};
      },
    }).catch(() => {});
    expect(cleanup?.pending()).toEqual([
      {
        doing: `deleting the new access key ${NEW.accessKeyId} of alice (its secret was not saved)`,
        command: `aws iam delete-access-key --user-name alice --access-key-id ${NEW.accessKeyId}`,
      },
    ]);
  });
});
