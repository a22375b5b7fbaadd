// The AWS CLI command that does by hand what s3kit could not finish (an abort, a delete),
// for the same account, region and endpoint s3kit was talking to.

import type { Aws } from "../aws/clients.js";
import type { Service } from "../aws/settings.js";
import { shellQuote } from "./presign/curl-command.js";

// Control characters would act on the terminal and cannot be typed: ANSI-C quoting
// ($'…', bash and zsh) writes them as escapes, so the command stays exact and harmless.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A shell word for `value`, safe to print on a terminal and to paste back. */
export function commandWord(value: string): string {
  if (!CONTROL.test(value)) return shellQuote(value);
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === "'") out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0x80 && code <= 0x9f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `$'${out}'`;
}

/**
 * `aws <args>` with the region, the custom endpoint of `service` (if any) and the
 * profile s3kit used, quoted for a POSIX shell.
 */
export function awsCliCommand(aws: Aws, service: Service, args: readonly string[]): string {
  const words = ["aws", ...args, "--region", aws.region];
  const custom = aws.settings.endpoints[service]?.value;
  if (custom) words.push("--endpoint-url", custom);
  const profile = aws.settings.profile.value;
  if (profile) words.push("--profile", profile);
  return words.map(commandWord).join(" ");
}
