/**
 * A command's notes, after its examples in `--help`: what the options list cannot say
 * (rules, defaults, JSON fields, exit codes). Written as paragraphs without line breaks
 * and wrapped here at the help's width, so that they read the same at any terminal width
 * and in the generated reference. A paragraph starting with "- " is a list item (its
 * lines hang under the text); one starting with two spaces is kept as written (a command,
 * a table).
 */
export function renderNotes(paragraphs: readonly string[], width: number): string {
  const indent = "  ";
  const blocks: string[] = [];
  let previousWasItem = false;
  for (const paragraph of paragraphs) {
    const isItem = paragraph.startsWith("- ");
    const lines = paragraph.startsWith("  ")
      ? paragraph.split("\n").map((line) => indent + line.slice(2))
      : wrapText(paragraph, width - indent.length, isItem ? "  " : "").map((l) => indent + l);
    if (blocks.length > 0 && !(isItem && previousWasItem)) blocks.push("");
    blocks.push(...lines);
    previousWasItem = isItem;
  }
  return `\nNotes:\n${blocks.join("\n")}`;
}

/**
 * Words of `text` in lines of at most `width` (a longer word stands alone); lines after the
 * first start with `hang`.
 */
export function wrapText(text: string, width: number, hang: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (line !== "" && candidate.length > width) {
      lines.push(line);
      line = hang + word;
    } else {
      line = candidate;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
