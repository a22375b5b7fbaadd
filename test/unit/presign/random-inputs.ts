/**
 * Seeded generators for the differential tests: the same seed gives the same
 * cases on every run, so a failure can be reproduced from its case number.
 */
import type {
  GetPresignOptions,
  PresignerConfig,
  PutPresignOptions,
} from "../../../src/core/presign/types.js";

export type Random = () => number;

/** mulberry32: tiny, fast, good enough to spread test inputs. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Random, min: number, max: number): number =>
  min + Math.floor(r() * (max - min + 1));
export const pick = <T>(r: Random, items: readonly T[]): T =>
  items[int(r, 0, items.length - 1)] as T;
const chance = (r: Random, p: number): boolean => r() < p;

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// Every printable ASCII character that is not alphanumeric, space included.
const ASCII_SPECIALS = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const UNICODE = [
  "é",
  "ü",
  "ß",
  "日本",
  "😀",
  "👩‍💻",
  "e\u0301", // combining accent
  "\u00a0", // no-break space
  "\u200b", // zero-width space
  "\u2028", // line separator
  "ﬁ",
  "Ω",
  "\t",
  "\n",
  "\u007f",
];
const SEGMENTS = ["", ".", "..", "a b", "+", "~", "*", "%20", "%2F", "a+b", "?x=1", "#frag", "="];

export function randomKey(r: Random): string {
  const parts: string[] = [];
  const n = int(r, 1, 6);
  for (let i = 0; i < n; i++) {
    if (chance(r, 0.15)) {
      parts.push(pick(r, SEGMENTS));
      continue;
    }
    let segment = "";
    const len = int(r, 1, 12);
    for (let j = 0; j < len; j++) {
      const roll = r();
      if (roll < 0.6) segment += ALNUM[int(r, 0, ALNUM.length - 1)];
      else if (roll < 0.85) segment += ASCII_SPECIALS[int(r, 0, ASCII_SPECIALS.length - 1)];
      else segment += pick(r, UNICODE);
    }
    parts.push(segment);
  }
  let key = parts.join("/");
  if (chance(r, 0.05)) key = `/${key}`;
  if (chance(r, 0.05)) key = `${key}/`;
  return key === "" ? "k" : key;
}

const LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";
function dnsLabel(r: Random, min: number, max: number): string {
  const len = int(r, min, max);
  let out = "";
  for (let i = 0; i < len; i++) {
    const inner = i > 0 && i < len - 1;
    out += inner && chance(r, 0.15) ? "-" : LOWER[int(r, 0, LOWER.length - 1)];
  }
  return out;
}

/** Bucket names across the addressing rules: DNS-compatible, dotted, and ones that force path style. */
export function randomBucket(r: Random): string {
  const kind = int(r, 0, 9);
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return dnsLabel(r, 3, 63);
    case 3:
      return `${dnsLabel(r, 3, 10)}.${dnsLabel(r, 3, 10)}`; // dotted, all labels hostable
    case 4:
      return `${dnsLabel(r, 1, 2)}.${dnsLabel(r, 3, 10)}`; // dotted, a short label
    case 5:
      return `My_${dnsLabel(r, 3, 10)}`; // legacy-style name: uppercase, underscore
    case 6:
      return dnsLabel(r, 64, 70); // too long for a DNS label
    case 7:
      return pick(r, ["ab", "abc-", "-abc", "192.168.1.1", "a b", "a+b", "é-bucket", "b!'()*"]);
    case 8:
      return `${dnsLabel(r, 3, 8)}--${dnsLabel(r, 3, 8)}`; // double hyphen, still hostable
    default:
      return pick(r, ["my-bucket", "example-bucket", "logs.example.com", "data"]);
  }
}

export const REGIONS = [
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "eu-central-2",
  "ap-southeast-2",
  "me-central-1",
  "il-central-1",
  "mx-central-1",
  "cn-north-1",
  "cn-northwest-1",
  "us-gov-west-1",
  "eusc-de-east-1",
  "us-iso-east-1",
  "us-isob-east-1",
  "eu-isoe-west-1",
  "us-isof-south-1",
  "mars-east-1", // no partition matches: the SDK falls back to "aws"
  "auto", // what Cloudflare R2 uses
];

