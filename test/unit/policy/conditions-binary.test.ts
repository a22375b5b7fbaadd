import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

describe("BinaryEquals condition operator", () => {
  runCases([
    conditionCase(
      "BinaryEquals",
      "s3:x",
      "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
      "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
      true,
    ),
    conditionCase(
      "BinaryEquals",
      "s3:x",
      "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
      "QmluYXJ5VmFsdWVJbkJhc2U2NQ==",
      false,
    ),
    conditionCase("BinaryEquals", "s3:x", "QUJD", "QUJD", true),
    conditionCase("BinaryEquals", "s3:x", "QUJD", "QUJE", false),
    conditionCase("BinaryEquals", "s3:x", "QUJD", undefined, false),
    conditionCase("BinaryEquals", "s3:x", "!!!", "QUJD", false),
  ]);
});
