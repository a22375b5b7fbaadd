import { requireAwsIam } from "../../core/iam/backend.js";
import { prepareGrant } from "../../core/iam/grant.js";
import { assertValidIamName } from "../../core/iam/names.js";
import { addRole, assumeRoleProfile, parseTrust, TRUST_SERVICES } from "../../core/iam/roles.js";
import { PER_USER_FOLDER } from "../../core/policy/generate.js";
import { ACCESS_LEVEL_NAMES } from "../../core/policy/templates.js";
import { confirm } from "../../io/prompt.js";
import { renderFields } from "../../io/table.js";
import { defineCommand } from "../context.js";

interface Options {
  bucket: string;
  access: string;
  prefix: string[];
  perUserPrefix?: boolean;
  kmsKey?: string;
  trust: string;
  sourceProfile: string;
  adopt?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const USE: Record<string, string> = {
  ec2: "Launch instances with the instance profile; the SDKs pick the role up from the instance metadata.",
  "ecs-tasks": "Set it as the task definition's taskRoleArn; the SDKs pick it up in the container.",
  lambda: "Use it as the function's execution role (add AWSLambdaBasicExecutionRole for logs).",
};

export default defineCommand<Options>({
  examples: [
    "s3kit iam add-role app-server --bucket my-app-uploads --access read-write --trust ec2",
    "s3kit iam add-role thumbnailer --bucket media --access read-write --prefix thumbs/ --trust lambda",
    "s3kit iam add-role auditors --bucket logs --access read --trust account:210987654321",
  ],
  configure(cmd) {
    cmd
      .description(
        "Create (or converge) a role for a workload with the same least-privilege policy as\n`iam add-dev`, trusted by EC2, ECS tasks, Lambda, or another account. No long-lived keys:\nthe workload assumes the role. For ec2 an instance profile is created too.",
      )
      .argument("<name>", "IAM role name (letters, digits and + = , . @ _ -)")
      .requiredOption("--bucket <name>", "the bucket (it must exist)")
      .requiredOption("--access <level>", `access level: ${ACCESS_LEVEL_NAMES.join(", ")}`)
      .requiredOption(
        "--trust <who>",
        `who may assume it: ${TRUST_SERVICES.join(", ")} or account:ID`,
      )
      .option(
        "--prefix <prefix>",
        "limit access to keys under this prefix (repeatable)",
        collect,
        [],
      )
      .option("--per-user-prefix", `limit access to the folder ${PER_USER_FOLDER}`)
      .option("--kms-key <arn>", "the bucket's SSE-KMS key: adds the KMS permissions")
      .option("--source-profile <name>", "source_profile in the printed config snippet", "default")
      .option("--adopt", "manage an existing role that s3kit did not create");
  },
  async run(ctx, args, opts) {
    const roleName = String(args[0]);
    assertValidIamName(roleName, "role");
    const grant = prepareGrant({
      bucket: opts.bucket,
      access: opts.access,
      prefixes: opts.prefix,
      perUserPrefix: opts.perUserPrefix === true,
      ...(opts.kmsKey ? { kmsKeyArn: opts.kmsKey } : {}),
    });
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
