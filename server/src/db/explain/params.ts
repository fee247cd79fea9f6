/**
 * The parameters a statement takes, read with the SQL core's lexer (so `?`
 * inside a string or a comment is never taken for one), and how values given
 * in order bind to them.
 */
import type { DbDialect } from '../types';
import { Tok, tokenize } from '../../core/sql/split/lexer';

export interface StatementParam {
  /** As written: `$1`, `?`, `?2`, `:id`, `@id`. */
  text: string;
  /** Index of the value it takes in the values given in order. */
  valueIndex: number;
}

/**
 * Distinct parameters in order of first appearance. `$N` and `?N` take value N
 * (1-based); every `?` takes the next value; each name takes the next value
 * on its first appearance. On PostgreSQL only `$N` are parameters (`?` is a
 * jsonb operator there).
 */
export function statementParams(sql: string, dialect: DbDialect): StatementParam[] {
  const out: StatementParam[] = [];
  const seen = new Map<string, number>();
  let next = 0;
  for (const token of tokenize(sql, dialect)) {
    if (token.kind !== Tok.Param) continue;
    const text = sql.slice(token.start, token.end);
    if (dialect === 'postgres' && !text.startsWith('$')) continue;
    const numbered = /^[$?](\d+)$/.exec(text);
    if (text === '?') {
      out.push({ text, valueIndex: next++ });
    } else if (!seen.has(text)) {
      const valueIndex = numbered ? Number(numbered[1]) - 1 : next;
      if (numbered) next = Math.max(next, valueIndex + 1);
      else next++;
      seen.set(text, valueIndex);
      out.push({ text, valueIndex });
    }
  }
  return out;
}

/** Number of values a PostgreSQL statement takes (its highest `$N`). */
export function pgParamCount(sql: string): number {
  return statementParams(sql, 'postgres').reduce((max, p) => Math.max(max, p.valueIndex + 1), 0);
}

export interface SqliteBinding {
  /** Values of the anonymous `?`, in order. */
  anonymous: unknown[];
  /** Values of named and numbered parameters, by name without its prefix (`?2` → `2`, `:id` → `id`). */
  named: Record<string, unknown>;
}

/**
 * SQLite binding of values given in order; a parameter with no value binds
 * NULL (so EXPLAIN QUERY PLAN works without values). Booleans become 1/0,
 * which is how SQLite stores them.
 */
export function sqliteBinding(sql: string, values: readonly unknown[] = []): SqliteBinding {
  const binding: SqliteBinding = { anonymous: [], named: {} };
  for (const p of statementParams(sql, 'sqlite')) {
    const raw = p.valueIndex < values.length ? values[p.valueIndex] : null;
    const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw === undefined ? null : raw;
    if (p.text === '?') binding.anonymous.push(value);
    else binding.named[p.text.slice(1)] = value;
  }
  return binding;
}
