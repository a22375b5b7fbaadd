// Loaded with `node --import`: records every module file the process loads, so a test
// can check that a command imports only the SDK clients it needs.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  if (process.env.S3KIT_TRACE_FILE && url.startsWith("file:")) appendFileSync(process.env.S3KIT_TRACE_FILE, url + "\\n");
  return next(url, context);
}`)}`,
);
