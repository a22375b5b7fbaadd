// Installs the local test tools: moto server and cfn-lint into .venv, versitygw into .tools/bin.
import { ensureCfnLint, ensureMoto, ensureVersitygw } from "./servers.mjs";

ensureMoto();
ensureVersitygw();
ensureCfnLint();
process.stderr.write("Local servers are installed (.venv, .tools/bin).\n");
