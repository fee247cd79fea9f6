/**
 * The values bound to a query's placeholders, where the code shows a string
 * for them: `pool.query('... ILIKE $1', [`%${q}%`])`, postgres.js
 * `` ILIKE ${'%' + q + '%'} ``, knex `raw('... LIKE ?', [pattern])` with
 * `const pattern = '%' + q`. Each placeholder's file span with the text bound
 * to it (`{}` for the parts known only at run time), so `LIKE $1` bound to
 * `%${q}%` reads as a leading-wildcard search.
 */
import type { Dialect } from '../../../../../shared/types';
import { Tok, tokenize } from '../../sql/split/lexer';
import type { BoundPattern, EmbeddedSql } from '../types';
import { decode } from './strings';
import { type Node, unwrap } from './syntax';

/** Placeholders of `sql` that take a value whose text the code shows, in file coordinates. */
export function boundPatterns(
  sql: EmbeddedSql,
  dialect: Dialect,
  holes: Node[],
  values: Node[],
  constValue: (name: string, at: Node) => Node | undefined,
): BoundPattern[] {
  if (holes.length === 0 && values.length === 0) return [];
  const out: BoundPattern[] = [];
  let next = 0;
  for (const token of tokenize(sql.text, dialect)) {
    if (token.kind !== Tok.Param) continue;
    const start = sql.offsets[token.start]!;
    const hole = holes.find((h) => h.startIndex <= start && start < h.endIndex);
    let value: Node | undefined;
    if (hole) value = hole.namedChildren.find((c) => c.type !== 'comment') ?? undefined;
    else {
      const param = sql.text.slice(token.start, token.end);
      const numbered = /^[$?](\d+)$/.exec(param);
      value = numbered ? values[Number(numbered[1]) - 1] : param === '?' ? values[next++] : undefined;
    }
    const text = value ? known(valueText(value, constValue, 0)) : undefined;
    if (text !== undefined) out.push({ span: { start, end: sql.offsets[token.end]! }, pattern: text });
  }
  return out;
}

/** The string an expression stands for, run-time parts as `{}`: literals, templates, `+`, a `const`. */
function valueText(node: Node, constValue: (name: string, at: Node) => Node | undefined, hops: number): string | undefined {
  const n = unwrap(node);
  if (n.type === 'identifier') {
    const value = hops < 3 ? constValue(n.text, n) : undefined;
    return value ? valueText(value, constValue, hops + 1) : '{}';
  }
  const decoded = decode(n);
  if (!decoded) return undefined;
  let text = '';
  let at = 0;
  for (const hole of decoded.holes) {
    text += decoded.text.slice(at, hole.at);
    text += (hops < 3 && valueText(hole.expression, constValue, hops + 1)) || '{}';
    at = hole.at;
  }
  return text + decoded.text.slice(at);
}

/** A text that starts with literal text: a leading run-time part leaves the start, which decides the search, unknown. */
function known(text: string | undefined): string | undefined {
  return text === undefined || text === '' || text.startsWith('{}') ? undefined : text;
}
