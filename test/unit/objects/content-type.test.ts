import { describe, expect, it } from "vitest";
import { contentTypeFor } from "../../../src/core/objects/content-type.js";

describe("contentTypeFor", () => {
  it.each([
    ["index.html", "text/html"],
    ["site/app.JS", "text/javascript"],
    ["data.json", "application/json"],
    ["photo.JPG", "image/jpeg"],
    ["a/b/c.tar.gz", "application/gzip"],
    ["font.woff2", "font/woff2"],
    ["report.pdf", "application/pdf"],
    ["icon.svg", "image/svg+xml"],
  ])("%s → %s", (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });

  it.each(["README", "archive.unknownext", ".gitignore", "dir.d/file"])(
    "%s has no known type",
    (name) => {
      expect(contentTypeFor(name)).toBeUndefined();
    },
  );
});
