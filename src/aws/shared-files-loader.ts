import { loadSharedConfigFiles } from "@smithy/core/config";
import type { SharedFilePaths } from "./profile-config.js";

// Its own module, imported on demand, so that only the SDK's file loader comes with it (the
// package's entry point would bring its HTTP and instance-metadata code too).

export function loadSharedFiles(paths: SharedFilePaths) {
  return loadSharedConfigFiles({ filepath: paths.credentials, configFilepath: paths.config });
}
