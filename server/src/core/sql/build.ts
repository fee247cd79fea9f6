/** Dialect-independent helpers to build and finish a QueryModel. */
import type { ColumnRef, QueryModel, StatementKind, TableRef } from './model';

export function emptyQuery(kind: StatementKind): QueryModel {
  return {
    kind,
    tables: [],
    joins: [],
    columns: [],
    predicates: [],
    equalities: [],
    orderBy: [],
    groupBy: [],
    isAggregate: false,
    distinct: false,
    subqueries: [],
    fromless: false,
  };
}

export const AGGREGATES = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg',
  'json_object_agg', 'jsonb_object_agg', 'bool_and', 'bool_or', 'every', 'bit_and', 'bit_or',
  'group_concat', 'total', 'stddev', 'variance', 'xmlagg',
]);

/** Every ColumnRef a model holds, for qualifier resolution. */
function* columnRefs(q: QueryModel): Iterable<ColumnRef> {
  yield* q.columns;
  yield* q.groupBy;
  for (const p of q.predicates) yield p.column;
  for (const o of q.orderBy) yield o.column;
  for (const s of q.similarity ?? []) yield s.column;
  for (const j of q.joins) for (const c of j.conditions) yield* [c.left, c.right];
  for (const c of q.equalities) yield* [c.left, c.right];
}

/**
 * Fills `ColumnRef.table` from aliases: a qualifier names a table or an alias of
 * this query (or of an enclosing one, for correlated subqueries); an unqualified
 * column belongs to the only table when there is exactly one.
 */
export function resolveColumns(q: QueryModel, outer: Map<string, string> = new Map()): void {
  const scope = new Map(outer);
  const refs: TableRef[] = [...q.tables, ...q.joins.map((j) => j.table)];
  for (const t of refs) {
    scope.set(t.name, t.name);
    if (t.schema) scope.set(`${t.schema}.${t.name}`, t.name);
    if (t.alias) scope.set(t.alias, t.name);
  }
  const only = refs.length === 1 ? refs[0].name : undefined;
  for (const c of columnRefs(q)) {
    if (c.table) continue;
    c.table = c.qualifier !== undefined ? scope.get(c.qualifier) : only;
  }
  for (const sub of q.subqueries) resolveColumns(sub, scope);
}
