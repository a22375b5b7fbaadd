// The values an app needs besides the key, as the credentials file writes them.

import type { Aws } from "../../aws/clients.js";
import type { CredentialValues } from "./credentials.js";
import type { NewAccessKey } from "./key-handover.js";

/** What an app needs besides the key: region, endpoint (a custom one is named), bucket. */
export function appCredentialValues(
  aws: Aws,
  userName: string,
  key: NewAccessKey,
  bucket: string | undefined,
): CredentialValues {
  const values: CredentialValues = {
    userName,
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    region: aws.region,
    endpoint: aws.endpoint("s3"),
  };
  if (aws.usesCustomEndpoint) values.customEndpoint = aws.endpoint("s3");
  if (bucket) values.bucket = bucket;
  return values;
}
