// A new access key goes out before an old one is retired: it is created, handed over
// (written durably to its file, or rendered to be printed), and only then is the old key
// made inactive or deleted. A key that could not be handed over is deleted again; if even
// that fails, its secret comes back to be shown once, so that no key exists whose secret
// nobody has. Any user backend (IAM, an S3-compatible server's admin API) plugs in here.

import { mapAwsError } from "../../aws/errors.js";
import type { PendingStep, RegisterCleanup } from "../cleanup.js";
import { ExitCode, InterruptedError, S3kitError } from "../errors.js";
import { maskKeyId } from "./names.js";
import { FileWriteError } from "./secret-file.js";

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  createDate: string;
}

/** What a user backend does with one user's access keys. */
export interface KeyBackend {
  readonly userName: string;
  createKey(): Promise<NewAccessKey>;
  /** Deletes a key; a key that is already gone counts as deleted. */
  deleteKey(accessKeyId: string): Promise<void>;
  deactivateKey(accessKeyId: string): Promise<void>;
  /** Shell commands for what s3kit could not finish, to do it by hand. */
  commands: {
    deleteKey(accessKeyId: string): string;
    deactivateKey(accessKeyId: string): string;
    listKeys(): string;
  };
}

export interface HandoverOptions<D, S> {
  /** Where the secret goes, for messages: a file, or nothing when it is printed. */
  destination?: string;
  /**
   * Hands the secret over: when it returns, the secret is durably on disk (or rendered for
   * printing); it throws when it cannot. Synchronous, so that nothing (not even a Ctrl-C
   * handler) runs between the write and the decision that follows it.
   */
  deliver(key: NewAccessKey): D;
  /** The secret as it is shown once on stdout when the key can be neither saved nor deleted. */
  show(key: NewAccessKey): S;
  /** What stays as it was when the handover fails, for the message (e.g. "the old key … stays active"). */
  unchanged?: string;
  signal?: AbortSignal;
  onInterrupt?: RegisterCleanup;
  onStep?: (message: string) => void;
}

export interface HandedOver<D> {
  key: NewAccessKey;
  delivery: D;
}

/** The new key could not be handed over; the exit code is that of the reason (the write error). */
export class KeyNotSavedError<S = unknown> extends S3kitError {
  readonly userName: string;
  readonly destination: string | undefined;
  readonly reason: S3kitError;
  readonly accessKeyId: string;
  /** The new key was deleted again. */
  readonly discarded: boolean;
  /** Set when it could not be deleted: the secret, to show once. */
  readonly unsaved: S | undefined;

  constructor(
    details: {
      userName: string;
      destination: string | undefined;
      reason: S3kitError;
      accessKeyId: string;
      discarded: boolean;
      unsaved?: S;
    },
    message: string,
    hint: string,
  ) {
    super(
      { code: "KeyNotSaved", message, hint, exitCode: details.reason.exitCode },
      { cause: details.reason },
    );
    this.name = "KeyNotSavedError";
    this.userName = details.userName;
    this.destination = details.destination;
    this.reason = details.reason;
    this.accessKeyId = details.accessKeyId;
    this.discarded = details.discarded;
    this.unsaved = details.unsaved;
  }
}

/** Why a handover failed, in words that fit after "Could not save …: ". */
export function reasonText(reason: S3kitError): string {
  if (reason instanceof FileWriteError) return reason.reason;
  if (reason instanceof InterruptedError) return "interrupted (Ctrl-C)";
  return reason.message.replace(/\.$/, "");
}

function toS3kitError(err: unknown): S3kitError {
  return err instanceof S3kitError ? err : mapAwsError(err);
}

/**
 * Creates a key and hands it over. A key that could not be handed over (the write failed,
 * or Ctrl-C came first) is deleted again: KeyNotSavedError says so, or carries the secret
 * when deleting failed too. On Ctrl-C while the key exists unsaved, the registered cleanup
 * waits for that deletion, and names the command that does it if s3kit is cut short.
 */
export async function handOverNewKey<D, S>(
  backend: KeyBackend,
  options: HandoverOptions<D, S>,
): Promise<HandedOver<D>> {
  const { userName } = backend;
  let state: "creating" | "unsaved" | "settled" = "creating";
  let key: NewAccessKey | undefined;
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const pending = (): PendingStep[] => {
    if (state === "creating") {
      return [
        {
          doing: `deleting the access key being created for ${userName} (its secret was not saved)`,
          command: backend.commands.listKeys(),
        },
      ];
    }
    if (state === "unsaved" && key) {
      return [
        {
          doing: `deleting the new access key ${key.accessKeyId} of ${userName} (its secret was not saved)`,
          command: backend.commands.deleteKey(key.accessKeyId),
        },
      ];
    }
    return [];
  };
  const unregister = options.onInterrupt?.({ run: () => settled, pending });
  try {
    try {
      key = await backend.createKey();
    } catch (err) {
      state = "settled";
      throw err;
    }
    state = "unsaved";
    options.onStep?.(`new access key ${key.accessKeyId} created`);
    let delivery: D;
    try {
      // Not abortable before this point: a key being created is waited for, then deleted.
      if (options.signal?.aborted) throw new InterruptedError();
      delivery = options.deliver(key);
    } catch (err) {
      throw await discard(backend, key, toS3kitError(err), options, () => {
        state = "settled";
      });
    }
    state = "settled";
    return { key, delivery };
  } finally {
    unregister?.();
    settle();
  }
}

