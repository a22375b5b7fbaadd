import type { Aws } from "../../aws/clients.js";
import type { RegisterCleanup } from "../cleanup.js";
import type { Delivery, UnsavedKey } from "../handover/deliver.js";
import { type AddDevInput, type AddDevResult, addDev, undoAddDev } from "./add-dev.js";
import { type CredentialDelivery, deliverNewKey } from "./deliver-key.js";
import { handOverNewKey, KeyNotSavedError, type NewAccessKey, reasonText } from "./key-handover.js";
import { iamKeyBackend } from "./users.js";

export interface Onboarded {
  result: AddDevResult;
  /** Absent when no key was created (the user had one, or --no-key). */
  delivery?: Delivery;
}

export interface OnboardInput extends AddDevInput {
  delivery: CredentialDelivery;
  signal?: AbortSignal;
  onInterrupt?: RegisterCleanup;
}

/**
 * `iam add-dev` from start to handover: the user, policy and group, then a key that is
 * handed over (rendered, or written durably) before the run counts as done. When the
 * credentials cannot be saved, the key is deleted again and so is what this run created
 * for a new user (see undoAddDev); the error says what was cleaned up.
 */
export async function onboardDeveloper(aws: Aws, input: OnboardInput): Promise<Onboarded> {
  const result = await addDev(aws, input);
  if (result.keySkipped) return { result };
  const { outPath } = input.delivery;
  const render = (key: NewAccessKey, path?: string) => deliverNewKey(aws, input, key, path);
  try {
    const { key, delivery } = await handOverNewKey(
      iamKeyBackend(aws, await aws.iam(), input.userName),
      {
        deliver: (key) => render(key, outPath),
        show: (key): UnsavedKey => ({ accessKey: key, delivery: render(key) }),
        ...(outPath ? { destination: outPath } : {}),
        ...(input.onStep ? { onStep: input.onStep } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.onInterrupt ? { onInterrupt: input.onInterrupt } : {}),
      },
    );
    result.accessKey = key;
    return { result, delivery };
  } catch (err) {
    if (!(err instanceof KeyNotSavedError) || !err.discarded) throw err;
    throw await cleanedUp(aws, result, err);
  }
}

/** The error of a failed handover, once what the run created is removed again. */
async function cleanedUp(
  aws: Aws,
  result: AddDevResult,
  err: KeyNotSavedError,
): Promise<KeyNotSavedError> {
  const user = result.user.name;
  const undone = await undoAddDev(aws, result);
  const head = err.destination
    ? `Could not save the credentials of ${user} to ${err.destination}: ${reasonText(err.reason)}.`
    : `Could not hand over the credentials of ${user}: ${reasonText(err.reason)}.`;
  const done = ["deleted the new access key", ...undone.done].join(", ");
  const kept = result.user.created
    ? ""
    : `; ${user} existed before and keeps its access and its other keys`;
  const message =
    undone.left.length === 0
      ? `${head} Nothing was left behind: ${done}${kept}.`
      : `${head} Cleaned up: ${done}; left behind: ${undone.left.join("; ")}.`;
  return new KeyNotSavedError(
    {
      userName: user,
      destination: err.destination,
      reason: err.reason,
      accessKeyId: err.accessKeyId,
      discarded: true,
    },
    message,
    err.hint ?? "",
  );
}
