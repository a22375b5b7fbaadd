// Installs the local test servers: moto server into .venv and versitygw into .tools/bin.
import { ensureMoto, ensureVersitygw } from "./servers.mjs";

ensureMoto();
ensureVersitygw();
process.stderr.write("Local servers are installed (.venv, .tools/bin).\n");
