import { describe, expect, it } from "vitest";
import { FILENAME_PLACEHOLDER, presignPost } from "../../../src/core/presign/post.js";
import { escapeHtml, renderUploadForm } from "../../../src/core/presign/post-form.js";

const config = {
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  region: "us-east-1",
  signingDate: new Date("2026-01-02T03:04:05Z"),
};

function inputNames(html: string): string[] {
  return [...html.matchAll(/<input [^>]*name="([^"]*)"/g)].map((m) => m[1] ?? "");
}

describe("renderUploadForm", () => {
  it("posts every field, then the file, to the bucket URL", () => {
    const post = presignPost(config, {
      bucket: "my-uploads",
      key: "docs/",
      contentType: "application/pdf",
    });
    const html = renderUploadForm(post, { title: "Upload a report", accept: "application/pdf" });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      '<form action="https://my-uploads.s3.us-east-1.amazonaws.com/" method="post" enctype="multipart/form-data">',
    );
    expect(inputNames(html)).toEqual([...Object.keys(post.fields), "file"]);
    expect(html).toContain(`name="Policy" value="${post.fields.Policy}"`);
    expect(html).toContain(`name="key" value="docs/${FILENAME_PLACEHOLDER}"`);
    expect(html).toContain('accept="application/pdf"');
    expect(html).toContain("<title>Upload a report</title>");
    expect(html).toContain("2026-01-02T03:19:05Z");
    expect(html).not.toContain("<script");
  });

  it("adds a Content-Type input, before the file, when only a prefix is fixed", () => {
    const post = presignPost(config, {
      bucket: "my-uploads",
      key: "img/",
      contentTypePrefix: "image/",
    });
    const html = renderUploadForm(post, { contentTypePrefix: "image/" });
    const names = inputNames(html);
    expect(names.at(-2)).toBe("Content-Type");
    expect(names.at(-1)).toBe("file");
    expect(html).toContain('name="Content-Type" value="image/"');
    expect(html).toContain("this.files[0].type");
  });

  it("escapes values so they cannot break out of attributes", () => {
    const post = presignPost(config, { bucket: "b-1", key: 'a"><script>alert(1)</script>' });
    const html = renderUploadForm(post, { title: "<b>&" });
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;b&gt;&amp;");
    expect(html).toContain('value="a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});
