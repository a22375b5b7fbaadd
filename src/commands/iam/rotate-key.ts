import { resolve } from "node:path";
import { UsageError } from "../../core/errors.js";
import {
  chooseFormat,
  type Delivery,
  precheckCredentialsFile,
  type UnsavedKey,
} from "../../core/handover/deliver.js";
import type { CredentialFormat } from "../../core/handover/formats.js";
import { chooseNames, PROJECT_FILE, saveMapping } from "../../core/handover/project-file.js";
import { type Rotated, rotateDeveloperKey } from "../../core/iam/backend.js";
import { deliverRotatedKey } from "../../core/iam/deliver-key.js";
import { KeyNotSavedError } from "../../core/iam/key-handover.js";
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
    "s3kit iam rotate-key bob --out config/credentials.csv   # the file's own format and names",
  ],
  notes: [
    "Names come from --env, --env-style or .s3kit.json, as for add-dev. In the --out file, the secret replaced is the one the project names secret-access-key, else one named like the key's variable, else the file's only secret; other lines stay. A file with several secrets none of which is clearly the key's exits 5 before any key is made (name it in .s3kit.json). Anyone else's credentials need --force.",
    "Nothing is deactivated or deleted until the new secret is on disk (a temporary file in the same folder, flushed and renamed, mode 0600). If the write fails, the new key is deleted again and the old one stays active (should that deletion fail, the new secret is printed once on stdout). Ctrl-C before the new key is saved deletes it again (exit 130). If retiring the old key fails, the error says both keys work and prints the command that finishes the job.",
    "When the user has two keys, an inactive one is deleted to make room (after confirmation); two active keys exit 5. On MinIO the key is a service account of the user, so rotation works as on AWS.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Create a new access key for a user, hand it over like `iam add-dev` does (printed once, or merged into --out), then make the old key inactive (--delete-old deletes it, --keep-old leaves it active so apps can move over first). A --out file that holds the old key is updated in place, whatever its format and variable names: every variable (or profile, or CSV row) holding the old key ID or its secret gets the new one.",
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
    const outPath = opts.out ? resolve(ctx.cwd, opts.out) : undefined;
    const format = chooseFormat(opts.format, outPath);
    const names = chooseNames(ctx.cwd, { style: opts.envStyle, env: opts.env }, format);
    // Before any call: a path that cannot take the file stops the run with nothing created.
    if (outPath) checkSecretFileTarget(outPath);
    if (names.save) {
      saveMapping(ctx.cwd, names.mapping);
      ctx.out.info(
        `Variable names saved to ${PROJECT_FILE} (${names.changes.join(", ")}): later commands in this folder use them.`,
      );
    }

    const aws = await ctx.aws();
    const delivery = {
      format,
      mapping: names.mapping,
      namesChosen: names.namesChosen,
      force: opts.force === true,
    };
    // The file may hold this user's current key (that is what rotation replaces), nobody else's.
    const precheck = outPath
      ? (keyIds: string[]) =>
          precheckCredentialsFile(outPath, format, names.mapping, {
            force: opts.force === true,
            profileName: userName,
            replaceableKeyIds: keyIds,
          })
      : undefined;
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
            const written = deliverRotatedKey(aws, userName, delivery, key, context, outPath);
            if (written.file) {
              ctx.out.success(
                `credentials ${written.file.created ? "written to" : "merged into"} ${opts.out} (mode 0600)${describeReplaced(format, written.file.replaced)}`,
              );
            }
            return written;
          },
          show: (key, context): UnsavedKey => ({
            accessKey: key,
            delivery: deliverRotatedKey(aws, userName, delivery, key, context, undefined),
          }),
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
    const handedOver = result.delivery;
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
    if (handedOver.file) {
      ctx.out.result(
        {
          ...summary,
          accessKey: {
            accessKeyId: result.accessKey.accessKeyId,
            createDate: result.accessKey.createDate,
          },
          file: handedOver.file,
        },
        () => undefined,
      );
      return done();
    }
    if (ctx.out.json) {
      ctx.out.jsonDocument({
        ...summary,
        accessKey: result.accessKey,
        variables: handedOver.variables,
      });
    } else {
      ctx.out.data(handedOver.text ?? "");
    }
    ctx.out.warn("the secret access key is shown only this once; store it now.");
    return done();
  },
});

/** What a rotation changed in the file, in the file's own terms. */
function describeReplaced(format: CredentialFormat, replaced: readonly string[]): string {
  if (replaced.length === 0) return "";
  if (format === "csv") return ": the key's row replaced";
  if (format === "aws-profile")
    return `: profile ${replaced.map((p) => `[${p}]`).join(", ")} updated`;
  return `: ${replaced.join(", ")} replaced`;
}
