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

/**
 * The one empty list every finished model shares (`compactQuery`, the statement builders): a
 * check keeps every statement's model to its end, most lists of a model are empty, and the
 * young generation's collector copies each live array (a quarter of a million on the
 * PostgreSQL regression corpus). Frozen: a model is read, never added to, once built.
 */
export const NO_ITEMS = Object.freeze([]) as readonly never[] as never[];

/**
 * A built model made as small as it can be, in place: its empty lists are `NO_ITEMS`, the
 * others copied to their length (a list grown by `push` holds room for 17 items). For a
 * model no one adds to afterwards (a parsed statement's).
 */
export function compactQuery(q: QueryModel, within?: Set<QueryModel>): QueryModel {
  q.tables = fitted(q.tables);
  q.joins = fitted(q.joins);
  for (const j of q.joins) j.conditions = fitted(j.conditions);
  q.columns = fitted(q.columns);
  q.predicates = fitted(q.predicates);
  q.equalities = fitted(q.equalities);
  q.orderBy = fitted(q.orderBy);
  q.groupBy = fitted(q.groupBy);
  if (q.similarity) q.similarity = fitted(q.similarity);
  q.subqueries = fitted(q.subqueries);
  if (q.subqueries.length > 0) {
    // A model may be listed twice in its tree (a UNION's first arm is the model itself in some readers): each is compacted once.
    const seen = within ?? new Set<QueryModel>([q]);
    for (const sub of q.subqueries) {
      if (seen.has(sub)) continue;
      seen.add(sub);
      compactQuery(sub, seen);
    }
  }
  return q;
}

function fitted<T>(items: T[]): T[] {
  return items.length === 0 ? NO_ITEMS : items.slice();
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
