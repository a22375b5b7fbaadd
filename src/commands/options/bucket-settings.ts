// The bucket settings that `bucket create` and `init` both ask for, and --strict for
// settings the endpoint does not support. Descriptions are bucket create's; init says
// them its own way.

import { flag, list, value } from "./spec.js";

export const bucketSettings = {
  generateName: flag(
    "--generate-name",
    "make a unique name ENV-PROJECT-xxxxxx (needs --env and --project)",
  ),
  project: value("--project", "project", "project part of a generated name, e.g. shop"),
  versioning: flag("--versioning", "enable versioning"),
  corsOrigin: list(
    "--cors-origin",
    "url",
    "allow these browser origins (methods GET, PUT, POST, HEAD; headers *; exposes ETag; max-age 3600)",
  ),
  expireDays: value("--expire-days", "n", "delete objects N days after they were written"),
  expirePrefix: value("--expire-prefix", "prefix", "expire only objects under this prefix"),
  publicRead: flag(
    "--public-read",
    "make objects publicly readable with a bucket policy (needs --yes; ACL blocks stay on)",
  ),
  publicPrefix: value("--public-prefix", "prefix", "make only objects under this prefix public"),
  strict: flag(
    "--strict",
    "a setting the endpoint does not support is an error (exit 5; a bucket this run created is rolled back)",
  ),
};
