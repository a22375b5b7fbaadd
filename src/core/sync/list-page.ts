/**
 * A ListObjectsV2 answer, read straight from its XML. The SDK's general XML reader costs
 * about 40 µs per key (a third of a no-op sync of 10,000 files, measured); this reads only
 * the fields a sync needs, in one pass. Anything it does not recognise makes it give up
 * (`undefined`), and the SDK reads the answer as usual.
 */
export interface ListedObjectXml {
  key: string;
  size: number;
  etag: string | undefined;
  lastModifiedMs: number | undefined;
  storageClass: string | undefined;
}

export interface ListedPageXml {
  contents: ListedObjectXml[];
  isTruncated: boolean;
  nextContinuationToken: string | undefined;
  encodingType: string | undefined;
}

export function parseListPage(xml: string): ListedPageXml | undefined {
  const rootAt = xml.indexOf("<ListBucketResult");
  if (rootAt === -1 || xml.indexOf("</ListBucketResult>", rootAt) === -1) return undefined;
  // Delimited listings and anything with CDATA are left to the SDK.
  if (xml.includes("<CommonPrefixes") || xml.includes("<![CDATA[")) return undefined;
  const contents: ListedObjectXml[] = [];
  let at = rootAt;
  let lastEnd = rootAt;
  // Top-level fields are read outside the Contents blocks only.
  let outside = "";
  for (;;) {
    const start = xml.indexOf("<Contents>", at);
    if (start === -1) break;
    const end = xml.indexOf("</Contents>", start);
    if (end === -1) return undefined;
    outside += xml.slice(lastEnd, start);
    const block = xml.slice(start + 10, end);
    const key = field(block, "Key");
    const size = field(block, "Size");
    if (key === undefined || size === undefined || !/^\d+$/.test(size)) return undefined;
    const modified = field(block, "LastModified");
    const lastModifiedMs = modified === undefined ? undefined : Date.parse(modified);
    if (lastModifiedMs !== undefined && Number.isNaN(lastModifiedMs)) return undefined;
    contents.push({
      key,
      size: Number(size),
      etag: field(block, "ETag"),
      lastModifiedMs,
      storageClass: field(block, "StorageClass"),
    });
    at = end + 11;
    lastEnd = at;
  }
  outside += xml.slice(lastEnd);
  if (outside.includes("<Contents")) return undefined;
  const keyCount = field(outside, "KeyCount");
  if (keyCount !== undefined && Number(keyCount) !== contents.length) return undefined;
  const truncated = field(outside, "IsTruncated");
  if (truncated !== undefined && truncated !== "true" && truncated !== "false") return undefined;
  return {
    contents,
    isTruncated: truncated === "true",
    nextContinuationToken: field(outside, "NextContinuationToken"),
    encodingType: field(outside, "EncodingType"),
  };
}

/** The text of the first `<name>…</name>` (or `<name/>`: ""), entities decoded. */
function field(xml: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = xml.indexOf(open);
  if (start === -1) return xml.includes(`<${name}/>`) ? "" : undefined;
  const end = xml.indexOf(`</${name}>`, start);
  if (end === -1) return undefined;
  const text = xml.slice(start + open.length, end);
  return text.includes("&") ? decodeEntities(text) : text;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return NAMED[entity] as string;
  });
}
