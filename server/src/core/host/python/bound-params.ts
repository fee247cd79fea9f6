/**
 * Raw SQL run with named values (`session.execute(text("... LIKE :q"), {"q": f"%{q}%"})`,
 * `cursor.execute("... LIKE %(q)s", {"q": ...})`): the placeholders bound to a
 * pattern the code shows, for leading-wildcard-like.
 */
import type { Dialect } from '../../../../../shared/types';
import { Tok, tokenize } from '../../sql/split/lexer';
import type { BoundPattern, EmbeddedSql } from '../types';
import { likePattern, type ValueLookup } from './like-pattern';
import { type Node, stringValue, unwrap } from './nodes';

/** `{"q": value}` → q → value; anything but a dict literal with string keys gives nothing. */
export function namedValues(arg: Node | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  const dict = arg ? unwrap(arg) : undefined;
  if (dict?.type !== 'dictionary') return out;
  for (const pair of dict.namedChildren) {
    const key = pair.type === 'pair' ? stringValue(pair.childForFieldName('key')) : undefined;
    const value = pair.childForFieldName('value');
    if (key !== undefined && value) out.set(key, value);
  }
  return out;
}

/** Each placeholder of `sql` written as `:name` or `%(name)s` in `literal` whose value is a known pattern. */
export function boundPatterns(sql: EmbeddedSql, literal: Node, dialect: Dialect, values: Map<string, Node>, valueOf: ValueLookup): BoundPattern[] {
  if (values.size === 0) return [];
  const out: BoundPattern[] = [];
  const source = literal.text;
  for (const token of tokenize(sql.text, sql.dialect ?? dialect)) {
    if (token.kind !== Tok.Param) continue;
    const at = sql.offsets[token.start]!;
    const written = /^:([A-Za-z_]\w*)|^%\((\w+)\)s/.exec(source.slice(at - literal.startIndex));
    const value = written ? values.get(written[1] ?? written[2]!) : undefined;
    const pattern = value ? likePattern(value, valueOf) : undefined;
    if (written && pattern !== undefined) out.push({ span: { start: at, end: at + written[0].length }, pattern });
  }
  return out;
}
