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

const NO_SCOPE: ReadonlyMap<string, string> = new Map();

/**
 * Fills `ColumnRef.table` from aliases: a qualifier names a table or an alias of
 * this query (or of an enclosing one, for correlated subqueries); an unqualified
 * column belongs to the only table when there is exactly one.
 */
export function resolveColumns(q: QueryModel, outer: ReadonlyMap<string, string> = NO_SCOPE): void {
  const refs: TableRef[] = q.joins.length === 0 ? q.tables : [...q.tables, ...q.joins.map((j) => j.table)];
  // A query without tables of its own sees its enclosing query's names: no copy of them.
  let scope = outer;
  if (refs.length > 0) {
    const own = new Map(outer);
    for (const t of refs) {
      own.set(t.name, t.name);
      if (t.schema) own.set(`${t.schema}.${t.name}`, t.name);
      if (t.alias) own.set(t.alias, t.name);
    }
    scope = own;
  }
  const only = refs.length === 1 ? refs[0].name : undefined;
  // Every ColumnRef the model holds (no generator: this runs for every query of a corpus).
  const resolve = (c: ColumnRef): void => {
    if (!c.table) c.table = c.qualifier !== undefined ? scope.get(c.qualifier) : only;
  };
  for (const c of q.columns) resolve(c);
  for (const c of q.groupBy) resolve(c);
  for (const p of q.predicates) resolve(p.column);
  for (const o of q.orderBy) resolve(o.column);
  if (q.similarity) for (const s of q.similarity) resolve(s.column);
  for (const j of q.joins) {
    for (const c of j.conditions) {
      resolve(c.left);
      resolve(c.right);
    }
  }
  for (const c of q.equalities) {
    resolve(c.left);
    resolve(c.right);
  }
  for (const sub of q.subqueries) resolveColumns(sub, scope);
}