export const ENDPOINTS: readonly string[] = [
  "http://127.0.0.1:9000",
  "http://localhost:9000",
  "http://LocalHost:9000/",
  "https://minio.example.com",
  "https://s3.example.com:8443/base",
  "http://storage.example.com/base/",
  "https://r2.example.com:443",
  "http://objects.example.com:80/",
  "http://[::1]:9000",
  "https://10.0.0.5",
  "http://127.1:9000",
];

/** A config for the region and endpoint given (random when omitted), other settings random. */
export function randomConfig(
  r: Random,
  region: string = pick(r, REGIONS),
  endpoint: string | undefined = chance(r, 0.5) ? undefined : pick(r, ENDPOINTS),
): PresignerConfig {
  const sessionToken = chance(r, 0.4)
    ? pick(r, [
        "FwoGZXIvYXdzEJr//////////wEaDHVzLWVhc3QtMSJHMEUCIQD+6/ab==",
        "token with spaces & symbols =+/",
        `IQoJb3JpZ2luX2Vj${"A".repeat(int(r, 100, 800))}==`,
      ])
    : undefined;
  return {
    credentials: {
      accessKeyId: pick(r, [
        "AKIDEXAMPLE",
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAXYZ0123456789ABC",
        "minioadmin",
      ]),
      secretAccessKey: pick(r, [
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "minioadmin",
        "s3cr3t/with+plus=and/slash",
      ]),
      sessionToken,
    },
    region,
    endpoint,
    forcePathStyle: chance(r, 0.25),
    signingDate: new Date(
      pick(r, [Date.UTC(2026, 0, 2, 3, 4, 5, 678), Date.UTC(2024, 1, 29, 23, 59, 59, 999)]) +
        int(r, 0, 86_400) * 1000,
    ),
  };
}

const TEXTS = [
  "text/plain",
  "image/png",
  "application/json; charset=utf-8",
  'attachment; filename="report 2026.pdf"',
  "inline; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
  "no-cache, max-age=0",
  "gzip",
  "de-CH",
  "väl ü/é 😀 +&=?#",
];

export function randomGetOptions(r: Random): GetPresignOptions {
  const o: GetPresignOptions = {
    expiresIn: pick(r, [1, 60, 900, 3600, 86_400, 604_800, int(r, 1, 604_800)]),
  };
  if (chance(r, 0.3))
    o.versionId = pick(r, ["3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", "null", "v1 /+=", "Ωmega"]);
  if (chance(r, 0.3)) o.responseContentType = pick(r, TEXTS);
  if (chance(r, 0.3)) o.responseContentDisposition = pick(r, TEXTS);
  if (chance(r, 0.15)) o.responseCacheControl = pick(r, TEXTS);
  if (chance(r, 0.15)) o.responseContentEncoding = pick(r, TEXTS);
  if (chance(r, 0.15)) o.responseContentLanguage = pick(r, TEXTS);
  return o;
}

const HEADER_SAFE = [
  "text/plain",
  "image/png",
  "application/json;  charset=utf-8",
  "  padded/type  ",
  "a\tb/c",
];
const META_NAMES = [
  "owner",
  "Project",
  "x_y",
  "a-b",
  "ID",
  "a.b",
  "a!",
  "a^",
  "a~",
  "zz",
  "a#$%&'*+`|",
];
const META_VALUES = [
  "alice",
  "",
  " spaced  value ",
  'a=b&c; q="x"',
  "+/=",
  "tab\there",
  "~!@#$%^&*()",
];

export function randomPutOptions(r: Random): PutPresignOptions {
  const o: PutPresignOptions = { expiresIn: pick(r, [1, 900, 3600, 604_800, int(r, 1, 604_800)]) };
  if (chance(r, 0.4)) o.contentType = pick(r, HEADER_SAFE);
  if (chance(r, 0.3)) o.contentLength = pick(r, [0, 1, 1024, 5 * 1024 ** 3, int(r, 0, 1e9)]);
  if (chance(r, 0.35)) {
    const metadata: Record<string, string> = {};
    const names = new Set<string>();
    for (let i = int(r, 1, 4); i > 0; i--) {
      const name = pick(r, META_NAMES);
      if (names.has(name.toLowerCase())) continue;
      names.add(name.toLowerCase());
      metadata[name] = pick(r, META_VALUES);
    }
    o.metadata = metadata;
  }
  if (chance(r, 0.3)) {
    o.sse = pick(r, ["AES256", "aws:kms"] as const);
    if (o.sse === "aws:kms" && chance(r, 0.5)) {
      o.sseKmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    }
  }
  if (chance(r, 0.25)) o.checksumSha256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  return o;
}
