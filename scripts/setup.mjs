// Installs the local test tools: moto server, cfn-lint and the handover tests' app libraries
// (pydantic-settings, python-dotenv) into .venv; versitygw, MinIO and the
// current Node LTS (for a second test run) into .tools.
import {
  ensureAppLibraries,
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
ensureAppLibraries();
ensureNodeLts();
process.stderr.write("Local servers are installed (.venv, .tools/bin).\n");
