// Loaded with `node --require`: records every module file the process loads, so a test can
// check that a command loads only the code it needs.
const Module = require("node:module");
const { appendFileSync } = require("node:fs");

const load = Module.prototype.load;
Module.prototype.load = function traced(filename) {
  if (process.env.S3KIT_TRACE_FILE) appendFileSync(process.env.S3KIT_TRACE_FILE, `${filename}\n`);
  return load.call(this, filename);
};
