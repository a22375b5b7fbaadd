// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are what these tests are about
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  fillTemplate,
  frontendCorsRule,
  partitionOf,
  tlsOnlyStatements,
  transitionLifecycleRule,
} from "../../src/core/buckets/templates.js";

const templates = join(import.meta.dirname, "../../templates");

describe("templates", () => {
  it("fills whole-string placeholders with typed values and inner ones as text", () => {
    expect(
      fillTemplate({ a: "${n}", b: "x/${n}/y", c: ["${list}"] }, { n: 7, list: [1, 2] }),
    ).toEqual({
      a: 7,
      b: "x/7/y",
      c: [[1, 2]],
    });
    expect(() => fillTemplate({ a: "${missing}" }, {})).toThrow("${missing}");
  });

  it("the code applies exactly what templates/ holds", () => {
    const file = JSON.parse(readFileSync(join(templates, "bucket/tls-only-policy.json"), "utf8"));
    const arn = "arn:aws:s3:::b-1";
    expect(tlsOnlyStatements("b-1", "us-east-1")).toEqual(
      JSON.parse(JSON.stringify(file.Statement).replaceAll("${bucketArn}", arn)),
    );
    const cors = JSON.parse(readFileSync(join(templates, "cors/frontend.json"), "utf8"));
    expect(frontendCorsRule(["https://a.example.com"])).toEqual({
      ...cors,
      AllowedOrigins: ["https://a.example.com"],
    });
    expect(transitionLifecycleRule([{ storageClass: "GLACIER", days: 90 }]).Transitions).toEqual([
      { Days: 90, StorageClass: "GLACIER" },
    ]);
  });

  it("knows the partitions", () => {
    expect(partitionOf("eu-west-1")).toBe("aws");
    expect(partitionOf("cn-northwest-1")).toBe("aws-cn");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
  });
});
