// How a new access key is handed over: the format, the variable names (a style, the
// project's own names), and the file it is merged into (`iam add-dev`, `iam rotate-key`;
// `init` takes --env-style and --env).

import { FIELDS } from "../../core/handover/fields.js";
import { CREDENTIAL_FORMATS } from "../../core/handover/formats.js";
import { PROJECT_FILE } from "../../core/handover/project-file.js";
import { ENV_STYLES } from "../../core/handover/styles.js";
import { outputFile } from "./common.js";
import { repeatable, value } from "./spec.js";

export const credentialOptions = {
  format: value(
    "--format",
    "format",
    `credentials format: ${CREDENTIAL_FORMATS.join(", ")} (default: the --out file's, or dotenv)`,
  ),
  envStyle: value(
    "--env-style",
    "style",
    `variable names: ${ENV_STYLES.join(", ")} (default: ${PROJECT_FILE}'s, or aws)`,
  ),
  env: repeatable(
    "--env",
    "name=field",
    `a variable of your own (repeatable), remembered in ${PROJECT_FILE}: fields ${FIELDS.join(", ")}, or value:TEXT`,
  ),
  out: outputFile.out.describe("write the credentials into this file (merged, 0600)"),
  force: outputFile.force.describe("with --out: replace other credentials already in the file"),
};
