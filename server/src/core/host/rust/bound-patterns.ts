/**
 * The values bound to a query's placeholders, where the code shows a string
 * for them: `format!("%{}%", q)` as a `query!` argument, in `.bind(..)`, in a
 * client's `&[&..]` slice, or in a `let` of the same function. What the rules
 * get is the file span of each placeholder with the text bound to it
 * (`{}` holes kept), so `LIKE $1` bound to `format!("%{}%", q)` reads as a
 * leading-wildcard search.
 */
import type { Dialect } from '../../../../../shared/types';
import { Tok, tokenize } from '../../sql/split/lexer';
import type { BoundPattern, EmbeddedSql } from '../types';
import { decodeStringLiteral, isStringLiteral } from './strings';
import { type Node, unwrapExpression } from './syntax';

/** A value as written: an expression, or the tokens of one macro argument. */
export type BoundValue = Node | Node[];

/** Placeholders of `sql` that take a value whose text the code shows, in file coordinates. */
export function boundPatterns(sql: EmbeddedSql, dialect: Dialect, values: readonly BoundValue[], at: Node): BoundPattern[] {
  if (values.length === 0) return [];
  const texts = values.map((v) => valueText(v, at, 0));
  const out: BoundPattern[] = [];
  let next = 0;
  for (const token of tokenize(sql.text, dialect)) {
    if (token.kind !== Tok.Param) continue;
    const param = sql.text.slice(token.start, token.end);
    const numbered = /^[$?](\d+)$/.exec(param);
    const index = numbered ? Number(numbered[1]) - 1 : param === '?' ? next++ : undefined;
    const text = index !== undefined ? texts[index] : undefined;
    if (text !== undefined) out.push({ span: { start: sql.offsets[token.start]!, end: sql.offsets[token.end]! }, pattern: text });
  }
  return out;
}

/** The elements of a client's parameter slice (`&[&pattern, &id]`). */
export function sliceValues(arg: Node | undefined): readonly Node[] {
  const slice = arg && unwrapExpression(arg);
  return slice?.type === 'array_expression' ? slice.namedChildren : [];
}

/** The string a value stands for: a literal, `format!("..")`, or a variable a `let` before `at` gave one. */
function valueText(value: BoundValue, at: Node, hops: number): string | undefined {
  const tokens = Array.isArray(value) ? value.filter((t) => t.type !== '&') : undefined;
  if (tokens && tokens.length === 1) return valueText(tokens[0]!, at, hops);
  if (tokens) {
    // `format!(...)` as tokens: identifier, `!`, token tree.
    const [name, bang, tree] = tokens;
    return name?.text === 'format' && bang?.type === '!' && tree?.type === 'token_tree' ? formatText(tree) : undefined;
  }
  const node = unwrapExpression(value as Node);
  const literal: Node | undefined = node;
  if (isStringLiteral(literal)) return known(decodeStringLiteral(literal).text);
  if (node.type === 'macro_invocation' && node.childForFieldName('macro')?.text === 'format') {
    const tree = node.namedChildren.find((c) => c.type === 'token_tree');
    return tree ? formatText(tree) : undefined;
  }
  if (node.type === 'identifier' && hops < 3) {
    const bound = letValue(node.text, at);
    return bound ? valueText(bound, bound, hops + 1) : undefined;
  }
  return undefined;
}

function formatText(tree: Node): string | undefined {
  const literal = tree.namedChildren.find(isStringLiteral);
  return literal ? known(decodeStringLiteral(literal).text) : undefined;
}

/** A text that starts with literal text: a leading `{..}` hole leaves the start, which decides the search, unknown. */
function known(text: string): string | undefined {
  return text === '' || /^\{[^}]*\}/.test(text) ? undefined : text;
}

/** The value of the last `let name = ...` before `at` in its function. */
function letValue(name: string, at: Node): Node | undefined {
  let fn: Node | null = at.parent;
  while (fn && fn.type !== 'function_item') fn = fn.parent;
  if (!fn) return undefined;
  let found: Node | undefined;
  for (const decl of fn.descendantsOfType('let_declaration')) {
    if (decl.startIndex >= at.startIndex) break;
    if (decl.childForFieldName('pattern')?.text === name) found = decl.childForFieldName('value') ?? undefined;
  }
  return found;
}
