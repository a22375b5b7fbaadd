import { IAC_FORMATS } from "../../core/iac/types.js";
import { choice } from "./spec.js";

/** --emit FORMAT: print CloudFormation or Terraform instead of calling any API. */
export const emit = choice(
  "--emit",
  "format",
  "print the equivalent CloudFormation or Terraform instead of calling any API",
  IAC_FORMATS,
);
