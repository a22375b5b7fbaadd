import { requireAwsIam } from "../../core/iam/backend.js";
import { prepareGrant } from "../../core/iam/grant.js";
import { assertValidIamName } from "../../core/iam/names.js";
import { addRole, assumeRoleProfile, parseTrust, TRUST_SERVICES } from "../../core/iam/roles.js";
import { confirm } from "../../io/prompt.js";
import { renderFields } from "../../io/table.js";
import { defineCommand } from "../context.js";
import { grantInput, grantOptions } from "../options/grant.js";
import { declareOptions, flag, type OptionsOf, value } from "../options/spec.js";

const options = {
  bucket: grantOptions.bucket,
  access: grantOptions.access,
  trust: value(
    "--trust",
    "who",
    `who may assume it: ${TRUST_SERVICES.join(", ")} or account:ID`,
  ).required(),
  prefix: grantOptions.prefix,
  perUserPrefix: grantOptions.perUserPrefix,
  kmsKey: grantOptions.kmsKey,
  sourceProfile: value(
    "--source-profile",
    "name",
    "source_profile in the printed config snippet",
  ).default("default"),
  adopt: flag("--adopt", "manage an existing role that s3kit did not create"),
};

const USE: Record<string, string> = {
  ec2: "Launch instances with the instance profile; the SDKs pick the role up from the instance metadata.",
  "ecs-tasks": "Set it as the task definition's taskRoleArn; the SDKs pick it up in the container.",
  lambda: "Use it as the function's execution role (add AWSLambdaBasicExecutionRole for logs).",
};

export default defineCommand<OptionsOf<typeof options>>({
  examples: [
    "s3kit iam add-role app-server --bucket my-app-uploads --access read-write --trust ec2",
    "s3kit iam add-role thumbnailer --bucket media --access read-write --prefix thumbs/ --trust lambda",
    "s3kit iam add-role auditors --bucket logs --access read --trust account:210987654321",
  ],
  notes: [
    "The trust policy is updated when --trust changes. With account:ID it prints a profile for the people who assume the role (role_arn, and source_profile from --source-profile). `iam list-devs` lists these roles, and `policy debug --role NAME` evaluates them.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Create (or converge) a role for a workload with the same least-privilege policy as `iam add-dev`, trusted by EC2, ECS tasks, Lambda, or another account. No long-lived keys: the workload assumes the role. For ec2 an instance profile is created too.",
      )
      .argument("<name>", "IAM role name (letters, digits and + = , . @ _ -)");
    declareOptions(cmd, options);
  },
  async run(ctx, args, opts) {
    const roleName = String(args[0]);
    assertValidIamName(roleName, "role");
    const grant = prepareGrant(grantInput(opts));
    const trust = parseTrust(opts.trust);
    const aws = await ctx.aws();
    await requireAwsIam(
      aws,
      "iam add-role",
      "MinIO has no IAM roles; give the workload its own keys with `s3kit iam add-dev`.",
    );
    const result = await addRole(aws, {
      roleName,
      grant,
      trust,
      adopt: opts.adopt === true,
      confirm: (question) => confirm(ctx.out, question, { yes: ctx.globals.yes }),
      onStep: (message) => ctx.out.success(message),
    });
    const profile =
      trust.kind === "account"
        ? assumeRoleProfile(roleName, result.role.arn, opts.sourceProfile)
        : null;
    ctx.out.result({ ...result, configProfile: profile }, (r) => {
      const fields = renderFields([
        ["Role", r.role.arn],
        ...(r.instanceProfile ? [["Instance profile", r.instanceProfile.arn] as const] : []),
        ["Policy", r.policy.arn],
      ]);
      if (profile) {
        return `${fields}\n\n# ~/.aws/config for people who assume it (their account must allow sts:AssumeRole on it):\n${profile}`;
      }
      return `${fields}\n\n# ${trust.kind === "service" ? USE[trust.service] : ""}`;
    });
    return undefined;
  },
});
