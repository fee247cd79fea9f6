/**
 * Rust string literals as the database receives them: escapes resolved, with
 * the file offset of every UTF-16 unit (EmbeddedSql.offsets).
 */
import type { EmbeddedSql } from '../types';
import { spanOf, type Node } from './syntax';

export function isStringLiteral(node: Node | null | undefined): node is Node {
  return node?.type === 'string_literal' || node?.type === 'raw_string_literal';
}

/** The literal's value and offsets; raw strings have no escapes, plain strings may. */
export function decodeStringLiteral(literal: Node): Omit<EmbeddedSql, 'dialect'> {
  const pieces = literal.namedChildren.filter((n) => n.type === 'string_content' || n.type === 'escape_sequence');
  let text = '';
  const offsets: number[] = [];
  // After a `\` line continuation Rust drops the newline and the next line's leading whitespace.
  let skipWhitespace = false;
  for (const piece of pieces) {
    if (piece.type === 'escape_sequence' && literal.type === 'string_literal') {
      const value = escapeValue(piece.text);
      if (value === undefined) {
        skipWhitespace = true;
        continue;
      }
      skipWhitespace = false;
      for (let i = 0; i < value.length; i++) offsets.push(piece.startIndex);
      text += value;
      continue;
    }
    const content = piece.text;
    for (let i = 0; i < content.length; i++) {
      if (skipWhitespace && isRustWhitespace(content[i])) continue;
      skipWhitespace = false;
      text += content[i];
      offsets.push(piece.startIndex + i);
    }
  }
  offsets.push(contentEnd(literal, pieces));
  return { text, offsets, literal: spanOf(literal) };
}

/** Where the content ends: the closing quote (the last content piece's end, or just inside the delimiter when empty). */
function contentEnd(literal: Node, pieces: Node[]): number {
  const last = pieces[pieces.length - 1];
  if (last) return last.endIndex;
  const closing = literal.children.filter((c) => c.type === '"');
  if (closing.length === 2) return closing[1].startIndex;
  // Empty raw string `r#""#`: the closing delimiter is `"#...`, as long as the opening `r#..."` minus the `r`.
  const hashes = (literal.text.length - 3) >> 1;
  return literal.endIndex - hashes - 1;
}

/** The characters an escape stands for; undefined for a line continuation (`\` + newline). */
function escapeValue(escape: string): string | undefined {
  const c = escape[1];
  switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case '0': return '\0';
    case '\\': return '\\';
    case '"': return '"';
    case '\'': return '\'';
    case '\n': case '\r': return undefined;
    case 'x': return String.fromCharCode(parseInt(escape.slice(2, 4), 16));
    case 'u': {
      const code = parseInt(escape.slice(3, -1), 16);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    default: return escape.slice(1);
  }
}

function isRustWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}
