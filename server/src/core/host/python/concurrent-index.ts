/**
 * The Alembic fix for an index built without CONCURRENTLY: the
 * `op.create_index(...)` call gains `postgresql_concurrently=True` and moves
 * into `with op.get_context().autocommit_block():` (Alembic runs a revision in
 * a transaction, where CREATE INDEX CONCURRENTLY fails). Made on the syntax
 * tree: the keyword goes after the last argument (before a trailing comma or
 * comment), an existing `postgresql_concurrently=...` is set to True, a call
 * already in an autocommit block is not wrapped again; the edited file must
 * parse, else there is no fix.
 */
import type { Span } from '../../sql/model';
import { hostParser } from '../treesitter';
import type { Node } from './nodes';

const KEYWORD = 'postgresql_concurrently';

export function concurrentIndexEdit(text: string, at: number): { span: Span; newText: string } | undefined {
  const tree = hostParser('python').parse(text);
  if (!tree) return undefined;
  const call = tree.rootNode
    .descendantsOfType('call')
    .filter((c) => c.startIndex <= at && at < c.endIndex && /\bcreate_index$/.test(c.childForFieldName('function')?.text ?? ''))
    .pop();
  const args = call?.childForFieldName('arguments');
  const statement = call?.parent;
  if (!call || args?.type !== 'argument_list' || statement?.type !== 'expression_statement' || statement.startIndex !== call.startIndex) return undefined;

  let source = withKeyword(text, call, args);
  if (source === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', call.startIndex - 1) + 1;
  const indent = text.slice(lineStart, call.startIndex);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  if (!inAutocommitBlock(call)) {
    source = `with op.get_context().autocommit_block():\n${indent}    ` + source.replace(/\n/g, '\n    ');
  }
  const edited = text.slice(0, call.startIndex) + source + text.slice(call.endIndex);
  const check = hostParser('python').parse(edited);
  if (!check || check.rootNode.hasError) return undefined;
  return { span: { start: call.startIndex, end: call.endIndex }, newText: source };
}

/** The call's text with `postgresql_concurrently=True`. */
function withKeyword(text: string, call: Node, args: Node): string | undefined {
  const relative = (offset: number) => offset - call.startIndex;
  const source = text.slice(call.startIndex, call.endIndex);
  const existing = args.namedChildren.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === KEYWORD);
  if (existing) {
    const value = existing.childForFieldName('value');
    if (!value) return undefined;
    return source.slice(0, relative(value.startIndex)) + 'True' + source.slice(relative(value.endIndex));
  }
  const last = args.namedChildren.filter((a) => a.type !== 'comment').pop();
  // No arguments names no index; `**options` may carry the keyword already (a duplicate fails at run time).
  if (!last || last.type === 'dictionary_splat') return undefined;
  const end = relative(last.endIndex);
  return `${source.slice(0, end)}, ${KEYWORD}=True${source.slice(end)}`;
}

function inAutocommitBlock(call: Node): boolean {
  for (let node: Node | null = call.parent; node; node = node.parent) {
    if (node.type === 'with_statement' && /autocommit_block\s*\(/.test(node.children.find((c) => c.type === 'with_clause')?.text ?? '')) return true;
    if (node.type === 'function_definition') return false;
  }
  return false;
}
