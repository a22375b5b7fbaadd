import { describe, expect, it } from "vitest";
import { allPages } from "../../../src/core/iam/listing.js";

describe("allPages", () => {
  it("follows markers until the listing is complete", async () => {
    const pages = await allPages(async (marker) =>
      marker === undefined
        ? { IsTruncated: true, Marker: "m1", items: [1] }
        : marker === "m1"
          ? { IsTruncated: true, Marker: "m2", items: [2] }
          : { IsTruncated: false, items: [3] },
    );
    expect(pages.flatMap((p) => p.items)).toEqual([1, 2, 3]);
  });
});
