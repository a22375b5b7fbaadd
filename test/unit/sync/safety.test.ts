import { describe, expect, it } from "vitest";
import { deletionRefusal, deletionsHeldBack } from "../../../src/core/sync/safety.js";

const facts = (over: Partial<Parameters<typeof deletionRefusal>[0]> = {}) => ({
  deletions: 10,
  sourceFiles: 5,
  sourceIncomplete: false,
  source: "./dist",
  ...over,
});

describe("delete safety rules", () => {
  it("nothing to delete: nothing to refuse, whatever the source", () => {
    expect(
      deletionRefusal(facts({ deletions: 0, sourceFiles: 0 }), { allowEmptySource: false }),
    ).toBe(undefined);
    expect(
      deletionRefusal(facts({ deletions: 0 }), { allowEmptySource: false, maxDelete: 0 }),
    ).toBe(undefined);
  });

  it("an empty source would empty the destination: refused (exit 5) unless --allow-empty-source", () => {
    const refusal = deletionRefusal(facts({ sourceFiles: 0 }), { allowEmptySource: false });
    expect(refusal?.code).toBe("EmptySource");
    expect(refusal?.exitCode).toBe(5);
    expect(refusal?.message).toContain("all 10 objects");
    expect(refusal?.hint).toContain("--allow-empty-source");
    expect(deletionRefusal(facts({ sourceFiles: 0 }), { allowEmptySource: true })).toBe(undefined);
  });

  it("more deletions than --max-delete: refused (exit 5); exactly as many: allowed", () => {
    const refusal = deletionRefusal(facts({ deletions: 101 }), {
      allowEmptySource: false,
      maxDelete: 100,
    });
    expect(refusal?.code).toBe("TooManyDeletes");
    expect(refusal?.exitCode).toBe(5);
    expect(refusal?.message).toContain("101 objects, more than --max-delete 100");
    expect(
      deletionRefusal(facts({ deletions: 100 }), { allowEmptySource: false, maxDelete: 100 }),
    ).toBe(undefined);
    // --allow-empty-source does not lift --max-delete.
    expect(
      deletionRefusal(facts({ deletions: 3, sourceFiles: 0 }), {
        allowEmptySource: true,
        maxDelete: 2,
      })?.code,
    ).toBe("TooManyDeletes");
  });

  it("a source that could not be read completely holds the deletions back", () => {
    expect(deletionsHeldBack(facts({ sourceIncomplete: true }))).toContain("nothing was deleted");
    expect(deletionsHeldBack(facts())).toBe(undefined);
    expect(deletionsHeldBack(facts({ sourceIncomplete: true, deletions: 0 }))).toBe(undefined);
  });
});
