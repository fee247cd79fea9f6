/**
 * Helpers over a host language's syntax tree that do not depend on the
 * language: every extractor reads the parser's copy of the tree
 * (treesitter.ts), whose indices are UTF-16 units when the parser is given a
 * JavaScript string, so they are file offsets as they are.
 */
import type { Span } from '../sql/model';
import type { SyntaxNode } from './treesitter';

/** The extractors read the parser's copy of the tree (treesitter.ts), not web-tree-sitter's nodes. */
export type Node = SyntaxNode;

export function spanOf(node: Node): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** Pre-order walk over named nodes; `visit` returning false skips the node's children. */
export function walk(node: Node, visit: (node: Node) => boolean | void): void {
  if (visit(node) === false) return;
  for (const child of node.namedChildren) walk(child, visit);
}

/** True when `inner` lies within `outer` (same tree). */
export function within(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}
