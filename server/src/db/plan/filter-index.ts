/**
 * From a plan node's condition (`Filter`, `Join Filter`) to the columns it
 * filters on and the index that would serve it, through the project's own
 * SQL core and index advice: the condition is parsed as the WHERE (or the
 * JOIN ... ON) of a query over the node's relation, and the resulting
 * QueryModel goes to `indexNeeds`, the same code the missing-index rules use
 * (equality columns first, then one range column).
 *
 * PostgreSQL prints varchar columns cast to text (`(planner_id)::text =
 * 'x'::text`); those casts are binary-compatible and an index on the column
 * serves them, so they are cut out (located through libpg-query's parse tree)
 * before the SQL core sees the condition.
 */
import { parseSync } from '../../core/sql/pg/wasm';
import type { SuggestedIndex } from '../../../../shared/explain';
import type { Catalog, TableInfo } from '../../core/catalog/types';
import { createIndexSql, quoteIdent } from '../../core/migrations/writer';
import { indexNeeds, knownTable } from '../../core/rules/query-helpers';
import type { Dialect } from '../../../../shared/types';
import type { QueryModel } from '../../core/sql/model';
import { parseStatement } from '../../core/sql/parse';

type PgNode = Record<string, unknown>;

/** The condition's text with `(column)::type` casts on the column side of comparisons removed. */
export function withoutColumnCasts(sql: string): string {
  let tree: unknown;
  try {
    tree = parseSync(sql);
  } catch {
    return sql;
  }
  const cuts: [number, number][] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const expr = (node as PgNode).A_Expr as PgNode | undefined;
    const cast = expr && columnCast(expr.lexpr);
    // A cast's location is its `::`; an operator expression's is its operator: the type name lies between.
    if (cast !== undefined && typeof expr!.location === 'number' && expr!.location > cast) cuts.push([cast, expr!.location as number]);
    for (const value of Object.values(node)) walk(value);
  };
  walk(tree);
  let out = sql;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) out = `${out.slice(0, start)} ${out.slice(end)}`;
  return out;
}

/** Location of the innermost `::` of a cast chain around a plain column, if the node is one. */
function columnCast(node: unknown): number | undefined {
  const cast = (node as PgNode | undefined)?.TypeCast as PgNode | undefined;
  if (!cast) return undefined;
  const arg = cast.arg as PgNode | undefined;
  if (arg?.ColumnRef) return typeof cast.location === 'number' ? cast.location : undefined;
  return columnCast(arg);
}

export interface Relation {
  name: string;
  alias?: string;
}

/**
 * The QueryModel of `condition` over `relation`: as a WHERE, or (`asJoin`) as
 * the ON of a JOIN onto it, where conditions comparing two columns become join
 * conditions. Undefined when the SQL core cannot read it (a `SubPlan`, ...).
 */
export function conditionModel(relation: Relation, condition: string, dialect: Dialect, asJoin = false): QueryModel | undefined {
  const target = `${quoteIdent(relation.name, dialect)}${relation.alias && relation.alias !== relation.name ? ` AS ${quoteIdent(relation.alias, dialect)}` : ''}`;
  // The outer side of a join is not known here; a stand-in table keeps its columns off the relation.
  const sql = asJoin ? `SELECT 1 FROM querylens_outer JOIN ${target} ON ${condition}` : `SELECT 1 FROM ${target} WHERE ${condition}`;
  const text = dialect === 'postgres' ? withoutColumnCasts(sql) : sql;
  const parsed = parseStatement(text, dialect);
  if (parsed.errors.length > 0) return undefined;
  return parsed.statements[0]?.query;
}

/** Columns of the relation the condition tests (any operator), in order: what extended statistics would cover. */
export function filteredColumns(model: QueryModel): string[] {
  return [...new Set(model.predicates.filter((p) => !p.disjunctive).map((p) => p.column.column))];
}

/**
 * The index that serves the query model on `relation`: the catalog's advice
 * when it knows the table and lacks the index; else the same advice over a
 * table nothing is known of (the database may lag the migrations, or the
 * query runs on a table the workspace does not declare).
 */
export function suggestIndex(model: QueryModel, relation: string, dialect: Dialect, catalog?: Catalog): SuggestedIndex | undefined {
  const known = catalog && knownTable(catalog, relation);
  const need = (known && indexNeeds(model, catalog!).find((n) => n.table.name === known.name)) ?? indexNeeds(model, bareCatalog(relation)).at(0);
  if (!need) return undefined;
  const suggestion = need.suggestion;
  return { table: suggestion.table, columns: [...suggestion.columns], ddl: createIndexSql(suggestion, dialect, { concurrently: false }) };
}

function bareCatalog(name: string): Catalog {
  const origin = { file: '', span: { start: 0, end: 0 }, order: 0 };
  const table: TableInfo = { name, columns: new Map(), uniques: [], foreignKeys: [], indexes: [], origin };
  return { tables: new Map([[name, table]]), getTable: (n) => (n.toLowerCase() === name ? table : undefined) };
}
