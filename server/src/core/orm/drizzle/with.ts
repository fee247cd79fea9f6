/**
 * n-plus-one in Drizzle's relational API: a query per row of `db.query.agents.findMany(...)` for the
 * rows of a relation `relations()` declares (`tasks: many(tasks)`) is what `with: { tasks: true }`
 * loads with the list, in the same statement (query.ts). The advice names it; the fix, when the
 * query per row reads exactly that relation's rows (every column, by the key alone, awaited in the
 * loop: `await db.select().from(tasks).where(eq(tasks.agentId, agent.id))`), adds `with` to the
 * list's options and reads the rows from the row instead (`agent.tasks`).
 */
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel, HostQuery, ModelField } from '../../host/types';
import type { OrmEdit, OrmSource } from '../../host/typescript/orms';
import { unwrap } from '../../host/typescript/syntax';
import { appendTo } from './fix';

/** The relational call at `span`: `X.query.<key>.findMany(options?)`. */
function relationalCall(root: SyntaxNode, span: { start: number; end: number }): { key: string; call: SyntaxNode; options?: SyntaxNode } | undefined {
  let node: SyntaxNode | undefined = root;
  while (node && !(node.startIndex === span.start && node.endIndex === span.end)) node = node.children.find((c) => c.startIndex <= span.start && c.endIndex >= span.end);
  const call = node && unwrap(node.type === 'await_expression' ? (node.namedChildren[0] ?? node) : node);
  if (call?.type !== 'call_expression') return undefined;
  const fn = unwrap(call.childForFieldName('function')!);
  if (fn.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'findMany') return undefined;
  const table = unwrap(fn.childForFieldName('object')!);
  const query = table.type === 'member_expression' ? unwrap(table.childForFieldName('object')!) : undefined;
  if (query?.type !== 'member_expression' || query.childForFieldName('property')?.text !== 'query') return undefined;
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
  if (args.length > 1 || (args[0] && unwrap(args[0]).type !== 'object')) return undefined;
  return { key: table.childForFieldName('property')!.text, call, ...(args[0] ? { options: unwrap(args[0]) } : {}) };
}

export function drizzleWithLoad(source: OrmSource, models: readonly HostModel[], outer: HostQuery, query: HostQuery, column: string): { advice: string; fix?: OrmEdit } | undefined {
  const root = source.root();
  const found = outer.orm === 'drizzle' && root ? relationalCall(root, outer.span) : undefined;
  const drizzle = models.filter((m) => m.orm === 'drizzle' && m.table !== '');
  const parent = found && drizzle.find((m) => m.className === found.key);
  const model = query.model;
  const child = model?.tables.length === 1 ? drizzle.filter((m) => m.table === model.tables[0]!.name) : [];
  if (!parent || !model || child.length !== 1) return undefined;
  const relations = (parent.fields ?? []).filter((f) => f.relation?.target === child[0]!.className && f.relation.references.length === 1 && f.relation.references[0] === column);
  if (relations.length !== 1) return undefined;
  const relation = relations[0]!;
  const withEntry = found.options?.namedChildren.find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === 'with');
  const loads = withEntry && unwrap(withEntry.childForFieldName('value')!);
  if (loads?.type === 'object' && loads.namedChildren.some((p) => p.type === 'pair' && p.childForFieldName('key')?.text === relation.name)) {
    return { advice: `Its db.query.${found.key}.findMany already loads them (with: { ${relation.name}: ... }): read each row's ${relation.name} instead of this query.` };
  }
  const key = model.predicates.find((p) => p.column.column === column && p.op === 'eq');
  const plain = !!key && model.predicates.length === 1 && model.columns.length === 0 && model.joins.length === 0 && model.orderBy.length === 0 && !model.limit && !model.offset && !model.isAggregate && !model.distinct;
  const advice =
    `Drizzle can also load them with the list: add with: { ${relation.name}: ${plain ? 'true' : '{ where, orderBy, limit }'} } to its db.query.${found.key}.findMany` +
    `${plain ? '' : ", with this query's other conditions, order and limit inside"}: each row then holds its ${relation.name}, read in the same statement.`;
  const fix = plain && relation.relation!.many ? withFix(source.text, found, relation, parent, child[0]!, query, key.span) : undefined;
  return { advice, ...(fix ? { fix } : {}) };
}

/**
 * `with: { tasks: true }` added to the list's options, and the awaited query per row replaced by the row's
 * `agent.tasks`: only when its key is the row's own key column (`agent.id`, the column the relation's rows reference).
 */
function withFix(text: string, found: { key: string; call: SyntaxNode; options?: SyntaxNode }, relation: ModelField, parent: HostModel, child: HostModel, query: HostQuery, keySpan: { start: number; end: number }): OrmEdit | undefined {
  const call = text.slice(query.span.start, query.span.end);
  const value = /\b([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\s*\)\s*$/.exec(text.slice(keySpan.start, keySpan.end));
  // The rows' key the relation's rows point at: the other side's `one(...)` names it (`references: [agents.id]`), else the primary key `id`.
  const back = (child.fields ?? []).find((f) => f.relation?.target === parent.className && !f.relation.many && f.relation.columns.length === 1 && f.relation.columns[0] === relation.relation!.references[0]);
  const referenced = back?.relation!.references[0] ?? 'id';
  const field = value && (parent.fields ?? []).find((f) => f.name === value[2] && !f.relation);
  if (!/^await\s/.test(call) || !value || field?.column !== referenced) return undefined;
  const edits = [];
  const entry = `${relation.name}: true`;
  if (!found.options) {
    const args = found.call.childForFieldName('arguments')!;
    edits.push({ span: { start: args.startIndex + 1, end: args.endIndex - 1 }, newText: `{ with: { ${entry} } }` });
  } else {
    const existing = found.options.namedChildren.find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === 'with');
    const loads = existing && unwrap(existing.childForFieldName('value')!);
    if (existing && loads?.type !== 'object') return undefined;
    edits.push(loads ? appendTo(text, loads, entry) : appendTo(text, found.options, `with: { ${entry} }`));
  }
  edits.push({ span: { ...query.span }, newText: `${value[1]}.${relation.name}` });
  return { title: `Load ${relation.name} with the ${found.key} rows (with: { ${entry} }) and read ${value[1]}.${relation.name} in the loop`, edits };
}
