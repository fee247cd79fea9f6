/**
 * psql variables (`:name`, `:'name'`, `:"name"`) in a SQL file: psql puts the
 * variable's value there before PostgreSQL sees the text, so they are not
 * syntax errors. For the parser each is masked, length kept (spans stay
 * true): `:name` becomes the identifier `_name`, `:'name'` the literal
 * ` 'name'`, `:"name"` the quoted identifier ` "name"`.
 */
import { Tok, tokenize } from './split/lexer';

const COLON = 58;

/** The text with its psql variables masked, or undefined when it has none. */
export function maskPsqlVariables(text: string): string | undefined {
  const at: { pos: number; by: string }[] = [];
  for (const { kind, start } of tokenize(text, 'postgres')) {
    if (text.charCodeAt(start) !== COLON || !followsSeparator(text, start)) continue;
    if (kind === Tok.Param) at.push({ pos: start, by: '_' });
    else if (kind === Tok.Punct && (text[start + 1] === "'" || text[start + 1] === '"')) at.push({ pos: start, by: ' ' });
  }
  if (at.length === 0) return undefined;
  let out = '';
  let from = 0;
  for (const { pos: p, by } of at) {
    out += text.slice(from, p) + by;
    from = p + 1;
  }
  return out + text.slice(from);
}

/** A variable stands where a value or name starts: not in `a[1:n]` or `x::int`. */
function followsSeparator(text: string, colon: number): boolean {
  const before = colon > 0 ? text[colon - 1]! : ' ';
  return /[\s(,=<>]/.test(before);
}
