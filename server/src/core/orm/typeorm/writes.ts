/**
 * TypeORM writes run once per item of a loop (commit-in-loop): whether each
 * item sets values of its own. `update(criteria, values)` writes one set of
 * values to every row it matches, so items with values of their own take one
 * statement each, or raw SQL
 * (UPDATE ... FROM UNNEST) through `query()`. (`upsert(rows, keys)` writes many
 * rows' values at once, but as an INSERT: every NOT NULL column must be given.)
 * Items that all set the same values are one `update(In(ids), values)`: the
 * warning stands.
 */
import type { SyntaxNode } from '../../host/treesitter';
import type { Span } from '../../sql/model';
import { asCall, usesLoopValues } from '../../host/typescript/syntax';

export function typeOrmRowWriteNote(root: SyntaxNode, query: { span: Span; statementKind: string }, loop: { targets: string[]; span: Span }): string | undefined {
  if (query.statementKind !== 'update') return undefined;
  const values = updateValues(root, query.span);
  if (!values || !usesLoopValues(values, loop.targets, loop.span, query.span.start)) return undefined;
  return (
    " (Each item sets values of its own: TypeORM's update() writes one set of values to every row it matches, so one " +
    'statement for all means raw SQL (query() with UPDATE ... FROM UNNEST): worth it only when there are many items.)'
  );
}

/** The values of the `update(criteria, values)` call in `span` (an EntityManager's `update(Entity, criteria, values)` too: its last argument), or of a query builder's `.set(values)`. */
function updateValues(root: SyntaxNode, span: Span): SyntaxNode | undefined {
  let node: SyntaxNode | undefined = root;
  // Down the tree to the smallest node holding the whole call.
  for (;;) {
    const inner: SyntaxNode | undefined = node.children.find((c) => c.startIndex <= span.start && c.endIndex >= span.end);
    if (!inner) break;
    node = inner;
  }
  const calls = [node, ...node.descendantsOfType('call_expression')].map((n) => asCall(n)).filter((c) => c !== undefined);
  const update = calls.find((c) => c.name === 'update' && c.args.length >= 2);
  // A query builder's `.update(Entity).set(values)`.
  const set = calls.find((c) => c.name === 'set' && c.args.length === 1);
  return update ? update.args[update.args.length - 1] : set?.args[0];
}
