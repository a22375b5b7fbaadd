// Installs the local test tools: moto server and cfn-lint into .venv; versitygw, MinIO and the
// current Node LTS (for a second test run) into .tools.
import {
  ensureCfnLint,
  ensureMinio,
  ensureMoto,
  ensureNodeLts,
  ensureVersitygw,
} from "./servers.mjs";

ensureMoto();
ensureVersitygw();
ensureMinio();
ensureCfnLint();
ensureNodeLts();
process.stderr.write("Local servers are installed (.venv, .tools/bin).\n");
