import { describe, expect, it } from "vitest";
import {
  type DiagnoseInput,
  type DiagnosisId,
  diagnose,
} from "../../../src/core/policy/diagnose.js";
import type { PolicyStatement } from "../../../src/core/policy/types.js";
import { ACCOUNT, ALICE, allow, deny, named, OTHER_ACCOUNT, ROLE, SESSION } from "./helpers.js";

const KMS = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function id(...statements: PolicyStatement[]) {
  return { identityPolicies: [named("app-policy", ...statements)] };
}

interface DiagCase {
  name: string;
  input: DiagnoseInput;
  expect: DiagnosisId;
  /** Substrings the message must contain. */
  message?: string[];
  fix?: string[];
}

const get = (resource: string, extra: Partial<DiagnoseInput["request"]> = {}) => ({
  action: "s3:GetObject",
  resource,
  principal: ALICE,
  ...extra,
});

const cases: DiagCase[] = [
  {
    name: "classic: s3:PutObject granted on arn:aws:s3:::bucket only",
    input: {
      policies: id({
        Sid: "Uploads",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::app-uploads",
      }),
      request: {
        action: "s3:PutObject",
        resource: "arn:aws:s3:::app-uploads/avatar.png",
        principal: ALICE,
      },
    },
    expect: "missing-object-wildcard",
    message: ['statement "Uploads"', "arn:aws:s3:::app-uploads/KEY"],
    // A key at the top of the bucket and no prefix anywhere: that key, and the wider choice named.
    fix: [
      'Add "arn:aws:s3:::app-uploads/avatar.png"',
      '"arn:aws:s3:::app-uploads/*" would allow every key of the bucket',
    ],
  },
  {
    name: "missing /* in a grant limited to uploads/: the fix stays under uploads/",
    input: {
      policies: id(
        allow("s3:ListBucket", "arn:aws:s3:::app-uploads", {
          StringLike: { "s3:prefix": ["uploads/*"] },
        }),
        allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::app-uploads"),
      ),
      request: {
        action: "s3:PutObject",
        resource: "arn:aws:s3:::app-uploads/uploads/a.png",
        principal: ALICE,
      },
    },
    expect: "missing-object-wildcard",
    message: ["here arn:aws:s3:::app-uploads/uploads/*"],
    fix: [
      'Add "arn:aws:s3:::app-uploads/uploads/*" to the Resource of that statement (the prefix of the s3:prefix condition in app-policy;',
    ],
  },
  {
    name: "classic: policy for prod-app-uploads used against dev-app-uploads",
    input: {
      policies: id(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::prod-app-uploads/*")),
      request: {
        action: "s3:PutObject",
        resource: "arn:aws:s3:::dev-app-uploads/a.png",
        principal: ALICE,
      },
    },
    expect: "bucket-mismatch",
    message: [
      '"prod-app-uploads"',
      '"dev-app-uploads"',
      "another environment (prod instead of dev)",
    ],
    fix: ['Change "prod-app-uploads" to "dev-app-uploads"'],
  },
  {
    name: "bucket name typo",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::app-upload/*")),
      request: get("arn:aws:s3:::app-uploads/x"),
    },
    expect: "bucket-mismatch",
    message: ["differ by 1 character", "a typo?"],
  },
  {
    name: "unrelated bucket",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::billing-exports/*")),
      request: get("arn:aws:s3:::app-uploads/x"),
    },
    expect: "bucket-mismatch",
    fix: ['Add "arn:aws:s3:::app-uploads/x"'],
  },
  {
    name: "unrelated bucket, key in a folder: the folder, not the bucket",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::billing-exports/*")),
      request: get("arn:aws:s3:::app-uploads/reports/2024/x.csv"),
    },
    expect: "bucket-mismatch",
    fix: ['Add "arn:aws:s3:::app-uploads/reports/2024/*"', "the key's folder"],
  },
  {
    name: "s3:ListBucket granted only on bucket/*",
    input: {
      policies: id(allow(["s3:ListBucket", "s3:GetObject"], "arn:aws:s3:::app-uploads/*")),
      request: { action: "s3:ListBucket", resource: "arn:aws:s3:::app-uploads", principal: ALICE },
    },
    expect: "list-on-object-arn",
    fix: ['Add "arn:aws:s3:::app-uploads"'],
  },
  {
    name: "explicit deny says which action and resource it matched",
    input: {
      policies: id(allow("s3:*", "*"), {
        Sid: "NoDeletes",
        Effect: "Deny",
        Action: "s3:DeleteObject",
        Resource: "*",
      }),
      request: { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
    },
    expect: "explicit-deny",
    message: [
      'Statement "NoDeletes"',
      'Its Action "s3:DeleteObject" matches s3:DeleteObject, and its Resource "*" matches arn:aws:s3:::b/x.',
    ],
  },
  {
    name: "explicit deny in the bucket policy names the bucket policy",
    input: {
      policies: {
        ...id(allow("s3:*", "*")),
        resourcePolicy: named("bucket-policy", {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      },
      request: get("arn:aws:s3:::b/x", { context: { "aws:SecureTransport": "false" } }),
    },
    expect: "explicit-deny",
    message: ['bucket policy "bucket-policy"', "DenyInsecureTransport"],
  },
  {
    name: "a Deny guarding HTTPS says to use HTTPS and why it applies",
    input: {
      policies: {
        ...id(allow("s3:*", "*")),
        resourcePolicy: named("bucket-policy", {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      },
      request: get("arn:aws:s3:::b/x", { context: { "aws:SecureTransport": "false" } }),
    },
    expect: "explicit-deny",
    message: [
      'its Principal ["*"] names the caller as anyone, and its condition Bool aws:SecureTransport ["false"] holds (the request has "false").',
    ],
    fix: ["over HTTPS"],
  },
  {
    name: "a Deny guarding the TLS version says to use TLS 1.2",
    input: {
      policies: {
        ...id(allow("s3:*", "*")),
        resourcePolicy: named("bucket-policy", {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "*",
          Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        }),
      },
      request: get("arn:aws:s3:::b/x", { context: { "s3:TlsVersion": "1.1" } }),
    },
    expect: "explicit-deny",
    fix: ["TLS 1.2 or newer"],
  },
  {
    name: "a policy without the environment part of the bucket name",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::app-uploads/*")),
      request: get("arn:aws:s3:::dev-app-uploads/x"),
    },
    expect: "bucket-mismatch",
    message: ['without the environment part "dev"'],
    fix: ['Change "app-uploads" to "dev-app-uploads"'],
  },
  {
    name: "Deny with NotAction surprises",
    input: {
      policies: id(allow("s3:*", "*"), {
        Effect: "Deny",
        NotAction: ["s3:GetObject"],
        Resource: "*",
      }),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
    },
    expect: "not-action-deny",
    message: ["NotAction [s3:GetObject]"],
  },
  {
    name: "Deny with NotResource surprises",
    input: {
      policies: id(allow("s3:*", "*"), {
        Effect: "Deny",
        Action: "s3:*",
        NotResource: ["arn:aws:s3:::a/*"],
      }),
      request: get("arn:aws:s3:::b/x"),
    },
    expect: "not-resource-deny",
  },
  {
    name: "Allow with NotAction excludes the action",
    input: {
      policies: id({ Effect: "Allow", NotAction: "s3:Delete*", Resource: "*" }),
      request: { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
    },
    expect: "not-action-excludes",
    message: ['"s3:Delete*"'],
  },
  {
    name: "Allow with NotResource excludes the resource",
    input: {
      policies: id({ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::secret/*" }),
      request: get("arn:aws:s3:::secret/x"),
    },
    expect: "not-resource-excludes",
  },
  {
    name: "permissions boundary blocks",
    input: {
      policies: {
        ...id(allow("s3:GetObject", "*")),
        boundary: named("boundary", allow("ec2:*", "*")),
      },
      request: get("arn:aws:s3:::b/x"),
    },
    expect: "boundary-blocks",
  },
  {
    name: "bucket policy naming the role ARN is blocked by the boundary",
    input: {
      policies: {
        boundary: named("boundary", allow("ec2:*", "*")),
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: { AWS: ROLE },
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      request: get("arn:aws:s3:::b/x", { principal: SESSION }),
    },
    expect: "boundary-blocks",
  },
  {
    name: "SCP blocks",
    input: {
      policies: { ...id(allow("s3:GetObject", "*")), scps: [named("scp", allow("ec2:*", "*"))] },
      request: get("arn:aws:s3:::b/x"),
    },
    expect: "scp-blocks",
  },
  {
    name: "cross-account: bucket policy does not allow",
    input: {
      policies: id(allow("s3:GetObject", "*")),
      request: get("arn:aws:s3:::b/x", {
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:user/partner`,
        resourceAccount: ACCOUNT,
      }),
    },
    expect: "bucket-policy-blocks",
    fix: [`arn:aws:iam::${OTHER_ACCOUNT}:user/partner`],
  },
  {
    name: "cross-account: identity policy does not allow",
    input: {
      policies: {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: { AWS: OTHER_ACCOUNT },
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      request: get("arn:aws:s3:::b/x", {
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:user/partner`,
        resourceAccount: ACCOUNT,
      }),
    },
    expect: "cross-account-identity",
  },
  {
    name: "bucket policy names only the account",
    input: {
      policies: {
        resourcePolicy: named("bucket", {
          Effect: "Allow",
          Principal: { AWS: ACCOUNT },
          Action: "s3:GetObject",
          Resource: "*",
        }),
      },
      request: get("arn:aws:s3:::b/x"),
    },
    expect: "account-delegation",
  },
  {
    name: "s3:prefix condition does not hold (listing without prefix)",
    input: {
      policies: id(
        allow("s3:ListBucket", "arn:aws:s3:::b", { StringLike: { "s3:prefix": ["uploads/*"] } }),
      ),
      request: { action: "s3:ListBucket", resource: "arn:aws:s3:::b", principal: ALICE },
    },
    expect: "condition-not-met",
    message: ["s3:prefix", '"uploads/*"', "does not have this key"],
    fix: ['--prefix "uploads/"'],
  },
  {
    name: "s3:prefix condition does not hold (other prefix)",
    input: {
      policies: id(
        allow("s3:ListBucket", "arn:aws:s3:::b", { StringLike: { "s3:prefix": ["uploads/*"] } }),
      ),
      request: {
        action: "s3:ListBucket",
        resource: "arn:aws:s3:::b",
        principal: ALICE,
        context: { "s3:prefix": "private/" },
      },
    },
    expect: "condition-not-met",
    message: ['"private/"'],
  },
  {
    name: "aws:SecureTransport condition does not hold",
    input: {
      policies: id(allow("s3:GetObject", "*", { Bool: { "aws:SecureTransport": "true" } })),
      request: get("arn:aws:s3:::b/x", { context: { "aws:SecureTransport": "false" } }),
    },
    expect: "condition-not-met",
    fix: ["HTTPS"],
  },
  {
    name: "source IP condition does not hold",
    input: {
      policies: id(allow("s3:GetObject", "*", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } })),
      request: get("arn:aws:s3:::b/x", { context: { "aws:SourceIp": "198.51.100.1" } }),
    },
    expect: "condition-not-met",
    message: ['"198.51.100.1"', "203.0.113.0/24"],
  },
  {
    name: "nothing grants the action",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::b/*")),
      request: { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
    },
    expect: "no-allow",
    fix: ['"Action": "s3:DeleteObject"', "arn:aws:s3:::b/*"],
  },
  {
    name: "nothing grants the listing: the suggestion keeps the evident prefix",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::b/uploads/*")),
      request: {
        action: "s3:ListBucket",
        resource: "arn:aws:s3:::b",
        principal: ALICE,
        context: { "s3:prefix": "uploads/" },
      },
    },
    expect: "no-allow",
    fix: ['"Resource": "arn:aws:s3:::b", "Condition": {"StringLike":{"s3:prefix":["uploads/*"]}}'],
  },
  {
    name: "SSE-KMS bucket without kms:GenerateDataKey for uploads",
    input: {
      policies: id(allow("s3:PutObject", "arn:aws:s3:::b/*")),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
      bucket: { encryption: { type: "SSE-KMS", kmsKeyArn: KMS } },
    },
    expect: "kms-missing",
    message: ["kms:GenerateDataKey", KMS],
    fix: [`--kms-key ${KMS}`],
  },
  {
    name: "SSE-KMS bucket without kms:Decrypt for downloads",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::b/*")),
      request: get("arn:aws:s3:::b/x"),
      bucket: { encryption: { type: "SSE-KMS", kmsKeyArn: KMS } },
    },
    expect: "kms-missing",
    message: ["kms:Decrypt"],
  },
  {
    name: "online: the policy exists but is attached to someone else",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::b/*")),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
      online: {
        detachedPolicies: [
          {
            name: "uploads-writer",
            arn: `arn:aws:iam::${ACCOUNT}:policy/uploads-writer`,
            attachedTo: ["group/backend"],
            document: {
              Version: "2012-10-17",
              Statement: [allow("s3:PutObject", "arn:aws:s3:::b/*")],
            },
          },
        ],
      },
    },
    expect: "policy-not-attached",
    message: ['"uploads-writer"', "group/backend"],
  },
  {
    name: "online: the fix sits in a non-default version",
    input: {
      policies: id(allow("s3:GetObject", "arn:aws:s3:::b/*")),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
      online: {
        policyVersions: [
          {
            policyName: "app-policy",
            policyArn: `arn:aws:iam::${ACCOUNT}:policy/app-policy`,
            versionId: "v3",
            defaultVersionId: "v2",
            document: {
              Version: "2012-10-17",
              Statement: [allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*")],
            },
          },
        ],
      },
    },
    expect: "non-default-version",
    message: ["v3", "v2"],
    fix: ["set-default-policy-version", "--version-id v3"],
  },
];

describe("diagnose", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const ds = diagnose(c.input);
    const d = ds.find((x) => x.id === c.expect);
    expect(d, JSON.stringify(ds, null, 1)).toBeDefined();
    for (const s of c.message ?? []) expect(d?.message).toContain(s);
    for (const s of c.fix ?? []) expect(d?.fix).toContain(s);
  });

  it("has a case for every diagnosis", () => {
    const ids: DiagnosisId[] = [
      "explicit-deny",
      "missing-object-wildcard",
      "list-on-object-arn",
      "bucket-mismatch",
      "condition-not-met",
      "not-action-excludes",
      "not-resource-excludes",
      "not-action-deny",
      "not-resource-deny",
      "boundary-blocks",
      "scp-blocks",
      "bucket-policy-blocks",
      "cross-account-identity",
      "account-delegation",
      "no-allow",
      "kms-missing",
      "policy-not-attached",
      "non-default-version",
    ];
    const covered = new Set(cases.map((c) => c.expect));
    expect(ids.filter((i) => !covered.has(i))).toEqual([]);
  });

  it("keeps a leading action name as written", () => {
    const ds = diagnose({
      policies: id(allow("s3:PutObject", "arn:aws:s3:::app-uploads")),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::app-uploads/a", principal: ALICE },
    });
    expect(ds[0]?.message).toMatch(/^s3:PutObject acts on objects/);
  });

  it("says nothing for an allowed request without KMS facts", () => {
    expect(
      diagnose({ policies: id(allow("s3:GetObject", "*")), request: get("arn:aws:s3:::b/x") }),
    ).toEqual([]);
  });

  it("is quiet about KMS when the key is allowed", () => {
    const ds = diagnose({
      policies: id(
        allow("s3:PutObject", "arn:aws:s3:::b/*"),
        allow(["kms:GenerateDataKey", "kms:Decrypt"], KMS),
      ),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
      bucket: { encryption: { type: "SSE-KMS", kmsKeyArn: KMS } },
    });
    expect(ds).toEqual([]);
  });

  it("does not report online facts that would not help", () => {
    const ds = diagnose({
      policies: id(deny("s3:PutObject", "*")),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::b/x", principal: ALICE },
      online: {
        detachedPolicies: [
          { name: "other", document: { Statement: [allow("s3:PutObject", "*")] } },
        ],
      },
    });
    expect(ds.map((d) => d.id)).toEqual(["explicit-deny"]);
  });

  it("uses a result passed in instead of evaluating again", () => {
    const input: DiagnoseInput = {
      policies: id(allow("s3:PutObject", "arn:aws:s3:::app-uploads")),
      request: { action: "s3:PutObject", resource: "arn:aws:s3:::app-uploads/a", principal: ALICE },
    };
    expect(diagnose(input).map((d) => d.id)).toEqual(["missing-object-wildcard"]);
  });
});
