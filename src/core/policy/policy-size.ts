// How large a policy is as AWS counts it, and the limits it must stay under.

/**
 * IAM counts an identity policy's characters without whitespace against its quotas; S3
 * limits a bucket policy to 20 KB and documents no such exception, so all of it counts.
 */
export const POLICY_SIZE_LIMITS = {
  managed: 6_144,
  inlineUser: 2_048,
  inlineGroup: 5_120,
  inlineRole: 10_240,
  bucketPolicyBytes: 20 * 1024,
} as const;

/** Characters of the text as IAM counts them against its quotas (no whitespace). */
export function iamPolicySize(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) n++;
  }
  return n;
}

const number = (n: number) => n.toLocaleString("en-US");

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // a surrogate pair is one 4-byte character
      i++;
    } else n += 3;
  }
  return n;
}

/** The size limits a policy text exceeds, in words; undefined when it fits everywhere. */
export function sizeProblem(text: string, kind: "identity" | "resource"): string | undefined {
  if (kind === "resource") {
    const bytes = utf8Length(text);
    if (bytes <= POLICY_SIZE_LIMITS.bucketPolicyBytes) return undefined;
    return `The bucket policy is ${number(bytes)} bytes; S3 rejects a bucket policy over 20 KB (${number(POLICY_SIZE_LIMITS.bucketPolicyBytes)} bytes).`;
  }
  const size = iamPolicySize(text);
  const L = POLICY_SIZE_LIMITS;
  // Numbers are formatted only for a policy over a limit: the first toLocaleString loads
  // the locale data, which costs a policy command ~15 ms of its start.
  const limits: [number, (limit: string) => string][] = [
    [L.managed, (n) => `a managed policy (${n})`],
    [L.inlineUser, (n) => `the inline policies of a user (${n})`],
    [L.inlineGroup, (n) => `of a group (${n})`],
    [L.inlineRole, (n) => `of a role (${n})`],
  ];
  const over = limits.filter(([limit]) => size > limit).map(([limit, what]) => what(number(limit)));
  if (over.length === 0) return undefined;
  return `The policy has ${number(size)} characters without whitespace, more than IAM accepts for ${over.join(", ")}.`;
}
