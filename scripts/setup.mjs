// Installs the local test tools: moto server and cfn-lint into .venv, versitygw and MinIO into .tools/bin.
import { ensureCfnLint, ensureMinio, ensureMoto, ensureVersitygw } from "./servers.mjs";

ensureMoto();
ensureVersitygw();
ensureMinio();
ensureCfnLint();
process.stderr.write("Local servers are installed (.venv, .tools/bin).\n");
