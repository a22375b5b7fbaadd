// Rotation follows the file: whatever the variables of a .env or JSON file are called,
// the ones holding the old key ID are found by their value, and so are the ones holding
// its secret (the secret that goes with that key: named as the project names it, or
// named like the key's variable, e.g. S3_SECRET_ACCESS_KEY beside S3_ACCESS_KEY_ID, or
// the file's only secret). Pure: no I/O.

import { ConflictError } from "../errors.js";
import { maskKeyId } from "../iam/names.js";
import { PROJECT_FILE } from "./mapping.js";
import { knownNames } from "./styles.js";

export interface Entry {
  name: string;
  value: string;
}

export interface OldCredentials {
  /** Names holding one of the old key IDs. */
  keyNames: string[];
  /** The old secret (the one that goes with the key), when the file holds it. */
  secret: string | undefined;
  /** Every name holding that secret. */
  secretNames: string[];
}

const KEY_WORDS = new Set(["ACCESS", "SECRET", "KEY", "KEYID", "ID"]);

/** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY both have the stem AWS: they go together. */
export function nameStem(name: string): string {
  return name
    .toUpperCase()
    .split(/[_.-]+/)
    .filter((t) => t !== "" && !KEY_WORDS.has(t))
    .join("_");
}

const distinct = (entries: readonly Entry[]) => [...new Set(entries.map((e) => e.value))];

/**
 * Where the file holds the old key and its secret, or undefined when it holds none of the
 * old key IDs. `ownSecretNames` are the names the project gives the secret. Throws
 * ConflictError when the file holds several secrets and none is clearly the key's.
 */
export function findOldCredentials(
  path: string,
  entries: readonly Entry[],
  oldKeyIds: readonly string[],
  ownSecretNames: readonly string[] = [],
): OldCredentials | undefined {
  const old = new Set(oldKeyIds.filter((id) => id !== ""));
  const keys = entries.filter((e) => old.has(e.value.trim()));
  if (keys.length === 0) return undefined;
  const known = new Set([...knownNames("secret-access-key"), ...ownSecretNames]);
  const candidates = entries.filter(
    (e) =>
      e.value !== "" && !old.has(e.value.trim()) && (known.has(e.name) || /SECRET/i.test(e.name)),
  );
  const stems = new Set(keys.map((k) => nameStem(k.name)));
  const tiers = [
    candidates.filter((e) => ownSecretNames.includes(e.name)),
    candidates.filter((e) => stems.has(nameStem(e.name))),
    candidates,
  ];
  const tier = tiers.find((t) => t.length > 0) ?? [];
  const values = distinct(tier);
  if (values.length > 1) {
    const key = keys[0] as Entry;
    throw new ConflictError(
      `${path} holds the old key ${maskKeyId(key.value)} in ${keys.map((k) => k.name).join(", ")}, and several secrets (${tier.map((e) => e.name).join(", ")}); s3kit cannot tell which one is that key's.`,
      `Name the secret's variable in ${PROJECT_FILE} ({"env": {"variables": {"NAME": "secret-access-key"}}}) or with --env NAME=secret-access-key, then run the same command again. Nothing was changed.`,
      "AmbiguousSecret",
    );
  }
  const secret = values[0];
  return {
    keyNames: keys.map((k) => k.name),
    secret,
    secretNames:
      secret === undefined ? [] : entries.filter((e) => e.value === secret).map((e) => e.name),
  };
}
