// What the developer use-cases share on AWS IAM: looking a user up, the IAM key backend of
// key handovers (see key-handover.ts), and the errors they have in common.

import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetUserCommand,
  type IAMClient,
  UpdateAccessKeyCommand,
  type User,
} from "@aws-sdk/client-iam";
import type { Aws } from "../../aws/clients.js";
import { errorCodeOf, isNoSuchEntity } from "../../aws/errors.js";
import { awsCliCommand } from "../aws-cli-command.js";
import { ConflictError, ExitCode, NotFoundError, S3kitError } from "../errors.js";
import type { KeyBackend, NewAccessKey } from "./key-handover.js";
import type { ConfirmPrune } from "./policies.js";

/** IAM allows two access keys per user. */
export const MAX_ACCESS_KEYS = 2;

export type Confirm = ConfirmPrune;
export type StepReporter = (message: string) => void;

export async function getUser(iam: IAMClient, userName: string): Promise<User | undefined> {
  try {
    return (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

async function createKey(iam: IAMClient, userName: string): Promise<NewAccessKey> {
  try {
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
    return {
      accessKeyId: key?.AccessKeyId ?? "",
      secretAccessKey: key?.SecretAccessKey ?? "",
      createDate: (key?.CreateDate ?? new Date()).toISOString(),
    };
  } catch (err) {
    if (errorCodeOf(err) === "LimitExceeded") throw keyLimitError(userName);
    throw err;
  }
}

export function keyLimitError(userName: string): ConflictError {
  return new ConflictError(
    `${userName} already has ${MAX_ACCESS_KEYS} access keys, the most IAM allows.`,
    `Replace one with \`s3kit iam rotate-key ${userName} --delete-old\`, or delete an unused one (see \`s3kit iam list-devs\`).`,
    "AccessKeyLimit",
  );
}

/** IAM as the backend of key handovers (see key-handover.ts). */
export function iamKeyBackend(aws: Aws, iam: IAMClient, userName: string): KeyBackend {
  const UserName = userName;
  const cli = (args: string[]) => awsCliCommand(aws, "iam", args);
  return {
    userName,
    createKey: () => createKey(iam, userName),
    deleteKey: async (id) => {
      await ignoreMissing(() =>
        iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: id })),
      );
    },
    deactivateKey: async (id) => {
      await iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: id, Status: "Inactive" }));
    },
    commands: {
      deleteKey: (id) =>
        cli(["iam", "delete-access-key", "--user-name", userName, "--access-key-id", id]),
      deactivateKey: (id) =>
        cli([
          "iam",
          "update-access-key",
          "--user-name",
          userName,
          "--access-key-id",
          id,
          "--status",
          "Inactive",
        ]),
      listKeys: () => cli(["iam", "list-access-keys", "--user-name", userName]),
    },
  };
}

export async function ignoreMissing(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    if (isNoSuchEntity(err)) return false;
    throw err;
  }
}

export function userNotFound(userName: string): NotFoundError {
  return new NotFoundError(
    `IAM user ${userName} does not exist.`,
    "List the developers with `s3kit iam list-devs`.",
    "NoSuchUser",
  );
}

export function cancelled(): S3kitError {
  return new S3kitError({
    code: "Cancelled",
    message: "Cancelled; nothing was changed.",
    exitCode: ExitCode.failure,
  });
}

// --- remove-dev ------------------------------------------------------------------
