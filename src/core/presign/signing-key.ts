import { createHmac } from "node:crypto";

/**
 * SigV4 signing keys. A key is HMAC-chained from the secret through the date
 * (YYYYMMDD), region, service and "aws4_request"; it changes once a day, so one
 * derivation serves every URL signed that day for the same region. This cache
 * keeps the keys of one set of credentials, keyed by day and region.
 */
export class SigningKeyCache {
  readonly #secretAccessKey: string;
  readonly #service: string;
  readonly #keys = new Map<string, Buffer>();
  /** How many keys were derived; lets tests prove a batch derives only once. */
  derivations = 0;

  constructor(secretAccessKey: string, service = "s3") {
    this.#secretAccessKey = secretAccessKey;
    this.#service = service;
  }

  get(shortDate: string, region: string): Buffer {
    const id = `${shortDate}/${region}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = deriveSigningKey(this.#secretAccessKey, shortDate, region, this.#service);
      this.derivations++;
      // Days roll over and batches rarely span more than two; a small bound keeps a
      // long-running process from growing the map forever.
      if (this.#keys.size >= 8) this.#keys.clear();
      this.#keys.set(id, key);
    }
    return key;
  }
}

export function deriveSigningKey(
  secretAccessKey: string,
  shortDate: string,
  region: string,
  service: string,
): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, shortDate);
  const regionKey = hmac(dateKey, region);
  const serviceKey = hmac(regionKey, service);
  return hmac(serviceKey, "aws4_request");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}
