import { describe, expect, it } from "vitest";
import { parseListPage } from "../../../src/core/sync/list-page.js";

const object = (key: string, extra = "") =>
  `<Contents><Key>${key}</Key><LastModified>2024-03-01T09:12:44.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>${extra}<Size>10240</Size><Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>`;

describe("reading a ListObjectsV2 page", () => {
  it("reads keys, sizes, ETags, times and the continuation, as S3 writes them", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>${object("p%2Fa+b.txt", "<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>")}${object("p%2F%F0%9F%98%80")}<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><StartAfter></StartAfter></ListBucketResult>`;
    expect(parseListPage(xml)).toEqual({
      contents: [
        {
          key: "p%2Fa+b.txt",
          size: 10240,
          etag: '"9b2cf535f27731c974343645a3985328"',
          lastModifiedMs: Date.parse("2024-03-01T09:12:44.000Z"),
          storageClass: "STANDARD",
        },
        expect.objectContaining({ key: "p%2F%F0%9F%98%80" }),
      ],
      isTruncated: true,
      nextContinuationToken: "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=",
      encodingType: "url",
    });
  });

  it("reads indented answers, decodes entities, and takes an empty page", () => {
    const xml = `<ListBucketResult>\n  <Name>b</Name>\n  <IsTruncated>false</IsTruncated>\n  <Contents>\n    <Key>a &amp; b &lt;c&gt; &#13;&#x1F600;</Key>\n    <Size>0</Size>\n  </Contents>\n</ListBucketResult>`;
    expect(parseListPage(xml)).toEqual({
      contents: [
        {
          key: "a & b <c> \r😀",
          size: 0,
          etag: undefined,
          lastModifiedMs: undefined,
          storageClass: undefined,
        },
      ],
      isTruncated: false,
      nextContinuationToken: undefined,
      encodingType: undefined,
    });
    expect(parseListPage("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>")).toEqual({
      contents: [],
      isTruncated: false,
      nextContinuationToken: undefined,
      encodingType: undefined,
    });
  });

  it.each([
    ["not a listing", "<Error><Code>AccessDenied</Code></Error>"],
    ["a truncated document", `<ListBucketResult>${object("a")}`],
    [
      "a count that does not match",
      `<ListBucketResult><KeyCount>3</KeyCount>${object("a")}</ListBucketResult>`,
    ],
    [
      "a delimited listing",
      "<ListBucketResult><CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes></ListBucketResult>",
    ],
    [
      "CDATA",
      "<ListBucketResult><Contents><Key><![CDATA[a]]></Key><Size>1</Size></Contents></ListBucketResult>",
    ],
    [
      "a size that is no number",
      "<ListBucketResult><Contents><Key>a</Key><Size>x</Size></Contents></ListBucketResult>",
    ],
    [
      "a Contents with attributes",
      '<ListBucketResult><Contents a="1"><Key>a</Key><Size>1</Size></Contents></ListBucketResult>',
    ],
    [
      "an unreadable date",
      "<ListBucketResult><Contents><Key>a</Key><Size>1</Size><LastModified>soon</LastModified></Contents></ListBucketResult>",
    ],
  ])("leaves %s to the SDK", (_what, xml) => {
    expect(parseListPage(xml)).toBe(undefined);
  });
});
