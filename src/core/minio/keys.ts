// Developer keys on MinIO are service accounts of the developer's MinIO user: each has
// its own access key and secret, can be switched off or deleted on its own, and carries
// the user's policies (its own and its groups'). s3kit chooses the key itself, so the
// server's encrypted answer need not be opened, and records the creation time in the
// key's description (MinIO keeps no creation date for them).

import { randomInt } from "node:crypto";
import type { MinioAdmin } from "../../aws/minio-admin/client.js";
import {
  addServiceAccount,
  deleteServiceAccount,
  type MinioServiceAccount,
  setServiceAccountStatus,
} from "../../aws/minio-admin/operations.js";
import type { KeyBackend, NewAccessKey } from "../iam/key-handover.js";

export const KEY_NAME = "s3kit";
const CREATED = /^s3kit key created (\S+)$/;
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALPHANUMERIC = `${UPPER_DIGITS}abcdefghijklmnopqrstuvwxyz`;

function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A new key like MinIO's own: a 20-character id and a 40-character secret (238 bits). */
export function newMinioKey(now = new Date()): NewAccessKey & { description: string } {
  return {
    accessKeyId: randomString(UPPER_DIGITS, 20),
    secretAccessKey: randomString(ALPHANUMERIC, 40),
    createDate: now.toISOString(),
    description: `s3kit key created ${now.toISOString()}`,
  };
}

/** A secret for the MinIO user itself, which nobody is given: people use its keys. */
export function unusedUserSecret(): string {
  return randomString(ALPHANUMERIC, 40);
}

export function keyCreated(account: MinioServiceAccount): Date | undefined {
  const iso = CREATED.exec(account.description ?? "")?.[1];
  const date = iso ? new Date(iso) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

export const isActive = (account: MinioServiceAccount): boolean => account.accountStatus !== "off";

/** MinIO as the backend of key handovers (see ../iam/key-handover.ts). */
export function minioKeyBackend(admin: MinioAdmin, userName: string): KeyBackend {
  const mc = (words: string) => `mc admin user svcacct ${words}`;
  return {
    userName,
    createKey: async () => {
      const key = newMinioKey();
      await addServiceAccount(admin, {
        targetUser: userName,
        accessKey: key.accessKeyId,
        secretKey: key.secretAccessKey,
        name: KEY_NAME,
        description: key.description,
      });
      return {
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        createDate: key.createDate,
      };
    },
    deleteKey: (id) => deleteServiceAccount(admin, id),
    deactivateKey: (id) => setServiceAccountStatus(admin, id, "off"),
    commands: {
      deleteKey: (id) => mc(`rm ALIAS ${id}`),
      deactivateKey: (id) => mc(`disable ALIAS ${id}`),
      listKeys: () => mc(`ls ALIAS ${userName}`),
    },
  };
}
