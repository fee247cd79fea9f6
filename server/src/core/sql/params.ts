/**
 * The parameters a statement takes, read with the SQL core's lexer (so `?`
 * inside a string or a comment is never taken for one). Explain binds values
 * to them; the editor asks for them by name.
 */
import type { Dialect } from '../../../../shared/types';
import { Tok, tokenize } from './split/lexer';

export interface StatementParam {
  /** As written: `$1`, `?`, `?2`, `:id`, `@id`. */
  text: string;
  /** Index of the value it takes in the values given in order. */
  valueIndex: number;
  /** Offset of its first appearance in the statement. */
  start: number;
}

/**
 * Distinct parameters in order of first appearance. `$N` and `?N` take value N
 * (1-based); every `?` takes the next value; each name takes the next value
 * on its first appearance. On PostgreSQL only `$N` are parameters (`?` is a
 * jsonb operator there); MySQL's `?` are positional as SQLite's.
 */
export function statementParams(sql: string, dialect: Dialect): StatementParam[] {
  const out: StatementParam[] = [];
  const seen = new Map<string, number>();
  let next = 0;
  for (const token of tokenize(sql, dialect)) {
    if (token.kind !== Tok.Param) continue;
    const text = sql.slice(token.start, token.end);
    if (dialect === 'postgres' && !text.startsWith('$')) continue;
    const numbered = /^[$?](\d+)$/.exec(text);
    if (text === '?') {
      out.push({ text, valueIndex: next++, start: token.start });
    } else if (!seen.has(text)) {
      const valueIndex = numbered ? Number(numbered[1]) - 1 : next;
      if (numbered) next = Math.max(next, valueIndex + 1);
      else next++;
      seen.set(text, valueIndex);
      out.push({ text, valueIndex, start: token.start });
    }
  }
  return out;
}
