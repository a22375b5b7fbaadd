import { resolve } from "node:path";
import { UsageError } from "../../core/errors.js";
import {
  chooseFormat,
  precheckCredentialsFile,
  type UnsavedKey,
} from "../../core/handover/deliver.js";
import { FIELDS } from "../../core/handover/fields.js";
import { chooseNames, PROJECT_FILE, saveMapping } from "../../core/handover/project-file.js";
import { ENV_STYLES } from "../../core/handover/styles.js";
import { iacDeveloper, renderStack } from "../../core/iac/from-specs.js";
import { addDeveloper } from "../../core/iam/backend.js";
import { prepareGrant } from "../../core/iam/grant.js";
import { KeyNotSavedError } from "../../core/iam/key-handover.js";
import { assertValidIamName, describePrefixes } from "../../core/iam/names.js";
import { confirm } from "../../io/prompt.js";
import { renderFields } from "../../io/table.js";
import { defineCommand } from "../context.js";
import { credentialOptions } from "../options/credentials.js";
import { emit } from "../options/emit.js";
import { grantInput, grantOptions } from "../options/grant.js";
import { declareOptions, flag, negatable, type OptionsOf, value } from "../options/spec.js";
import { printUnsavedKey } from "../render/unsaved-key.js";

const options = {
  ...grantOptions,
  policyName: value(
    "--policy-name",
    "name",
    "name the managed policy and its group (default: s3kit-BUCKET-LEVEL[-PREFIX]); one name holds one grant",
  ),
  attach: value("--attach", "to", "attach the policy to a group (default) or the user").default(
    "group",
  ),
  key: negatable("--no-key", "create no access key"),
  newKey: flag("--new-key", "create another key for a user that has one already"),
  adopt: flag("--adopt", "manage an existing user that s3kit did not create"),
  format: credentialOptions.format,
  envStyle: credentialOptions.envStyle.describe(
    `variable names: ${ENV_STYLES.join(", ")} (aws: AWS_*; django: django-storages; s3: S3_*; none: only --env) (default: ${PROJECT_FILE}'s, or aws)`,
  ),
  env: credentialOptions.env.describe(
    `a variable of your own (repeatable), remembered in ${PROJECT_FILE}: fields ${FIELDS.join(", ")}, or value:TEXT (true/false as they are)`,
  ),
  out: credentialOptions.out.describe(
    "write the credentials into this file (merged into a .env, 0600)",
  ),
  force: credentialOptions.force.describe("with --out: replace credentials already in the file"),
  emit,
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit iam add-dev alice --bucket my-app-uploads --access read-write --out .env",
    "s3kit iam add-dev bob --bucket my-app-uploads --access read --prefix reports/",
    "s3kit iam add-dev ci --bucket my-app-uploads --access upload --format shell",
    "s3kit iam add-dev alice --bucket my-app-uploads --access read-write --emit cloudformation",
    "s3kit iam add-dev carol --bucket media --access read-write-delete --per-user-prefix --env-style django --out .env",
    "s3kit iam add-dev dave --bucket my-app-uploads --access read-write --env AWS_S3_BUCKET=bucket --env AWS_S3_USE_SSL=false --out .env",
  ],
  configure(cmd) {
    cmd
      .description(
        "Give a developer access to a bucket: a least-privilege managed policy (the one\n`s3kit policy generate` makes), a group with it attached, the IAM user (path /s3kit/,\ntagged) in that group, and an access key. Re-running converges; an existing user gets\nno second key unless --new-key. The secret is shown once, or written to --out (mode 0600).",
      )
      .argument("<name>", "IAM user name (letters, digits and + = , . @ _ -)");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const userName = String(args[0]);
    assertValidIamName(userName, "user");
    const grant = prepareGrant({
      ...grantInput(opts),
      ...(opts.policyName !== undefined ? { policyName: opts.policyName } : {}),
    });
    if (opts.attach !== "group" && opts.attach !== "user") {
      throw new UsageError(
        `Unknown --attach "${opts.attach}".`,
        "Use --attach group or --attach user.",
      );
    }
    const outPath = opts.out ? resolve(ctx.cwd, opts.out) : undefined;
    const format = chooseFormat(opts.format, outPath);
    const names = chooseNames(ctx.cwd, { style: opts.envStyle, env: opts.env }, format);
    if (opts.newKey && !opts.key) {
      throw new UsageError("--new-key and --no-key contradict each other.", "Give one of them.");
    }
    if (opts.emit) {
      const developer = iacDeveloper(userName, grant, { attach: opts.attach, createKey: opts.key });
      ctx.out.data(renderStack({ developers: [developer] }, opts.emit));
      return undefined;
    }
    if (outPath && opts.key) {
      precheckCredentialsFile(outPath, format, names.mapping, {
        force: opts.force === true,
        profileName: userName,
      });
    }
    if (names.save) {
      saveMapping(ctx.cwd, names.mapping);
      ctx.out.info(
        `Variable names saved to ${PROJECT_FILE} (${names.changes.join(", ")}): later commands in this folder use them.`,
      );
    }

    const aws = await ctx.aws();
    const { result, delivery } = await addDeveloper(aws, {
      userName,
      grant,
      attach: opts.attach,
      key: !opts.key ? "none" : opts.newKey ? "new" : "auto",
      adopt: opts.adopt === true,
      confirm: (question) => confirm(ctx.out, question, { yes: ctx.globals.yes }),
      onStep: (message) => ctx.out.success(message),
      onWarning: (message) => ctx.out.warn(message),
      delivery: {
        format,
        mapping: names.mapping,
        namesChosen: names.namesChosen,
        ...(outPath ? { outPath } : {}),
        force: opts.force === true,
      },
      signal: ctx.signal,
      onInterrupt: ctx.onInterrupt,
    }).catch((err: unknown) => {
      if (err instanceof KeyNotSavedError && err.unsaved) {
        printUnsavedKey(ctx.out, err.unsaved as UnsavedKey, userName);
      }
      throw err;
    });
    if (result.bucket.status === "other-region") {
      ctx.out.warn(
        `bucket ${grant.bucket} is in ${result.bucket.region ?? "another region"}, not ${aws.region}; apps must use that region.`,
      );
    }
    if (result.keySkipped && opts.key) ctx.out.info(`No new access key: ${result.keySkipped}.`);

    const summary = {
      user: result.user,
      bucket: grant.bucket,
      access: grant.access,
      prefix: describePrefixes(grant) || null,
      policy: result.policy,
      group: result.group ?? null,
      attachedTo: result.attachedTo,
      replacedGrant: result.replacedGrant ?? null,
    };
    if (!result.accessKey || !delivery) {
      ctx.out.result({ ...summary, accessKey: null }, () =>
        renderFields([
          ["User", result.user.arn ?? result.user.name],
          ["Policy", result.policy.arn ?? result.policy.name],
          ...(result.group ? [["Group", result.group.arn ?? result.group.name] as const] : []),
        ]),
      );
      return undefined;
    }

    const key = result.accessKey;
    if (delivery.file) {
      ctx.out.success(
        `credentials ${delivery.file.created ? "written to" : "merged into"} ${opts.out} (mode 0600)`,
      );
      ctx.out.result(
        {
          ...summary,
          accessKey: { accessKeyId: key.accessKeyId, createDate: key.createDate },
          file: delivery.file,
        },
        () => undefined,
      );
      return undefined;
    }
    if (ctx.out.json) {
      ctx.out.jsonDocument({
        ...summary,
        accessKey: { ...key },
        variables: delivery.variables,
      });
    } else {
      ctx.out.data(delivery.text ?? "");
    }
    ctx.out.warn("the secret access key is shown only this once; store it now.");
    return undefined;
  },
});
