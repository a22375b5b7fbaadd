// Where a command's result goes besides stdout: infrastructure code instead of API calls
// (--emit), or a file (--out, --force to replace one).

import { IAC_FORMATS } from "../../core/iac/types.js";
import { choice, flag, value } from "./spec.js";

/** --emit FORMAT: print CloudFormation or Terraform instead of calling any API. */
export const emit = choice(
  "--emit",
  "format",
  "print the equivalent CloudFormation or Terraform instead of calling any API",
  IAC_FORMATS,
);

/** --out FILE and --force: each command says what it writes and what --force replaces. */
export const outputFile = {
  out: value("--out", "file", "write the result into this file"),
  force: flag("--force", "with --out: replace an existing file"),
};
