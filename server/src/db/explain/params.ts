/**
 * How values given in order bind to a statement's parameters (which the SQL
 * core finds: core/sql/params.ts).
 */
import { statementParams } from '../../core/sql/params';

export { statementParams, type StatementParam } from '../../core/sql/params';

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
