import { describe } from "vitest";
import { conditionCase, runCases } from "./helpers.js";

const S = "aws:SecureTransport";

describe("Bool condition operator", () => {
  runCases([
    conditionCase("Bool", S, "true", "true", true),
    conditionCase("Bool", S, "true", "false", false),
    conditionCase("Bool", S, true, "true", true),
    conditionCase("Bool", S, false, "false", true),
    conditionCase("Bool", S, "TRUE", "true", true),
    conditionCase("Bool", S, "true", "True", true),
    conditionCase("Bool", S, "false", "true", false),
    conditionCase("Bool", S, "true", undefined, false),
    conditionCase("Bool", S, "false", undefined, false),
    conditionCase("Bool", S, "yes", "true", false),
    conditionCase("Bool", "aws:MultiFactorAuthPresent", "true", "true", true),
  ]);
});
