import { describe, expect, it } from "vitest";
import {
  type AuditFinding,
  keyFindings,
  parseDays,
  parseFailOn,
  wildcardStatements,
} from "../../../src/core/iam/audit.js";
import type { KeyDetails } from "../../../src/core/iam/list.js";

const key = (over: Partial<KeyDetails>): KeyDetails => ({
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  id: "AKIA************MPLE",
  status: "Active",
  createDate: "2024-01-01T00:00:00.000Z",
  ageDays: 10,
  lastUsed: "2024-01-02T00:00:00.000Z",
  lastUsedService: "s3",
  unusedDays: 1,
  ...over,
});
const ids = (fs: AuditFinding[]) => fs.map((f) => `${f.id}:${f.severity}`);

describe("key findings", () => {
  it("an old active key is high", () => {
    expect(ids(keyFindings("alice", [key({ ageDays: 91 })], 90, 90))).toEqual(["key-too-old:high"]);
    expect(keyFindings("alice", [key({ ageDays: 90 })], 90, 90)).toEqual([]);
  });

  it("a key never used: low in its first week, medium after", () => {
    expect(
      ids(keyFindings("a", [key({ lastUsed: null, unusedDays: null, ageDays: 2 })], 90, 90)),
    ).toEqual(["key-never-used:low"]);
    expect(
      ids(keyFindings("a", [key({ lastUsed: null, unusedDays: null, ageDays: 30 })], 90, 90)),
    ).toEqual(["key-never-used:medium"]);
  });

  it("a key unused for longer than the limit is medium", () => {
    const f = keyFindings("a", [key({ ageDays: 80, unusedDays: 45 })], 90, 30);
    expect(ids(f)).toEqual(["key-unused:medium"]);
    expect(f[0]?.message).toContain("last used 45 days ago (limit 30)");
  });

  it("an inactive key left behind is low, with the command that deletes it", () => {
    const [f] = keyFindings("bob", [key({ status: "Inactive", ageDays: 400 })], 90, 90);
    expect(f).toMatchObject({ id: "inactive-key", severity: "low", key: "AKIA************MPLE" });
    expect(f?.fix).toContain(
      "aws iam delete-access-key --user-name bob --access-key-id AKIAIOSFODNN7EXAMPLE",
    );
  });
});

describe("wildcard statements", () => {
  it("finds * and s3:* on *", () => {
    const doc = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow" as const, Action: "*", Resource: "*" },
        {
          Effect: "Allow" as const,
          Action: ["s3:GetObject", "S3:*"],
          Resource: ["arn:aws:s3:::*"],
        },
        { Effect: "Allow" as const, Action: "s3:*", Resource: "arn:aws:s3:::my-bucket/*" },
        { Effect: "Deny" as const, Action: "*", Resource: "*" },
        {
          Effect: "Allow" as const,
          Action: "*",
          Resource: "*",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        },
      ],
    };
    expect(wildcardStatements(doc)).toHaveLength(2);
  });
});

describe("--fail-on and --max-key-age", () => {
  const f = (id: AuditFinding["id"], severity: AuditFinding["severity"]): AuditFinding => ({
    id,
    severity,
    user: "u",
    message: "",
    fix: "",
  });

  it("a severity fails on that severity and worse", () => {
    const fails = parseFailOn(["medium"]);
    expect(fails(f("inactive-key", "low"))).toBe(false);
    expect(fails(f("key-unused", "medium"))).toBe(true);
    expect(fails(f("key-too-old", "high"))).toBe(true);
  });

  it("finding ids, comma-separated or repeated", () => {
    const fails = parseFailOn(["inactive-key,key-unused", "wildcard-access"]);
    expect(fails(f("inactive-key", "low"))).toBe(true);
    expect(fails(f("key-too-old", "high"))).toBe(false);
  });

  it("rejects anything else, listing what is valid", () => {
    expect(() => parseFailOn(["critical"])).toThrow('Unknown --fail-on value "critical"');
  });

  it("days as 90 or 90d", () => {
    expect(parseDays("--max-key-age", "90")).toBe(90);
    expect(parseDays("--max-key-age", "30d")).toBe(30);
    expect(() => parseDays("--max-key-age", "3 months")).toThrow("number of days");
  });
});
