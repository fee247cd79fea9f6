/**
 * SQLite's `EXPLAIN QUERY PLAN`: its rows as a tree, and what is wrong with
 * it: a `SCAN` of a table the query filters (every row read; with the index
 * the query's model needs), or a `USE TEMP B-TREE` sort (with the index that
 * returns rows in order). The plan rows carry no row counts, so the query's
 * model (from the SQL core) says what the scan was looking for.
 *
 * The `detail` lines are SQLite's fixed plan vocabulary (`SEARCH t USING
 * COVERING INDEX i (a=?)`), not SQL: they are read word by word.
 */
import type { PlanProblem, SqlitePlanNode, SuggestedIndex } from '../../../../shared/explain';
import type { Catalog } from '../../core/catalog/types';
import { createIndexSql } from '../../core/migrations/writer';
import { columnTable, listWords, tableRefs } from '../../core/rules/query-helpers';
import type { QueryModel } from '../../core/sql/model';
import { parseStatement } from '../../core/sql/parse';
import { suggestIndex } from './filter-index';

export interface SqlitePlanRow {
  id: number;
  parent: number;
  detail: string;
}

export function sqlitePlanTree(rows: readonly SqlitePlanRow[]): SqlitePlanNode[] {
  const byId = new Map<number, SqlitePlanNode>();
  const roots: SqlitePlanNode[] = [];
  for (const row of rows) {
    const node: SqlitePlanNode = { id: Number(row.id), parent: Number(row.parent), detail: String(row.detail), kind: 'other', children: [] };
    Object.assign(node, describe(node.detail));
    byId.set(node.id, node);
    const parent = byId.get(node.parent);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function describe(detail: string): Pick<SqlitePlanNode, 'kind' | 'index' | 'covering'> {
  const words = detail.split(' ');
  if (words[0] === 'USE' && words[1] === 'TEMP' && words[2] === 'B-TREE') return { kind: 'temp' };
  if (words[0] !== 'SCAN' && words[0] !== 'SEARCH') return { kind: 'other' };
  const kind = words[0] === 'SCAN' ? 'scan' : 'search';
  const using = words.indexOf('USING');
  if (using < 0) return { kind };
  const rest = words.slice(using + 1);
  if (rest[0] === 'INTEGER' && rest[1] === 'PRIMARY' && rest[2] === 'KEY') return { kind, index: 'INTEGER PRIMARY KEY' };
  const covering = rest.includes('COVERING');
  const at = rest.indexOf('INDEX');
  const name = rest[at + 1];
  const index = at < 0 ? undefined : rest.includes('AUTOMATIC') ? 'AUTOMATIC' : name;
  return { kind, ...(index ? { index } : {}), ...(covering ? { covering } : {}) };
}

/** The table or alias a SCAN/SEARCH reads (`SCAN TABLE t AS x` before SQLite 3.36, `SCAN x` after). */
function scanned(detail: string): string | undefined {
  const words = detail.split(' ');
  const at = words[1] === 'TABLE' ? 2 : 1;
  const name = words[at];
  if (!name || name.startsWith('(')) return undefined; // `SCAN (subquery-1)`, `SCAN CONSTANT ROW`
  return words[at + 1] === 'AS' ? words[at + 2] : name;
}

export interface SqliteProblemOptions {
  /** The query that was explained: its model says what each scan was looking for. */
  sql?: string;
  catalog?: Catalog;
}

export function sqlitePlanProblems(tree: readonly SqlitePlanNode[], options: SqliteProblemOptions = {}): PlanProblem[] {
  const model = options.sql ? parseStatement(options.sql, 'sqlite').statements[0]?.query : undefined;
  if (!model) return [];
  const problems: PlanProblem[] = [];
  // Nodes under `LIST SUBQUERY 1`, `SCALAR SUBQUERY 2` ... belong to the nested queries' models.
  const walk = (nodes: readonly SqlitePlanNode[], path: number[], models: QueryModel[]) =>
    nodes.forEach((node, i) => {
      const here = [...path, i];
      const problem = node.kind === 'scan' ? fullScan(node, here, models, options.catalog) : node.kind === 'temp' ? tempBtree(node, here, models[0], options.catalog) : undefined;
      if (problem) problems.push(problem);
      walk(node.children, here, node.detail.includes('SUBQUERY') ? nested(models) : models);
    });
  walk(tree, [], [model]);
  return problems;
}

function nested(models: QueryModel[]): QueryModel[] {
  const out = models.flatMap((m) => m.subqueries.filter((s) => !models.includes(s)));
  return out.length > 0 ? out : models;
}

function tableNamed(model: QueryModel, name: string): string | undefined {
  const ref = tableRefs(model).find((r) => r.alias === name || (!r.alias && r.name === name));
  return ref?.name ?? tableRefs(model).find((r) => r.name === name)?.name;
}

function fullScan(node: SqlitePlanNode, path: number[], models: QueryModel[], catalog?: Catalog): PlanProblem | undefined {
  const name = scanned(node.detail);
  if (!name) return undefined;
  const filtered = (model: QueryModel, table: string) => [...new Set(model.predicates.filter((p) => columnTable(model, p.column, catalog) === table).map((p) => p.column.column))];
  const model = models.find((m) => {
    const table = tableNamed(m, name);
    return table !== undefined && filtered(m, table).length > 0;
  });
  // Reading every row of a table the query does not filter is the job, not a problem.
  if (!model) return undefined;
  const table = tableNamed(model, name)!;
  const columns = filtered(model, table);
  const index = suggestIndex(model, table, 'sqlite', catalog);
  const problem: PlanProblem = {
    kind: 'full-scan',
    severity: 'warning',
    message: `${node.detail} reads every row of ${table} to find those matching its filter on ${listWords(columns)}.`,
    fix: index
      ? `${index.ddl} Then SQLite searches the index (SEARCH ${table} USING INDEX ...) and reads only the matching rows.`
      : `An index leading with the filtered columns would let SQLite search instead of scanning.`,
    nodePath: path,
  };
  if (index) problem.index = index;
  return problem;
}

function tempBtree(node: SqlitePlanNode, path: number[], model: QueryModel, catalog?: Catalog): PlanProblem | undefined {
  const purpose = node.detail.split(' ').slice(4).join(' '); // ORDER BY, GROUP BY, DISTINCT, RIGHT PART OF ORDER BY
  const index = purpose.endsWith('GROUP BY') ? groupIndex(model, catalog) : orderIndex(model, catalog);
  const problem: PlanProblem = {
    kind: 'temp-btree',
    severity: 'info',
    message: `SQLite builds a temporary B-tree for ${purpose} (${node.detail}): it reads and sorts every matching row before returning the first.`,
    fix: index
      ? `${index.ddl} Its columns (equality filters, then the ${purpose} columns) return rows already in order.`
      : `An index whose columns are the equality filters followed by the ${purpose} columns returns rows already in order.`,
    nodePath: path,
  };
  if (index) problem.index = index;
  return problem;
}

function orderIndex(model: QueryModel, catalog?: Catalog): SuggestedIndex | undefined {
  const table = model.orderBy[0] && columnTable(model, model.orderBy[0].column, catalog);
  if (!table) return undefined;
  const index = suggestIndex(model, table, 'sqlite', catalog);
  const order = model.orderBy.map((o) => o.column.column);
  // Only an index that ends with the ORDER BY columns removes the sort.
  return index && order.every((c) => index.columns.includes(c)) ? index : undefined;
}

function groupIndex(model: QueryModel, catalog?: Catalog): SuggestedIndex | undefined {
  const tables = new Set(model.groupBy.map((c) => columnTable(model, c, catalog)));
  const [table] = tables;
  if (tables.size !== 1 || !table) return undefined;
  const suggestion = { table, columns: [...new Set(model.groupBy.map((c) => c.column))] };
  return { ...suggestion, ddl: createIndexSql(suggestion, 'sqlite', { concurrently: false }) };
}
