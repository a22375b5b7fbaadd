// What `iam add-dev`, `iam rotate-key` and `init` print when a new key could be neither
// saved nor deleted again: its secret, once, on stdout (the error on stderr says why).
import type { UnsavedKey } from "../../core/handover/deliver.js";
import type { Output } from "../../io/output.js";

export function printUnsavedKey(out: Output, unsaved: UnsavedKey, userName: string): void {
  if (out.json) {
    out.jsonDocument({
      user: { name: userName },
      saved: false,
      accessKey: unsaved.accessKey,
      variables: unsaved.delivery.variables,
    });
    return;
  }
  out.data(unsaved.delivery.text ?? "");
}
