import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCESS_LEVELS } from "../../src/core/policy/access-levels.js";
import { ACCESS_LEVEL_NAMES } from "../../src/core/policy/templates.js";

const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

describe("the README's access-level table", () => {
  it.each(ACCESS_LEVEL_NAMES)("lists exactly the actions of %s", (level) => {
    const row = readme.split("\n").find((l) => l.startsWith(`| \`${level}\` `));
    expect(row, `README row for ${level}`).toBeDefined();
    const cells = (row as string).split("|").map((c) => c.trim());
    const actions = (cell: string | undefined) =>
      [...(cell ?? "").matchAll(/`([a-z0-9]+:[A-Za-z]+)`/g)].map((m) => m[1]);
    const info = ACCESS_LEVELS[level];
    expect(cells[2]).toBe(info.summary);
    expect(actions(cells[3])).toEqual([...info.listActions, ...info.bucketActions]);
    expect(actions(cells[4])).toEqual(info.objectActions);
    expect(actions(cells[5])).toEqual(info.kmsActions);
  });
});
