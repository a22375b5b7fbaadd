import type { PresignedPost } from "./post.js";

export interface UploadFormOptions {
  title?: string | undefined;
  /**
   * When the policy only fixes a Content-Type prefix (e.g. "image/"), the form
   * must send a Content-Type field itself: a text input is added, prefilled with
   * the prefix and completed from the chosen file's type by a one-line script.
   */
  contentTypePrefix?: string | undefined;
  /** The file picker's `accept` attribute, e.g. "image/*". */
  accept?: string | undefined;
}

/**
 * A minimal, self-contained HTML page with a form that uploads one file with a
 * presigned POST. S3 ignores form fields that come after the file, so the file
 * input is last.
 */
export function renderUploadForm(post: PresignedPost, options: UploadFormOptions = {}): string {
  const title = options.title ?? "Upload a file";
  const hidden = Object.entries(post.fields)
    .map(
      ([name, value]) =>
        `    <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join("\n");
  const prefix = options.contentTypePrefix;
  const contentType =
    prefix === undefined
      ? ""
      : `
    <label>Content-Type <input type="text" name="Content-Type" value="${escapeHtml(prefix)}" required></label>`;
  const accept = options.accept === undefined ? "" : ` accept="${escapeHtml(options.accept)}"`;
  // With a Content-Type input, fill it from the picked file (browsers know its type).
  const onchange =
    prefix === undefined
      ? ""
      : ` onchange="if (this.files[0] &amp;&amp; this.files[0].type) this.form.elements['Content-Type'].value = this.files[0].type"`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <h1>${escapeHtml(title)}</h1>
  <p>This form works until ${escapeHtml(post.expiresAt)}.</p>
  <form action="${escapeHtml(post.url)}" method="post" enctype="multipart/form-data">
${hidden}${contentType}
    <input type="file" name="file"${accept}${onchange} required>
    <button type="submit">Upload</button>
  </form>
</body>
</html>
`;
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
