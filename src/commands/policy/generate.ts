// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.

import { writePolicyFile } from "../../core/access/policy-files.js";
import { UsageError } from "../../core/errors.js";
import { ACCESS_LEVELS } from "../../core/policy/access-levels.js";
import { formatPolicyJson } from "../../core/policy/diff.js";
import {
  DEFAULT_SID_PREFIX,
  generatePolicy,
  isAccessLevel,
  PER_USER_FOLDER,
} from "../../core/policy/generate.js";
import { ACCESS_LEVEL_NAMES } from "../../core/policy/templates.js";
import { assertValidBucketName } from "../../core/s3/bucket-names.js";
import { wrapText } from "../../io/help-notes.js";
import { defineCommand } from "../context.js";
import { outputFile } from "../options/common.js";
import { grantOptions } from "../options/grant.js";
import { declareOptions, list, type OptionsOf, value } from "../options/spec.js";

const options = {
  bucket: grantOptions.bucket.describe("the bucket the policy is for"),
  access: grantOptions.access,
  prefix: list(
    "--prefix",
    "prefix",
    "limit object actions to keys under these prefixes, and listing to them (s3:prefix)",
  ),
  perUserPrefix: grantOptions.perUserPrefix.describe(
    `give each IAM user its own folder ${PER_USER_FOLDER} (not with --prefix)`,
  ),
  kmsKey: grantOptions.kmsKey.describe(
    "the bucket's SSE-KMS key: adds the KMS actions the level needs",
  ),
  sidPrefix: value(
    "--sid-prefix",
    "prefix",
    "prefix of every statement id (letters and digits)",
  ).default(DEFAULT_SID_PREFIX),
  out: outputFile.out.describe("write the policy to this file (mode 0644) instead of stdout"),
  force: outputFile.force,
};

type Options = OptionsOf<typeof options>;

/** A labelled list of actions, wrapped to the help width. */
function wrap(label: string, actions: readonly string[], indent: number, width = 80): string[] {
  const head = `${" ".repeat(indent)}${label.padEnd(9)} `;
  const pad = " ".repeat(head.length);
  const lines: string[] = [];
  let line = head;
  actions.forEach((action, i) => {
    const word = i < actions.length - 1 ? `${action},` : action;
    const sep = line === head || line === pad ? "" : " ";
    if (sep && line.length + 1 + word.length > width) {
      lines.push(line);
      line = pad + word;
    } else line += sep + word;
  });
  lines.push(line);
  return lines;
}

/** The access-level table of `--help`, generated from the same data as the policies. */
function levelsHelp(): string {
  const out = ["", "Access levels (--access) and the actions each grants:"];
  for (const name of ACCESS_LEVEL_NAMES) {
    const l = ACCESS_LEVELS[name];
    out.push(
      ...wrapText(`${name}: ${l.summary}`, 78, " ".repeat(name.length + 2)).map(
        (line) => `  ${line}`,
      ),
    );
    if (l.listActions.length > 0) out.push(...wrap("list", l.listActions, 4));
    if (l.bucketActions.length > 0) out.push(...wrap("bucket", l.bucketActions, 4));
    if (l.objectActions.length > 0) out.push(...wrap("objects", l.objectActions, 4));
    if (l.kmsActions.length > 0) out.push(...wrap("kms", l.kmsActions, 4));
  }
  out.push(
    "",
    "list actions act on the bucket ARN; with --prefix they are limited by an",
    "s3:prefix condition. objects actions act on arn:aws:s3:::BUCKET/* (or",
    "BUCKET/PREFIX*). kms actions are added only with --kms-key, on that key.",
  );
  return out.join("\n");
}

export default defineCommand<Options>({
  examples: [
    "s3kit policy generate --bucket my-app-uploads --access read-write",
    "s3kit policy generate --bucket my-app-uploads --access upload --prefix uploads/",
    "s3kit policy generate --bucket my-app-uploads --access read --per-user-prefix",
    "s3kit policy generate --bucket my-app-uploads --access read-write --kms-key arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab --out policy.json",
  ],
  notes: [
    "A --prefix is literal: write uploads/ for a folder; a leading / or a wildcard is an error. Clients must send the prefix when they list (the s3:prefix condition). --sid-prefix changes the S3kit prefix of the statement ids.",
    "Every generated policy passes `s3kit policy lint` with no findings. Bad input exits 2: an unknown level (the valid ones are listed), an invalid bucket name, a bad prefix, --prefix with --per-user-prefix. --out on an existing file without --force exits 5.",
    "JSON: the policy itself; with --out F, {out, policy} (out is the absolute path).",
  ],
  configure(cmd) {
    cmd
      .description(
        "Print a least-privilege IAM policy (JSON) for one bucket and access level. Pipe it into `s3kit policy lint -`, or attach it with `aws iam put-user-policy`.",
      )
      .addHelpText("after", levelsHelp());
    declareOptions(cmd, options);
  },
  async run(ctx, _args, opts) {
    if (!isAccessLevel(opts.access)) {
      throw new UsageError(
        `Unknown access level "${opts.access}".`,
        `Use one of: ${ACCESS_LEVEL_NAMES.join(", ")} (see s3kit policy generate --help).`,
        "UnknownAccessLevel",
      );
    }
    assertValidBucketName(opts.bucket);
    const prefixes = opts.prefix ?? [];
    if (prefixes.length > 0 && opts.perUserPrefix) {
      throw new UsageError(
        "--prefix and --per-user-prefix cannot be combined.",
        "Use --per-user-prefix alone for ${aws:username}/ folders, or --prefix for fixed prefixes.",
      );
    }
    if (opts.force && !opts.out) {
      throw new UsageError("--force only applies with --out.", "Add --out FILE, or drop --force.");
    }
    const policy = generatePolicy({
      bucket: opts.bucket,
      access: opts.access,
      prefixes,
      perUserPrefix: opts.perUserPrefix === true,
      ...(opts.kmsKey !== undefined ? { kmsKeyArn: opts.kmsKey } : {}),
      ...(opts.sidPrefix !== undefined ? { sidPrefix: opts.sidPrefix } : {}),
    });
    const text = `${formatPolicyJson(policy)}\n`;

    if (opts.out) {
      const path = await writePolicyFile(opts.out, text, {
        cwd: ctx.cwd,
        force: opts.force === true,
      });
      if (ctx.out.json) ctx.out.jsonDocument({ out: path, policy });
      else ctx.out.success(`Wrote the ${opts.access} policy for ${opts.bucket} to ${opts.out}.`);
    } else {
      ctx.out.result(policy, () => text);
    }
    if (
      (prefixes.length > 0 || opts.perUserPrefix) &&
      ACCESS_LEVELS[opts.access].listActions.length > 0
    ) {
      ctx.out.hint(
        "Listing is limited to the prefix: clients must send it (ListObjectsV2 Prefix=…, aws s3 ls s3://BUCKET/PREFIX).",
      );
    }
    return undefined;
  },
});
