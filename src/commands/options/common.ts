// Options that need nothing from core: the global ones every command takes (DESIGN.md),
// and the bucket target and output file many commands share. program.ts loads this module
// for the global options, so the shared ones cost a command no extra file to load.

import { flag, negatable, type OptionsOf, value } from "./spec.js";

export const globalOptions = {
  profile: value("--profile", "name", "AWS profile from the shared config files"),
  region: value("--region", "region", "AWS region (default: from the profile or AWS_REGION)"),
  endpointUrl: value(
    "--endpoint-url",
    "url",
    "S3-compatible endpoint, e.g. http://127.0.0.1:9000 (MinIO, R2, moto)",
  ),
  pathStyle: flag(
    "--path-style",
    "put the bucket in the URL path (automatic for localhost and IPs)",
  ),
  json: flag("--json", "print one JSON document on stdout (errors as JSON on stderr)"),
  quiet: flag("-q, --quiet", "print only data and errors"),
  color: negatable("--no-color", "disable colours (also NO_COLOR)"),
  yes: flag("-y, --yes", "never prompt; answer yes to confirmations"),
  debug: flag("--debug", "log each API call to stderr (secrets redacted)"),
};

export type GlobalFlags = OptionsOf<typeof globalOptions>;

/** --bucket NAME: the bucket a command works on; each command says what it is for. */
export const bucket = value("--bucket", "name", "the bucket");

/** --out FILE and --force: each command says what it writes and what --force replaces. */
export const outputFile = {
  out: value("--out", "file", "write the result into this file"),
  force: flag("--force", "with --out: replace an existing file"),
};

/** --dry-run: each command says what it shows instead of doing it. */
export const dryRun = flag(
  "--dry-run",
  "print the plan (API calls and differences) and change nothing",
);

/** --env-file FILE: a file s3kit wrote; each command says what it takes from it. */
export const envFile = value(
  "--env-file",
  "file",
  "use the keys, region and endpoint of this file (any file s3kit wrote)",
);
