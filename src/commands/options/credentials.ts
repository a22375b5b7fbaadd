// How a new access key is handed over: the format, the variable names, and the file it
// is merged into (`iam add-dev`, `iam rotate-key`; `init` takes --env-style).

import { CREDENTIAL_FORMATS, ENV_STYLES } from "../../core/iam/credentials.js";
import { outputFile } from "./common.js";
import { value } from "./spec.js";

export const credentialOptions = {
  format: value(
    "--format",
    "format",
    `credentials format: ${CREDENTIAL_FORMATS.join(", ")}`,
  ).default("dotenv"),
  envStyle: value("--env-style", "style", `variable names: ${ENV_STYLES.join(", ")}`).default(
    "aws",
  ),
  out: outputFile.out.describe("write the credentials into this file (merged, 0600)"),
  force: outputFile.force.describe("with --out: replace other credentials already in the file"),
};
