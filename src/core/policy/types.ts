// Shared types of the policy engine: the policy grammar as it appears in JSON,
// requests, and evaluation results. Kept free of logic so every module can import it.

/** A value inside a Condition block: JSON allows strings, numbers and booleans. */
export type ConditionScalar = string | number | boolean;

/** `{ "StringEquals": { "aws:username": ["alice"] } }` */
export type ConditionBlock = Record<string, Record<string, ConditionScalar | ConditionScalar[]>>;

/** The Principal / NotPrincipal element of a resource-based policy. */
export type PrincipalElement =
  | "*"
  | {
      AWS?: string | string[];
      Service?: string | string[];
      Federated?: string | string[];
      CanonicalUser?: string | string[];
    };

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/** Where a policy sits in the evaluation. */
export type PolicyKind = "identity" | "boundary" | "resource" | "scp";

/** A policy document with the name used in results ("inline:uploads", an ARN, a file name). */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
  /**
   * SCPs only: the level of the organization tree the SCP is attached to (root, an OU,
   * the account). Every level must allow; within one level one allowing SCP is enough.
   * Defaults to "account": SCPs given without a level are read as attached to one node.
   */
  level?: string;
}

export type Decision = "allowed" | "explicit-deny" | "implicit-deny";

/**
 * Request context values stay strings, as AWS sends them ("true", "10",
 * "2024-01-01T00:00:00Z"); multi-valued keys are arrays.
 */
export type ContextValue = string | string[];
export type RequestContext = Record<string, ContextValue>;

export type PrincipalType =
  | "user"
  | "role-session"
  | "root"
  | "federated-user"
  | "service"
  | "anonymous";

/** The caller, derived from an ARN (see principal.ts). */
export interface RequestPrincipal {
  type: PrincipalType;
  /** The ARN AWS reports for the caller: user ARN, assumed-role session ARN, root ARN. */
  arn: string;
  /** Empty for services and anonymous callers. */
  accountId: string;
  /** IAM user name, role name, federated user name or service name. */
  name: string;
  /** Role sessions: the role ARN (aws:PrincipalArn). */
  roleArn?: string;
  /** Role sessions: the session name. */
  sessionName?: string;
}

export interface EvaluationRequest {
  /** `s3:GetObject`; compared case-insensitively. */
  action: string;
  /** `arn:aws:s3:::bucket/key`; compared case-sensitively. */
  resource: string;
  /** Caller ARN, service principal (`cloudtrail.amazonaws.com`), "anonymous", or a parsed principal. */
  principal?: string | RequestPrincipal;
  context?: RequestContext;
  /** Account that owns the resource (the bucket owner). Defaults to the caller's account. */
  resourceAccount?: string;
  /** True when the object key was invented because none was given (see request.ts). */
  exampleKey?: boolean;
}

/** Identifies one statement of one policy. Index is 0-based, as in `Statement[0]`. */
export interface StatementRef {
  policy: string;
  kind: PolicyKind;
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
}

/** How a resource-policy statement named the caller; decides whether a boundary limits it. */
export type PrincipalMatchKind =
  | "user-arn"
  | "role-arn"
  | "session-arn"
  | "federated-user-arn"
  | "account"
  | "anyone"
  | "service"
  | "federated"
  | "canonical-user"
  | "not-principal"
  | "boundary-not-principal";

export interface ElementTrace {
  element: string;
  matched: boolean;
  /** The patterns written in the policy (after variable substitution where it applies). */
  values: string[];
  /** The first pattern that matched the request, if any. */
  matchedValue?: string;
}

export interface PrincipalTrace extends ElementTrace {
  matchKind?: PrincipalMatchKind;
}

export interface ConditionTrace {
  /** Operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** Condition key as written. */
  key: string;
  /** Policy values after variable substitution; unresolved variables are left out. */
  expected: string[];
  /** Request value(s); undefined when the key is not in the request. */
  actual: ContextValue | undefined;
  result: boolean;
  /** Plain-words note when the outcome has a non-obvious reason (missing key, bad value). */
  note?: string;
}

export interface StatementTrace extends StatementRef {
  action: ElementTrace;
  resource: ElementTrace;
  principal?: PrincipalTrace;
  conditions: ConditionTrace[];
  /** Action, resource, principal and every condition matched: the statement applies. */
  applies: boolean;
}

/** What stopped an allow from counting, when the decision is an implicit deny. */
export type BlockedBy =
  | "no-allow"
  | "boundary"
  | "scp"
  | "resource-policy"
  | "identity-policy"
  | "account-delegation";

export interface EvaluationResult {
  decision: Decision;
  /** Deny statements for explicit-deny; the granting Allow statements for allowed. */
  deciding: StatementRef[];
  /** Every statement of every policy, with why it matched or not. Empty from `decide()`. */
  statements: StatementTrace[];
  /** Set for implicit-deny: the missing piece. */
  blockedBy?: BlockedBy;
  /** Caller and resource are in different accounts. */
  crossAccount: boolean;
  action: string;
  resource: string;
  principal: RequestPrincipal;
}

/** Input to the evaluator: every policy that applies to the request. */
export interface PolicySet {
  identityPolicies?: NamedPolicy[];
  boundary?: NamedPolicy;
  resourcePolicy?: NamedPolicy;
  scps?: NamedPolicy[];
}
