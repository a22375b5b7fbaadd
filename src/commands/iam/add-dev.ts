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
  notes: [
    "The policy is s3kit-BUCKET-LEVEL[-PREFIX] at path /s3kit/ (another document gets a new default version; at five versions the oldest non-default one is deleted after confirmation or --yes), and its group has the same name. The user is tagged managed-by=s3kit, s3kit:bucket, s3kit:access, s3kit:prefix and s3kit:grant:BUCKET. One grant per bucket: a new level or prefix for the same bucket replaces the old one. A user s3kit did not create is refused unless --adopt; IAM allows two keys, so a third is an error.",
    "--policy-name: one name holds one grant (the policy's s3kit:grant tag). Another developer with the same grant shares the policy and group; another grant under that name, or a policy of that name s3kit did not make, exits 5 before anything changes. On MinIO, which keeps no tags, the name must start with s3kit-.",
    "  Variable names of each --env-style:\n  aws     AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,\n          AWS_DEFAULT_REGION, S3_BUCKET, AWS_S3_BUCKET_NAME, S3_PREFIX\n          (a prefix), AWS_ENDPOINT_URL (an endpoint other than AWS)\n  django  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_STORAGE_BUCKET_NAME,\n          AWS_S3_REGION_NAME, AWS_LOCATION (one prefix, as a folder name),\n          AWS_S3_ENDPOINT_URL (an endpoint other than AWS): django-storages\n  s3      S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET_NAME, S3_REGION,\n          S3_PREFIX, S3_ENDPOINT_URL\n  none    only the names of --env and .s3kit.json (with the key and the secret)",
    "--env NAME=FIELD: endpoint is the custom endpoint or AWS's regional one; prefix is the grant's prefix (the user's folder with --per-user-prefix; empty for the whole bucket); value:TEXT, true or false is a fixed value. An invalid name, an unknown field, two mappings for one name, or --env with --format csv or aws-profile exits 2 before any call. The names are saved to .s3kit.json for the commands that follow.",
    "Formats: dotenv, shell (export …), json, csv (the console's access-key file, which `aws configure import --csv` reads), aws-profile (a credentials-file section named after the user).",
    "Without --out the secret is printed once on stdout; it never appears in logs or --debug. --out merges into an existing file and keeps its other lines (KEY=value formats by name, json by key, aws-profile by section); credentials already there need --force. The path is checked before any call (a directory or a path under a file: exit 2; a read-only folder or a full disk: exit 1), and the file is written to a temporary file, flushed and renamed. If it still cannot be written, the new key is deleted again, and so is what this run created for a new user; should that fail too, the secret is printed once on stdout, so no key exists whose secret nobody has.",
    "The bucket must exist (exit 3). Bad input exits 2 before any call: a user name that is not 1-64 letters, digits and +=,.@_-, an unknown level, a --prefix with a leading / or a wildcard, an unknown --format or --env-style.",
    "On MinIO (told by the endpoint's answers) a developer is a canned policy and a group of that name, a MinIO user whose own secret nobody gets, and a service account of that user as the key. Names MinIO refuses (fewer than 3 characters, , or =) exit 2, --kms-key is refused, and settings MinIO lacks are left out of an admin grant with a warning. Endpoints with neither IAM nor MinIO's admin API (versitygw, R2) exit 2 before any change.",
    "JSON: {user, bucket, access, prefix, policy: {name, arn, status, versionId}, group, attachedTo, replacedGrant, accessKey: {accessKeyId, secretAccessKey, createDate}, variables} (with --out: file, and no secret).",
  ],
  configure(cmd) {
    cmd
      .description(
        "Give a developer access to a bucket: a least-privilege managed policy (the one `s3kit policy generate` makes), a group with it attached, the IAM user (path /s3kit/, tagged) in that group, and an access key. Re-running converges; an existing user gets no second key unless --new-key. The secret is shown once, or written to --out (mode 0600).",
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
