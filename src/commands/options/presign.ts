// The options `presign get` and `presign put` share: how long the URL works, a ready curl
// command, and --stdin batches (with --bucket, of keys).

import { DEFAULT_EXPIRES } from "../../core/presign/options.js";
import { bucket } from "./common.js";
import { flag, value } from "./spec.js";

export const presignOptions = {
  expires: value(
    "--expires",
    "duration",
    "how long the URL works: 900, 15m, 1h, 7d (at most 7d)",
  ).default(DEFAULT_EXPIRES),
  curl: value("--curl", "file", "print a curl command for FILE"),
  stdin: flag("--stdin", "sign one location per input line"),
  bucket: bucket.describe("with --stdin: every input line is a key in this bucket"),
};