async function discard<D, S>(
  backend: KeyBackend,
  key: NewAccessKey,
  reason: S3kitError,
  options: HandoverOptions<D, S>,
  deleted: () => void,
): Promise<KeyNotSavedError<S>> {
  const head = options.destination
    ? `Could not save the new key to ${options.destination}: ${reasonText(reason)}.`
    : `Could not hand over the new key: ${reasonText(reason)}.`;
  const unchanged = options.unchanged ? `; ${options.unchanged}` : "";
  const details = {
    userName: backend.userName,
    destination: options.destination,
    reason,
    accessKeyId: key.accessKeyId,
  };
  try {
    await backend.deleteKey(key.accessKeyId);
    deleted();
    return new KeyNotSavedError<S>(
      { ...details, discarded: true },
      `${head} The new key ${maskKeyId(key.accessKeyId)} was deleted again${unchanged}.`,
      `${reason.hint ?? ""} Then run the same command again.`.trim(),
    );
  } catch (err) {
    const failure = toS3kitError(err).message.replace(/\.$/, "");
    return new KeyNotSavedError<S>(
      { ...details, discarded: false, unsaved: options.show(key) },
      `${head} Deleting the new key ${key.accessKeyId} failed too (${failure}): its secret is printed on standard output, this once${unchanged}.`,
      `Store the secret now, or delete the key: ${backend.commands.deleteKey(key.accessKeyId)}`,
    );
  }
}

export interface OldKey {
  accessKeyId: string;
  active: boolean;
  /** What happens to it once the new key is saved. */
  afterwards: "deactivate" | "delete" | "keep";
}

export interface Replaced<D> extends HandedOver<D> {
  oldKey?: { accessKeyId: string; status: "inactive" | "deleted" | "active" };
  /**
   * Retiring the old key failed after the new one was handed over: the new key is good,
   * the old one still works. Reported, not thrown, so that a printed secret still gets out.
   */
  oldKeyError?: S3kitError;
}

/**
 * Rotation: a new key handed over first (see handOverNewKey), and only then the old key
 * made inactive or deleted. If the new key cannot be saved, the old key stays as it was.
 */
export async function replaceKey<D, S>(
  backend: KeyBackend,
  old: OldKey | undefined,
  options: HandoverOptions<D, S>,
): Promise<Replaced<D>> {
  const unchanged = old
    ? `the old key ${maskKeyId(old.accessKeyId)} stays ${old.active ? "active" : "inactive"}`
    : undefined;
  const handed = await handOverNewKey(backend, {
    ...options,
    ...(unchanged ? { unchanged } : {}),
  });
  if (!old) return handed;
  const id = old.accessKeyId;
  const step = options.onStep ?? (() => {});
  try {
    if (old.afterwards === "delete") {
      await backend.deleteKey(id);
      step(`old key ${id} deleted`);
      return { ...handed, oldKey: { accessKeyId: id, status: "deleted" } };
    }
    if (old.afterwards === "deactivate") {
      await backend.deactivateKey(id);
      step(`old key ${id} made inactive`);
      return { ...handed, oldKey: { accessKeyId: id, status: "inactive" } };
    }
  } catch (err) {
    const cause = toS3kitError(err);
    const where = options.destination ? ` in ${options.destination}` : "";
    const oldKeyError = new S3kitError(
      {
        code: "OldKeyNotRetired",
        message: `The new key ${handed.key.accessKeyId} is saved${where}, but ${old.afterwards === "delete" ? "deleting" : "deactivating"} the old key ${id} failed: ${cause.message.replace(/\.$/, "")}. The old key still works.`,
        hint: `Once the cause is fixed: ${old.afterwards === "delete" ? backend.commands.deleteKey(id) : backend.commands.deactivateKey(id)}`,
        exitCode: cause.exitCode === ExitCode.usage ? ExitCode.failure : cause.exitCode,
      },
      { cause: err },
    );
    return {
      ...handed,
      oldKey: { accessKeyId: id, status: old.active ? "active" : "inactive" },
      oldKeyError,
    };
  }
  return { ...handed, oldKey: { accessKeyId: id, status: old.active ? "active" : "inactive" } };
}
