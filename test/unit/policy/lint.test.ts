// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${…} in plain strings.
import { beforeAll, describe, expect, it } from "vitest";
import { createEvaluator } from "../../../src/core/policy/evaluate.js";
import {
  hasLintErrors,
  LINT_RULES,
  type LintOptions,
  type LintRule,
  lintPolicy,
} from "../../../src/core/policy/lint.js";
import type { PolicyMetadata } from "../../../src/core/policy/metadata.js";
import { loadPolicyMetadata } from "../../../src/core/policy/metadata-load.js";
import type { PolicyDocument } from "../../../src/core/policy/types.js";

let metadata: PolicyMetadata;
beforeAll(async () => {
  metadata = await loadPolicyMetadata();
});

const V = '"Version": "2012-10-17"';
const stmt = (body: string) => `{${V}, "Statement": [${body}]}`;

interface LintCase {
  name: string;
  text: string;
  rule: LintRule;
  path: string;
  kind?: LintOptions["kind"];
  bucket?: string;
  /** Expected line/column of the finding. */
  at?: [number, number];
}

const cases: LintCase[] = [
  {
    name: "missing comma",
    text: '{\n  "Version": "2012-10-17"\n  "Statement": []\n}',
    rule: "invalid-json",
    path: "",
    at: [3, 3],
  },
  {
    name: "trailing comma",
    text: '{"Statement": [\n  {"Effect": "Allow",}\n]}',
    rule: "invalid-json",
    path: "",
    at: [2, 22],
  },
  { name: "single quotes", text: "{'Statement': []}", rule: "invalid-json", path: "", at: [1, 2] },
  {
    name: "unterminated string",
    text: '{"Statement": "abc',
    rule: "invalid-json",
    path: "",
    at: [1, 15],
  },
  { name: "no Statement", text: `{${V}}`, rule: "not-a-policy", path: "" },
  { name: "a JSON list", text: "[1, 2]", rule: "not-a-policy", path: "" },
  {
    name: "Statement is a string",
    text: `{${V}, "Statement": "x"}`,
    rule: "not-a-policy",
    path: "Statement",
  },
  {
    name: "missing Version",
    text: '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}',
    rule: "missing-version",
    path: "",
  },
  {
    name: "old Version",
    text: '{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}',
    rule: "old-version",
    path: "Version",
    at: [1, 13],
  },
  {
    name: "bad Version",
    text: '{"Version": "2024-01-01", "Statement": []}',
    rule: "invalid-version",
    path: "Version",
  },
  {
    name: "lower-case effect",
    text: stmt('{"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}'),
    rule: "invalid-effect",
    path: "Statement[0].Effect",
  },
  {
    name: "no Action",
    text: stmt('{"Effect": "Allow", "Resource": "arn:aws:s3:::b/*"}'),
    rule: "missing-action",
    path: "Statement[0]",
  },
  {
    name: "no Resource",
    text: stmt('{"Effect": "Allow", "Action": "s3:GetObject"}'),
    rule: "missing-resource",
    path: "Statement[0]",
  },
  {
    name: "action without service",
    text: stmt('{"Effect": "Allow", "Action": ["GetObject"], "Resource": "arn:aws:s3:::b/*"}'),
    rule: "action-without-service",
    path: "Statement[0].Action[0]",
  },
  {
    name: "misspelled action",
    text: stmt('{"Effect": "Allow", "Action": ["s3:GetObjects"], "Resource": "arn:aws:s3:::b/*"}'),
    rule: "unknown-action",
    path: "Statement[0].Action[0]",
  },
  {
    name: "wildcard matching nothing",
    text: stmt('{"Effect": "Allow", "Action": "s3:Fetch*", "Resource": "arn:aws:s3:::b/*"}'),
    rule: "unknown-action",
    path: "Statement[0].Action",
  },
  {
    name: "unknown KMS action",
    text: stmt(
      '{"Effect": "Allow", "Action": "kms:Decrypted", "Resource": "arn:aws:kms:eu-west-1:123456789012:key/k"}',
    ),
    rule: "unknown-action",
    path: "Statement[0].Action",
  },
  {
    name: "PutObject only on the bucket ARN",
    text: stmt('{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket"}'),
    rule: "action-resource-mismatch",
    path: "Statement[0].Resource",
  },
  {
    name: "ListBucket only on objects",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bucket/*"}',
    ),
    rule: "action-resource-mismatch",
    path: "Statement[0].Resource",
  },
  {
    name: "ListAllMyBuckets on a bucket",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::bucket"}',
    ),
    rule: "action-resource-mismatch",
    path: "Statement[0].Resource",
  },
  {
    name: "Resource *",
    text: stmt('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}'),
    rule: "broad-resource",
    path: "Statement[0].Resource",
  },
  {
    name: "s3:*",
    text: stmt('{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}'),
    rule: "broad-action",
    path: "Statement[0].Action",
  },
  {
    name: "Action *",
    text: stmt('{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}'),
    rule: "broad-action",
    path: "Statement[0].Action",
  },
  {
    name: "other bucket than --bucket",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prod-app/*"}',
    ),
    rule: "bucket-mismatch",
    path: "Statement[0].Resource",
    bucket: "dev-app",
  },
  {
    name: "NotAction with Allow",
    text: stmt(
      '{"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"}',
    ),
    rule: "not-action-with-allow",
    path: "Statement[0].NotAction",
  },
  {
    name: "NotResource with Allow",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}',
    ),
    rule: "not-resource-with-allow",
    path: "Statement[0].NotResource",
  },
  {
    name: "public bucket policy",
    text: stmt(
      '{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}',
    ),
    rule: "public-principal",
    path: "Statement[0].Principal",
    kind: "resource",
  },
  {
    name: "public via AWS *",
    text: stmt(
      '{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}',
    ),
    rule: "public-principal",
    path: "Statement[0].Principal",
    kind: "resource",
  },
  {
    name: "Principal in an identity policy",
    text: stmt(
      '{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/a"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}',
    ),
    rule: "principal-in-identity-policy",
    path: "Statement[0].Principal",
  },
  {
    name: "bucket policy without Principal",
    text: stmt('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}'),
    rule: "missing-principal",
    path: "Statement[0]",
    kind: "resource",
  },
  {
    name: "duplicate Sid",
    text: stmt(
      '{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}',
    ),
    rule: "duplicate-sid",
    path: "Statement[1].Sid",
  },
  {
    name: "Sid with spaces",
    text: stmt(
      '{"Sid": "read objects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}',
    ),
    rule: "invalid-sid",
    path: "Statement[0].Sid",
  },
  {
    name: "unknown operator",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringEqual": {"s3:prefix": "a/"}}}',
    ),
    rule: "unknown-condition-operator",
    path: "Statement[0].Condition.StringEqual",
  },
  {
    name: "s3:prefix on GetObject",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"s3:prefix": "a/*"}}}',
    ),
    rule: "condition-key-not-valid",
    path: "Statement[0].Condition.StringLike.s3:prefix",
  },
  {
    name: "made-up condition key",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"s3:folder": "a"}}}',
    ),
    rule: "condition-key-not-valid",
    path: "Statement[0].Condition.StringEquals.s3:folder",
  },
  {
    name: "made-up global key",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransports": "true"}}}',
    ),
    rule: "condition-key-not-valid",
    path: "Statement[0].Condition.Bool.aws:SecureTransports",
  },
  {
    name: "s3 URL as resource",
    text: stmt('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "s3://bucket/*"}'),
    rule: "malformed-arn",
    path: "Statement[0].Resource",
  },
  {
    name: "ARN missing a colon",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3::bucket/*"]}',
    ),
    rule: "malformed-arn",
    path: "Statement[0].Resource[0]",
  },
  {
    name: "bucket ARN with an account",
    text: stmt(
      '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:us-east-1:123456789012:b/*"]}',
    ),
    rule: "malformed-arn",
    path: "Statement[0].Resource[1]",
  },
  {
    name: "bare bucket name",
    text: stmt('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "bucket/*"}'),
    rule: "malformed-arn",
    path: "Statement[0].Resource",
  },
  {
    name: "identity policy over the inline user limit",
    text: stmt(
      Array.from(
        { length: 25 },
        (_, i) =>
          `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/folder-number-${i}/*"}`,
      ).join(",\n"),
    ),
    rule: "policy-too-large",
    path: "",
    at: [1, 1],
  },
];

describe("lint rules", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const findings = lintPolicy(c.text, {
      kind: c.kind ?? "identity",
      metadata,
      ...(c.bucket ? { bucket: c.bucket } : {}),
    });
    const hit = findings.find((f) => f.rule === c.rule);
    expect(hit, JSON.stringify(findings, null, 1)).toBeDefined();
    expect(hit?.path).toBe(c.path);
    expect(hit?.severity).toBe(LINT_RULES[c.rule].severity);
    expect(hit?.message.length).toBeGreaterThan(10);
    expect(hit?.fix.length).toBeGreaterThan(5);
    if (c.at) expect([hit?.line, hit?.column]).toEqual(c.at);
  });

  it("has a case for every rule", () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect(Object.keys(LINT_RULES).filter((r) => !covered.has(r as LintRule))).toEqual([]);
  });
});

describe("policy size against AWS's limits", () => {
  const policyOf = (n: number, indent: string) =>
    stmt(
      Array.from(
        { length: n },
        (_, i) =>
          `{\n${indent}"Effect": "Allow",\n${indent}"Action": "s3:GetObject",\n${indent}"Resource": "arn:aws:s3:::b/f${i}/*"\n}`,
      ).join(", "),
    );
  const size = (text: string) => text.replace(/\s/g, "").length;

  it("counts identity policies without whitespace", () => {
    const compact = policyOf(25, "");
    const padded = policyOf(25, " ".repeat(60));
    expect(size(compact)).toBeLessThan(2048);
    expect(padded.length).toBeGreaterThan(6144);
    for (const text of [compact, padded]) {
      expect(lintPolicy(text, { kind: "identity" }).map((f) => f.rule)).toEqual([]);
    }
  });

  it("names each limit the policy is over", () => {
    const text = policyOf(120, "");
    expect(size(text)).toBeGreaterThan(6144);
    expect(size(text)).toBeLessThan(10240);
    const [finding] = lintPolicy(text, { kind: "identity" });
    expect(finding?.message).toContain("a managed policy (6,144)");
    expect(finding?.message).toContain("the inline policies of a user (2,048)");
    expect(finding?.message).toContain("of a group (5,120)");
    expect(finding?.message).not.toContain("of a role");
  });

  it("counts every byte of a bucket policy against 20 KB", () => {
    const statement = (i: number) =>
      `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/u${i}"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/é${i}/*"}`;
    const text = stmt(Array.from({ length: 150 }, (_, i) => statement(i)).join(",\n"));
    const [finding] = lintPolicy(text, { kind: "resource" }).filter(
      (f) => f.rule === "policy-too-large",
    );
    expect(finding?.message).toMatch(/^The bucket policy is [\d,]+ bytes; S3 rejects/);
    expect(lintPolicy(stmt(statement(1)), { kind: "resource" })).toEqual([]);
  });
});

describe("lint: bounded input", () => {
  it("refuses JSON nested deeper than a policy can be (exit 2), without exhausting the stack", () => {
    const deep = `{"Statement": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(() => lintPolicy(deep, { kind: "identity", source: "deep.json" })).toThrow(
      /deep\.json is nested too deeply: more than 64 levels .* at line 1, column 78/,
    );
  });

  it("the evaluator refuses a document nested thousands deep, whatever it came from", () => {
    let resource: unknown = "arn:aws:s3:::b/*";
    for (let i = 0; i < 5000; i++) resource = [resource];
    const document = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: resource }],
    } as unknown as PolicyDocument;
    expect(() => createEvaluator({ identityPolicies: [{ name: "live", document }] })).toThrow(
      "live is nested too deeply: more than 64 levels of arrays and objects; a policy needs at most 7",
    );
  });

  it("still points at the right line and column deep into a long file", () => {
    const statements = Array.from(
      { length: 3000 },
      (_, i) =>
        `  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${i}/*"}`,
    );
    statements.push('  {"Effect": "Allow", "Action": "GetObject", "Resource": "arn:aws:s3:::b/*"}');
    const text = `{${V},\n"Statement": [\n${statements.join(",\n")}\n]}`;
    const finding = lintPolicy(text, { kind: "identity" }).find(
      (f) => f.rule === "action-without-service",
    );
    expect([finding?.line, finding?.column]).toEqual([3003, 33]);
  });
});

describe("lint: things that are fine", () => {
  const clean: [string, string, LintOptions["kind"]][] = [
    [
      "object actions on bucket/*",
      stmt('{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}'),
      "identity",
    ],
    [
      "list with a prefix condition",
      stmt(
        '{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}}',
      ),
      "identity",
    ],
    [
      "ListAllMyBuckets on *",
      stmt('{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::*"}'),
      "identity",
    ],
    [
      "TLS deny in a bucket policy",
      stmt(
        '{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}',
      ),
      "resource",
    ],
    [
      "public read with a condition",
      stmt(
        '{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/public/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}',
      ),
      "resource",
    ],
    [
      "IfExists on an action without the key",
      stmt(
        '{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"StringLikeIfExists": {"s3:prefix": "a/*"}}}',
      ),
      "identity",
    ],
    [
      "actions of services without metadata",
      stmt(
        '{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/t"}',
      ),
      "identity",
    ],
    [
      "Deny with NotAction",
      stmt('{"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}'),
      "identity",
    ],
    [
      "single statement object",
      `{${V}, "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}`,
      "identity",
    ],
  ];
  it.each(clean)("%s", (_n, text, kind) => {
    const findings = lintPolicy(text, { kind, metadata });
    expect(findings).toEqual([]);
    expect(hasLintErrors(findings)).toBe(false);
  });

  it("without metadata skips the metadata rules", () => {
    const findings = lintPolicy(
      stmt('{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b"}'),
      { kind: "identity" },
    );
    expect(findings).toEqual([]);
  });

  it("points a single-statement path at Statement.Action", () => {
    const findings = lintPolicy(
      `{${V}, "Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "arn:aws:s3:::b/*"}}`,
      { kind: "identity", metadata },
    );
    expect(findings[0]?.path).toBe("Statement.Action");
  });
});

describe("lint: the fix for an object action on the bucket ARN keeps the policy's prefix", () => {
  it("suggests B/uploads/* when the listing is limited to uploads/", () => {
    const text = stmt(
      [
        '{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": ["uploads/*"]}}}',
        '{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b"}',
      ].join(", "),
    );
    const finding = lintPolicy(text, { kind: "identity", metadata }).find(
      (f) => f.rule === "action-resource-mismatch",
    );
    expect(finding?.fix).toBe(
      'Add "arn:aws:s3:::b/uploads/*" to Resource: the prefix the rest of the policy uses ("arn:aws:s3:::b/*" would allow every key).',
    );
  });
});
