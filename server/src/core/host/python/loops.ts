/**
 * Loops around calls: `for`, `async for`, `while` and comprehensions, with the
 * names they bind and the iterated expression, for the n-plus-one and
 * commit-in-loop rules.
 */
import type { LoopContext } from '../types';
import { type Node, spanOf } from './nodes';

export const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Names bound by a loop target: `a`, `(a, b)`, `a, (b, c)`, `*rest`. */
export function targetNames(target: Node | null | undefined, out: string[] = []): string[] {
  if (!target) return out;
  if (target.type === 'identifier') out.push(target.text);
  else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'list_splat_pattern', 'parenthesized_expression'].includes(target.type)) {
    for (const c of target.namedChildren) targetNames(c, out);
  }
  return out;
}

export function forLoop(node: Node): LoopContext {
  const isAsync = node.children.some((c) => c.type === 'async');
  const right = node.childForFieldName('right');
  return {
    kind: isAsync ? 'async-for' : 'for',
    span: spanOf(node),
    targets: targetNames(node.childForFieldName('left')),
    ...(right ? { iterable: right.text } : {}),
  };
}

export function whileLoop(node: Node): LoopContext {
  return { kind: 'while', span: spanOf(node), targets: [] };
}

/** A comprehension: every `for ... in ...` clause's targets; the first clause's iterable. */
export function comprehensionLoop(node: Node): LoopContext {
  const clauses = node.namedChildren.filter((c) => c.type === 'for_in_clause');
  const targets = clauses.flatMap((c) => targetNames(c.childForFieldName('left')));
  const right = clauses[0]?.childForFieldName('right');
  return { kind: 'comprehension', span: spanOf(node), targets, ...(right ? { iterable: right.text } : {}) };
}
