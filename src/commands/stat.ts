import { statObject } from "../core/objects/head.js";
import { parseS3Location } from "../core/s3/location.js";
import { formatBytes } from "../core/s3/size.js";
import { renderFields } from "../io/table.js";
import { defineCommand } from "./context.js";

export default defineCommand({
  examples: [
    "s3kit stat s3://my-app-uploads/images/logo.png",
    "s3kit stat s3://my-app-uploads/images/logo.png --json | jq .metadata",
  ],
  notes: [
    "JSON: {location, bucket, key, size, contentType, etag, lastModified, storageClass, encryption: {algorithm, kmsKeyId, bucketKeyEnabled}, metadata, cacheControl, contentEncoding, contentDisposition, versionId, checksums, checksumType, parts}.",
  ],
  configure(cmd) {
    cmd
      .description(
        "Show an object's metadata (HeadObject): size, content type, ETag, last modified, storage class, encryption, checksums and user metadata. A missing object or bucket exits 3 and says which.",
      )
      .argument("<location>", "s3://BUCKET/KEY");
  },
  async run(ctx, args) {
    const location = parseS3Location(args[0] as string, { needKey: true });
    const stat = await statObject(await ctx.aws(), location);
    ctx.out.result(stat, (s) => {
      const encryption = s.encryption.algorithm
        ? `${s.encryption.algorithm}${s.encryption.kmsKeyId ? ` (key ${s.encryption.kmsKeyId})` : ""}${s.encryption.bucketKeyEnabled ? ", bucket key" : ""}`
        : "none reported";
      const fields: [string, string][] = [
        ["Location", s.location],
        [
          "Size",
          `${s.size.toLocaleString("en-US")} bytes${s.size >= 1024 ? ` (${formatBytes(s.size)})` : ""}`,
        ],
        ["Content-Type", s.contentType ?? "-"],
        ["ETag", s.etag ?? "-"],
        ["Last modified", s.lastModified ?? "-"],
        ["Storage class", s.storageClass],
        ["Encryption", encryption],
      ];
      if (s.parts !== null) fields.push(["Parts", String(s.parts)]);
      if (s.cacheControl) fields.push(["Cache-Control", s.cacheControl]);
      if (s.contentEncoding) fields.push(["Content-Encoding", s.contentEncoding]);
      if (s.contentDisposition) fields.push(["Content-Disposition", s.contentDisposition]);
      if (s.versionId) fields.push(["Version", s.versionId]);
      for (const [algorithm, value] of Object.entries(s.checksums)) {
        fields.push([
          `Checksum`,
          `${algorithm} ${value}${s.checksumType ? ` (${s.checksumType.toLowerCase().replace("_", " ")})` : ""}`,
        ]);
      }
      const metadata = Object.entries(s.metadata);
      fields.push([
        "Metadata",
        metadata.length === 0 ? "none" : metadata.map(([k, v]) => `${k}=${v}`).join(", "),
      ]);
      return renderFields(fields);
    });
    return undefined;
  },
});
