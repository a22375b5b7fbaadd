// Prints the bin folder of the current Node LTS (installed into .tools the first time), so that
// `PATH="$(node scripts/node-lts.mjs):$PATH" npm test` runs the tests on it.
import { ensureNodeLts } from "./servers.mjs";

process.stdout.write(`${ensureNodeLts()}\n`);
