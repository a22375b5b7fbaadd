import { resolve } from "node:path";
import { UsageError } from "../../core/errors.js";
import { type Rotated, rotateDeveloperKey } from "../../core/iam/backend.js";
import type { UnsavedKey } from "../../core/iam/credentials.js";
import {
  type Delivery,
  deliverCredentials,
  parseCredentialFormat,
  parseEnvStyle,
  precheckCredentialsFile,
} from "../../core/iam/credentials.js";
import { appCredentialValues, type RotationContext } from "../../core/iam/dev-users.js";
import { KeyNotSavedError, type NewAccessKey } from "../../core/iam/key-handover.js";
import { assertValidIamName, maskKeyId } from "../../core/iam/names.js";
import { checkSecretFileTarget } from "../../core/iam/secret-file.js";
import { confirm } from "../../io/prompt.js";
import { defineCommand } from "../context.js";
import { credentialOptions } from "../options/credentials.js";
import { declareOptions, flag, type OptionsOf, value } from "../options/spec.js";
import { printUnsavedKey } from "../render/unsaved-key.js";

const options = {
  deleteOld: flag("--delete-old", "delete the old key instead of making it inactive"),
  keepOld: flag("--keep-old", "leave the old key active (delete it later with --delete-old)"),
  keyId: value("--key-id", "id", "the key to replace, when the user has two"),
  ...credentialOptions,
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit iam rotate-key alice --out .env",
    "s3kit iam rotate-key alice --keep-old --format shell   # old key stays active for a grace period",
    "s3kit iam rotate-key ci --delete-old --format json --yes",
  ],
  configure(cmd) {
    cmd
      .description(
        "Create a new access key for a user, hand it over like `iam add-dev` does (printed once,\nor merged into --out), then make the old key inactive (--delete-old deletes it,\n--keep-old leaves it active so apps can move over first). A --out file that holds the\nold key is updated in place.",
      )
      .argument("<name>", "IAM user name");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const userName = String(args[0]);
    assertValidIamName(userName, "user");
    if (opts.deleteOld && opts.keepOld) {
      throw new UsageError(
        "--delete-old and --keep-old contradict each other.",
        "Give one of them.",
      );
    }
    const format = parseCredentialFormat(opts.format);
    const style = parseEnvStyle(opts.envStyle);
    const outPath = opts.out ? resolve(ctx.cwd, opts.out) : undefined;
    // Before any call: a path that cannot take the file stops the run with nothing created.
    if (outPath) checkSecretFileTarget(outPath);

    const aws = await ctx.aws();
    // The file may hold this user's current key (that is what rotation replaces), nobody else's.
    const precheck = outPath
      ? (keyIds: string[]) =>
          precheckCredentialsFile(outPath, format, style, {
            force: opts.force === true,
            profileName: userName,
            replaceableKeyIds: keyIds,
          })
      : undefined;
    const render = (key: NewAccessKey, context: RotationContext, path?: string) =>
      deliverCredentials({
        format,
        style,
        values: appCredentialValues(aws, userName, key, context.bucket),
        ...(path ? { outPath: path } : {}),
        force: opts.force === true,
        replaceableKeyIds: context.previousKeyIds,
      });
    let rotated: { backend: "aws-iam" | "minio"; result: Rotated<Delivery> };
    try {
      rotated = await rotateDeveloperKey(
        aws,
        {
          userName,
          old: opts.deleteOld ? "delete" : opts.keepOld ? "keep" : "deactivate",
          ...(opts.keyId ? { keyId: opts.keyId } : {}),
          confirm: (question) => confirm(ctx.out, question, { yes: ctx.globals.yes }),
          onStep: (message) => ctx.out.success(message),
          ...(outPath ? { destination: outPath } : {}),
          deliver: (key, context) => {
            const delivery = render(key, context, outPath);
            if (delivery.file) {
              ctx.out.success(
                `credentials ${delivery.file.created ? "written to" : "merged into"} ${opts.out} (mode 0600)`,
              );
            }
            return delivery;
          },
          show: (key, context) => ({ accessKey: key, delivery: render(key, context) }),
          signal: ctx.signal,
          onInterrupt: ctx.onInterrupt,
        },
        precheck,
      );
    } catch (err) {
      if (err instanceof KeyNotSavedError && err.unsaved) {
        printUnsavedKey(ctx.out, err.unsaved as UnsavedKey, userName);
      }
      throw err;
    }
    const { backend, result } = rotated;
    const delivery = result.delivery;
    const summary = {
      user: result.user,
      oldKey: result.oldKey
        ? { ...result.oldKey, accessKeyId: maskKeyId(result.oldKey.accessKeyId) }
        : null,
      removedInactiveKey: result.removedInactiveKey ? maskKeyId(result.removedInactiveKey) : null,
    };
    // The new key is out; the old one could not be retired: say so last, and fail.
    const done = (): number | undefined => {
      if (!result.oldKeyError) return undefined;
      ctx.out.error(result.oldKeyError.toJSON());
      return result.oldKeyError.exitCode;
    };
    if (result.oldKey?.status === "active" && !result.oldKeyError) {
      const id = result.oldKey.accessKeyId;
      const command =
        backend === "minio"
          ? `mc admin user svcacct disable ALIAS ${id}`
          : `aws iam update-access-key --user-name ${userName} --access-key-id ${id} --status Inactive`;
      ctx.out.hint(
        `The old key ${maskKeyId(id)} stays active. When every app uses the new key: ${command}`,
      );
    }
    if (delivery.file) {
      ctx.out.result(
        {
          ...summary,
          accessKey: {
            accessKeyId: result.accessKey.accessKeyId,
            createDate: result.accessKey.createDate,
          },
          file: delivery.file,
        },
        () => undefined,
      );
      return done();
    }
    if (ctx.out.json) {
      ctx.out.jsonDocument({
        ...summary,
        accessKey: result.accessKey,
        variables: delivery.variables,
      });
    } else {
      ctx.out.data(delivery.text ?? "");
    }
    ctx.out.warn("the secret access key is shown only this once; store it now.");
    return done();
  },
});
