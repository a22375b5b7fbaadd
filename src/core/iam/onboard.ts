import type { Aws } from "../../aws/clients.js";
import {
  type CredentialFormat,
  type Delivery,
  deliverCredentials,
  type EnvStyle,
} from "./credentials.js";
import {
  type AddDevInput,
  type AddDevResult,
  addDev,
  appCredentialValues,
  discardAccessKey,
} from "./dev-users.js";

export interface CredentialDelivery {
  format: CredentialFormat;
  style: EnvStyle;
  /** Write (merge) the credentials into this file; otherwise they come back as text. */
  outPath?: string;
  force: boolean;
}

export interface Onboarded {
  result: AddDevResult;
  /** Absent when no key was created (the user had one, or --no-key). */
  delivery?: Delivery;
}

/**
 * `iam add-dev` from start to handover: the user, policy and key, then the credentials
 * rendered or written. A key nobody could receive (the file write failed) is deleted again.
 */
export async function onboardDeveloper(
  aws: Aws,
  input: AddDevInput & { delivery: CredentialDelivery },
): Promise<Onboarded> {
  const result = await addDev(aws, input);
  const key = result.accessKey;
  if (!key) return { result };
  try {
    const delivery = deliverCredentials({
      format: input.delivery.format,
      style: input.delivery.style,
      values: appCredentialValues(aws, input.userName, key, input.grant.bucket),
      ...(input.delivery.outPath ? { outPath: input.delivery.outPath } : {}),
      force: input.delivery.force,
    });
    return { result, delivery };
  } catch (err) {
    await discardAccessKey(aws, input.userName, key.accessKeyId);
    throw err;
  }
}
