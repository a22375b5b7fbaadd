/**
 * S3 lists keys in the order of their UTF-8 bytes, which is Unicode code point order.
 * JavaScript's `<` compares UTF-16 code units, which agrees except where a character
 * above U+FFFF (a surrogate pair, U+D800–U+DFFF) meets one from U+E000 to U+FFFF: `<` puts
 * the pair first, S3 puts it last. A merge of two listings must use one order on both
 * sides, or it pairs the wrong names.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Surrogates (the start of a character above U+FFFF) rank above U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
