/**
 * Positions in embedded SQL → positions in the host file. The SQL core parses
 * `EmbeddedSql.text` and reports spans in it; `offsets[i]` says where
 * `text[i]` comes from in the file, with a final entry for the end.
 */
import type { EmbeddedSql } from './types';

/** The file offset of offset `offset` of the SQL text. */
export function sqlOffsetToFile(sql: EmbeddedSql, offset: number): number {
  const last = sql.offsets.length - 1;
  return sql.offsets[Math.max(0, Math.min(offset, last))]!;
}

/** A copy of `value` with every span (`{start, end}`) moved from SQL text to file offsets. */
export function spansToFile<T>(value: T, sql: EmbeddedSql): T {
  if (Array.isArray(value)) return value.map((v) => spansToFile(v, sql)) as T;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      return { start: sqlOffsetToFile(sql, o.start), end: sqlOffsetToFile(sql, o.end) } as T;
    }
    const out: Record<string, unknown> = {};
    for (const key in o) {
      const v = o[key];
      out[key] = v && typeof v === 'object' ? spansToFile(v, sql) : v;
    }
    return out as T;
  }
  return value;
}
