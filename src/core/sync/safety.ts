import { ExitCode, S3kitError } from "../errors.js";

export interface DeleteRules {
  /** Deleting everything from the destination because the source is empty is allowed. */
  allowEmptySource: boolean;
  /** At most this many deletions; undefined for no limit. */
  maxDelete?: number | undefined;
}

export interface DeleteFacts {
  /** Deletions the plan holds. */
  deletions: number;
  /** Usable entries in the source (after the filters). */
  sourceFiles: number;
  /** Part of the source could not be read. */
  sourceIncomplete: boolean;
  /** Where the source is, for the message. */
  source: string;
  /** What the destination holds: "object" or "file". */
  noun?: "object" | "file";
}

/**
 * The rules that stand between a plan and its deletions. A source that is empty (a build
 * that produced nothing, a mistyped prefix, filters that match nothing) would empty the
 * destination; a source listing with holes would delete what is in them; a plan that
 * deletes more than the caller allows is most likely a mistake of the same kind. Each is
 * refused, with what to do if it is meant; nothing is transferred or deleted then.
 * (An incomplete listing only holds back the deletions: see `deletionsHeldBack`.)
 */
export function deletionRefusal(facts: DeleteFacts, rules: DeleteRules): S3kitError | undefined {
  if (facts.deletions === 0) return undefined;
  const n = facts.deletions.toLocaleString("en-US");
  const noun = facts.noun ?? "object";
  const objects = `${n} ${noun}${facts.deletions === 1 ? "" : "s"}`;
  if (facts.sourceFiles === 0 && !facts.sourceIncomplete && !rules.allowEmptySource) {
    return new S3kitError({
      code: "EmptySource",
      message: `${facts.source} is empty (or nothing in it matches the filters): --delete would delete all ${objects} of the destination. Nothing was changed.`,
      hint: "Check the source (a build that produced nothing? a mistyped prefix?). If emptying the destination is what you want, add --allow-empty-source.",
      exitCode: ExitCode.conflict,
    });
  }
  if (rules.maxDelete !== undefined && facts.deletions > rules.maxDelete) {
    return new S3kitError({
      code: "TooManyDeletes",
      message: `The sync would delete ${objects}, more than --max-delete ${rules.maxDelete.toLocaleString("en-US")}. Nothing was changed.`,
      hint: "Look at the plan with --dry-run; if it is right, raise --max-delete.",
      exitCode: ExitCode.conflict,
    });
  }
  return undefined;
}

/**
 * A source that could not be read completely (a folder without permission): what is
 * missing from its listing would be deleted from the destination. The transfers go
 * ahead; the deletions are held back, with this reason.
 */
export function deletionsHeldBack(facts: DeleteFacts): string | undefined {
  if (facts.deletions === 0 || !facts.sourceIncomplete) return undefined;
  return `part of ${facts.source} could not be read (listed above), so nothing was deleted`;
}
