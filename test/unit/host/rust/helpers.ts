import * as assert from 'node:assert/strict';
import type { HostQuery } from '../../../../server/src/core/host/types';

/** The file text a query's SQL substring `token` comes from, through `offsets`. */
export function sourceOf(text: string, query: HostQuery, token: string, occurrence = 0): string {
  const sql = query.sql;
  assert.ok(sql, 'query has SQL');
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = sql.text.indexOf(token, at + 1);
  assert.ok(at >= 0, `${JSON.stringify(token)} in ${JSON.stringify(sql.text)}`);
  const start = sql.offsets[at];
  const end = sql.offsets[at + token.length - 1] + 1;
  return text.slice(start, end);
}

export function covered(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}
