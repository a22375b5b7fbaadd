import { removeDeveloper } from "../../core/iam/backend.js";
import { assertValidIamName } from "../../core/iam/names.js";
import { confirm } from "../../io/prompt.js";
import { defineCommand } from "../context.js";
import { declareOptions, flag, type OptionsOf } from "../options/spec.js";

const options = {
  ifExists: flag("--if-exists", "exit 0 when the user does not exist"),
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit iam remove-dev alice",
    "s3kit iam remove-dev alice --yes --if-exists   # in a script: no prompt, no error if gone",
  ],
  configure(cmd) {
    cmd
      .description(
        "Offboard a developer completely: delete their access keys (first, so they stop working), console password, MFA devices, signing certificates, SSH keys, service-specific credentials and inline policies; detach managed policies, remove them from groups, and delete the user. Asks first (--yes to skip). Groups and managed policies shared with others stay. A missing user exits 3, or 0 with --if-exists.",
      )
      .argument("<name>", "IAM user name");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const userName = String(args[0]);
    assertValidIamName(userName, "user");
    const result = await removeDeveloper(await ctx.aws(), {
      userName,
      ifExists: opts.ifExists === true,
      confirm: (question) => confirm(ctx.out, question, { yes: ctx.globals.yes }),
      onStep: (message) => ctx.out.success(message),
    });
    if (!result.removed) ctx.out.info(`User ${userName} does not exist; nothing to do.`);
    ctx.out.result(
      { user: userName, removed: result.removed, deleted: result.plan ?? null },
      () => undefined,
    );
    return undefined;
  },
});
