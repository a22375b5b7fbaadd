import { describe, expect, it } from "vitest";
import { streamPartSize } from "../../../src/core/objects/engine/upload-stream.js";
import {
  DEFAULT_TUNING,
  downloadRangeSize,
  MAX_PARTS,
  parseObjectSettings,
  parseTuning,
  partSizeFor,
  tuningFor,
  uploadPartSize,
} from "../../../src/core/objects/settings.js";
import { GiB, MiB } from "../../../src/core/s3/size.js";

describe("parseTuning", () => {
  it("has defaults", () => {
    expect(parseTuning({})).toEqual(DEFAULT_TUNING);
    expect(DEFAULT_TUNING.multipartThreshold).toBe(8 * MiB);
    // Downloads use larger ranges unless --part-size says otherwise.
    expect(DEFAULT_TUNING.rangeSize).toBe(16 * MiB);
  });

  it("reads sizes and concurrency", () => {
    expect(
      parseTuning({ multipartThreshold: "16MiB", partSize: "10MB", concurrency: "4" }),
    ).toEqual({
      multipartThreshold: 16 * MiB,
      partSize: 10 * MiB,
      partSizeGiven: true,
      rangeSize: 10 * MiB,
      concurrency: 4,
    });
  });

  it.each([
    [{ concurrency: "0" }, /--concurrency "0" is not a whole number from 1 to 64/],
    [{ concurrency: "-2" }, /--concurrency "-2"/],
    [{ concurrency: "1.5" }, /--concurrency "1.5"/],
    [{ concurrency: "many" }, /--concurrency "many"/],
    [{ concurrency: "65" }, /--concurrency "65"/],
    [{ partSize: "1MiB" }, /--part-size 1MiB is outside S3's limits/],
    [{ partSize: "6GiB" }, /outside S3's limits/],
    [{ partSize: "-5MiB" }, /--part-size "-5MiB" is negative/],
    [{ multipartThreshold: "big" }, /--multipart-threshold "big" is not a size/],
    [{ multipartThreshold: "6GiB" }, /above 5 GiB/],
  ])("rejects %j", (raw, message) => {
    expect(() => parseTuning(raw)).toThrow(message);
  });
});

describe("part sizes", () => {
  it("keeps the chosen part size while it fits in 10,000 parts", () => {
    expect(partSizeFor(64 * MiB, 8 * MiB)).toBe(8 * MiB);
    expect(partSizeFor(8 * MiB * MAX_PARTS, 8 * MiB)).toBe(8 * MiB);
  });

  it("grows the part size (to whole MiB) to stay under 10,000 parts", () => {
    const size = 100 * GiB;
    const part = partSizeFor(size, 8 * MiB);
    expect(part % MiB).toBe(0);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(MAX_PARTS);
    expect(part).toBeGreaterThan(8 * MiB);
    const fiveTiB = 5 * 1024 * GiB;
    expect(Math.ceil(fiveTiB / partSizeFor(fiveTiB, 8 * MiB))).toBeLessThanOrEqual(MAX_PARTS);
  });

  it("doubles the part size of a stream every 1,000 parts, so 10,000 parts reach 5 TiB", () => {
    expect(streamPartSize(8 * MiB, 0)).toBe(8 * MiB);
    expect(streamPartSize(8 * MiB, 999)).toBe(8 * MiB);
    expect(streamPartSize(8 * MiB, 1000)).toBe(16 * MiB);
    let total = 0;
    for (let i = 0; i < MAX_PARTS; i++) total += streamPartSize(8 * MiB, i);
    expect(total).toBeGreaterThanOrEqual(5 * 1024 * GiB);
    expect(streamPartSize(8 * MiB, 9999)).toBeLessThanOrEqual(5 * GiB);
  });
});

describe("parseObjectSettings", () => {
  it("reads every setting", () => {
    expect(
      parseObjectSettings({
        contentType: "text/html; charset=utf-8",
        metadata: ["Owner=alice", "build=42"],
        cacheControl: "public, max-age=60",
        storageClass: "standard_ia",
        kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/abc",
        checksum: "CRC64NVME",
      }),
    ).toEqual({
      contentType: "text/html; charset=utf-8",
      metadata: { owner: "alice", build: "42" },
      cacheControl: "public, max-age=60",
      storageClass: "STANDARD_IA",
      sse: "aws:kms",
      kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc",
      checksum: "crc64nvme",
    });
    expect(parseObjectSettings({ sse: "aes256" }).sse).toBe("AES256");
    expect(parseObjectSettings({ checksum: "crc-32c" }).checksum).toBe("crc32c");
  });

  it.each([
    [{ metadata: ["novalue"] }, /--metadata "novalue" is not a valid KEY=VALUE pair/],
    [{ metadata: ["owner=a", "Owner=b"] }, /--metadata gives "owner" twice, with different values/],
    [{ metadata: ["bad key=1"] }, /not a valid KEY=VALUE/],
    [{ metadata: ["k=caf\u00e9"] }, /not a valid KEY=VALUE/],
    [{ storageClass: "FAST" }, /--storage-class "FAST" is not an S3 storage class/],
    [{ sse: "rot13" }, /--sse "rot13" is not a server-side encryption mode/],
    [{ sse: "AES256", kmsKey: "k" }, /--kms-key needs KMS encryption/],
    [{ checksum: "md5" }, /--checksum "md5" is not a checksum algorithm/],
    [{ contentType: "" }, /--content-type "" is not a valid content type/],
    [{ cacheControl: "a\nb" }, /--cache-control/],
  ])("rejects %j", (raw, message) => {
    expect(() => parseObjectSettings(raw)).toThrow(message);
  });
});

describe("tuning for where the endpoint is", () => {
  it("keeps many streams over a network and two on loopback", () => {
    const remote = tuningFor(parseTuning({}), false);
    expect(remote).toMatchObject({ rangesPerFile: 8, partsPerFile: 16, partSize: 8 * MiB });
    expect(remote.largestPart).toBeUndefined();
    const local = tuningFor(parseTuning({}), true);
    expect(local).toMatchObject({ rangesPerFile: 2, partsPerFile: 2, largestPart: 32 * MiB });
  });

  it("grows loopback parts with the file up to 32 MiB, and never past --part-size", () => {
    const local = tuningFor(parseTuning({}), true);
    expect(uploadPartSize(9 * MiB, local)).toBe(8 * MiB);
    expect(uploadPartSize(40 * MiB, local)).toBe(20 * MiB);
    expect(uploadPartSize(1024 * MiB, local)).toBe(32 * MiB);
    // 10,000 parts still hold the file.
    expect(uploadPartSize(1024 * 1024 * MiB, local)).toBe(105 * MiB);
    const given = tuningFor(parseTuning({ partSize: "5MiB" }), true);
    expect(uploadPartSize(1024 * MiB, given)).toBe(5 * MiB);
    expect(uploadPartSize(1024 * MiB, tuningFor(parseTuning({}), false))).toBe(8 * MiB);
  });
});

describe("download range size", () => {
  it("grows loopback ranges to a quarter of the file, up to 256 MiB; keeps 16 MiB elsewhere", () => {
    const local = tuningFor(parseTuning({}), true);
    expect(downloadRangeSize(20 * MiB, local)).toBe(16 * MiB);
    expect(downloadRangeSize(200 * MiB, local)).toBe(50 * MiB);
    expect(downloadRangeSize(4096 * MiB, local)).toBe(256 * MiB);
    expect(downloadRangeSize(4096 * MiB, tuningFor(parseTuning({}), false))).toBe(16 * MiB);
    const given = tuningFor(parseTuning({ partSize: "5MiB" }), true);
    expect(downloadRangeSize(4096 * MiB, given)).toBe(5 * MiB);
  });
});
