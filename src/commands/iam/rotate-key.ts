import { resolve } from "node:path";
import { UsageError } from "../../core/errors.js";
import { rotateDeveloperKey } from "../../core/iam/backend.js";
import {
  CREDENTIAL_FORMATS,
  ENV_STYLES,
  parseCredentialFormat,
  parseEnvStyle,
} from "../../core/iam/credentials.js";
import { assertValidIamName, maskKeyId } from "../../core/iam/names.js";
import { confirm } from "../../io/prompt.js";
import { defineCommand } from "../context.js";

interface Options {
  deleteOld?: boolean;
  keepOld?: boolean;
  keyId?: string;
  format: string;
  envStyle: string;
  out?: string;
  force?: boolean;
}

export default defineCommand<Options>({
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
      .argument("<name>", "IAM user name")
      .option("--delete-old", "delete the old key instead of making it inactive")
      .option("--keep-old", "leave the old key active (delete it later with --delete-old)")
      .option("--key-id <id>", "the key to replace, when the user has two")
      .option("--format <format>", `credentials format: ${CREDENTIAL_FORMATS.join(", ")}`, "dotenv")
      .option("--env-style <style>", `variable names: ${ENV_STYLES.join(", ")}`, "aws")
      .option("--out <file>", "write the credentials into this file (merged, 0600)")
      .option("--force", "with --out: replace other credentials already in the file");
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

    const { backend, result, delivery } = await rotateDeveloperKey(await ctx.aws(), {
      userName,
      old: opts.deleteOld ? "delete" : opts.keepOld ? "keep" : "deactivate",
      ...(opts.keyId ? { keyId: opts.keyId } : {}),
      confirm: (question) => confirm(ctx.out, question, { yes: ctx.globals.yes }),
      onStep: (message) => ctx.out.success(message),
      delivery: {
        format,
        style,
        ...(outPath ? { outPath } : {}),
        force: opts.force === true,
      },
    });
    const summary = {
      user: result.user,
      oldKey: result.oldKey
        ? { ...result.oldKey, accessKeyId: maskKeyId(result.oldKey.accessKeyId) }
        : null,
      removedInactiveKey: result.removedInactiveKey ? maskKeyId(result.removedInactiveKey) : null,
    };
    if (result.oldKey?.status === "active") {
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
      ctx.out.success(
        `credentials ${delivery.file.created ? "written to" : "merged into"} ${opts.out} (mode 0600)`,
      );
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
      return undefined;
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
    return undefined;
  },
});
