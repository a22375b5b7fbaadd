// --concurrency of the commands that walk the account's IAM users (`iam list-devs`,
// `iam audit`): one pool of IAM calls, with backoff when IAM throttles.

import { DEFAULT_POOL_CONCURRENCY } from "../../core/concurrency.js";
import { value } from "./spec.js";

export const iamConcurrency = value("--concurrency", "n", "IAM calls in flight at once").default(
  String(DEFAULT_POOL_CONCURRENCY),
);
