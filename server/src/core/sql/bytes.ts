/**
 * Offset conversions. libpg-query reports AST `location`s as UTF-8 byte offsets
 * and error cursors as code-point offsets; our spans are UTF-16 offsets.
 * For ASCII text (the common case) all three are the same and nothing is built.
 */

/** Maps an offset in some unit to a UTF-16 offset within one string. */
export type OffsetMap = (offset: number) => number;

const identity: OffsetMap = (o) => o;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** UTF-8 byte offset → UTF-16 offset. */
export function byteToUtf16Map(text: string): OffsetMap {
  if (isAscii(text)) return identity;
  const table = new Int32Array(Buffer.byteLength(text, 'utf8') + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let width: number;
    if (c < 0x80) width = 1;
    else if (c < 0x800) width = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: 4 bytes for 2 UTF-16 units.
      table[b] = table[b + 1] = i;
      table[b + 2] = table[b + 3] = i + 1;
      b += 4;
      i++;
      continue;
    } else width = 3;
    for (let k = 0; k < width; k++) table[b + k] = i;
    b += width;
  }
  table[b] = text.length;
  return (o) => (o <= 0 ? 0 : o >= b ? text.length : table[o]);
}

/** Unicode code point offset → UTF-16 offset. */
export function codePointToUtf16(text: string, cp: number): number {
  let i = 0;
  for (let k = 0; k < cp && i < text.length; k++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}
