/**
 * What the query rules share: walking query models, resolving predicate
 * columns to catalog tables, deciding which index a query needs and whether
 * one already exists. Rules read only the query model and the catalog.
 *
 * `indexNeeds` is the single place that decides what index each table of a
 * query wants; `missing-index` and `missing-composite-index` both read it and
 * each takes the needs of its own kind, so one query is never reported twice.
 */
import { indexCovers, leadingColumns, shownTableName } from '../catalog/build';
import type { Catalog, IndexInfo, TableInfo } from '../catalog/types';
import type { ColumnRef, JoinCondition, Predicate, QueryModel, Span, Statement, TableRef } from '../sql/model';
import { droppedIndexReason, isLowCardinality, isSelectiveKey, narrowingIndex, seekPrefix, selectiveFirst, smallTableReason, snake, wholeTenantWriteReason } from './index-judgement';
import { rareRunReason } from './rare-run';
import type { FileContext, IndexSuggestion } from './types';
import { handRunScript } from './host-helpers';

/** A query model together with where it sits in its statement. */
export interface QueryVisit {
  query: QueryModel;
  statement: Statement;
  /** True for the statement's own model, false for CTEs, subqueries and UNION arms. */
  topLevel: boolean;
}

/** `eachQuery`'s visits of a document's statements, worked out once: several rules walk them. */
const visitsOf = new WeakMap<readonly Statement[], QueryVisit[]>();

/** Every query model of the statements (the statement's own model and all nested ones). */
export function eachQuery(statements: Statement[]): readonly QueryVisit[] {
  let visits = visitsOf.get(statements);
  if (!visits) visitsOf.set(statements, (visits = queryVisits(statements)));
  return visits;
}

function queryVisits(statements: Statement[]): QueryVisit[] {
  const visits: QueryVisit[] = [];
  for (const statement of statements) {
    if (!statement.query) continue;
    if (statement.query.subqueries.length === 0) {
      // Most statements: one query, nothing nested.
      visits.push({ query: statement.query, statement, topLevel: true });
      continue;
    }
    for (const query of modelsUnder(statement.query)) visits.push({ query, statement, topLevel: query === statement.query });
  }
  return visits;
}

/** A statement's model and every one nested in it (CTEs, subqueries, UNION arms), in pre-order, each once. */
function modelsUnder(root: QueryModel): QueryModel[] {
  const models: QueryModel[] = [];
  const stack = [root];
  const seen = new Set<QueryModel>();
  while (stack.length > 0) {
    const query = stack.pop()!;
    if (seen.has(query)) continue; // the first UNION arm may be the model itself
    seen.add(query);
    models.push(query);
    for (let i = query.subqueries.length - 1; i >= 0; i--) stack.push(query.subqueries[i]);
  }
  return models;
}

/** All table references of a query: FROM/target tables, then JOINed ones. */
export function tableRefs(query: QueryModel): TableRef[] {
  return [...query.tables, ...query.joins.map((j) => j.table)];
}

/**
 * The query with its columns named as the catalog names them: a camelCase
 * name (`workspaceId`) that its table lacks becomes the table's snake_case
 * column (`workspace_id`), the name the database gets from Kysely's
 * CamelCasePlugin or knex's snake-case mappers. The query itself when no name
 * changes (subqueries are read on their own and left as they are).
 */
export function withCatalogNames(query: QueryModel, catalog: Catalog): QueryModel {
  // Most queries name no column in camelCase: nothing to look up, nothing copied.
  if (!namesAnyCamelColumn(query)) return query;
  let changed = false;
  const named = (column: ColumnRef): ColumnRef => {
    if (!hasCamelHump(column.column)) return column;
    const owner = columnTable(query, column, catalog);
    const table = owner === undefined ? undefined : knownTable(catalog, owner);
    if (!table || table.columns.size === 0 || table.columns.has(column.column)) return column;
    const name = snake(column.column);
    if (!table.columns.has(name)) return column;
    changed = true;
    return { ...column, column: name };
  };
  const predicates = query.predicates.map((p) => {
    const column = named(p.column);
    const valueColumn = p.valueColumn && named(p.valueColumn);
    return column === p.column && valueColumn === p.valueColumn ? p : { ...p, column, ...(valueColumn ? { valueColumn } : {}) };
  });
  const pair = (c: JoinCondition): JoinCondition => {
    const left = named(c.left);
    const right = named(c.right);
    return left === c.left && right === c.right ? c : { left, right };
  };
  const resolved: QueryModel = {
    ...query,
    predicates,
    equalities: query.equalities.map(pair),
    joins: query.joins.map((j) => ({ ...j, conditions: j.conditions.map(pair) })),
    orderBy: query.orderBy.map((o) => {
      const column = named(o.column);
      return column === o.column ? o : { ...o, column };
    }),
    columns: query.columns.map(named),
    groupBy: query.groupBy.map(named),
  };
  return changed ? resolved : query;
}

/** Whether `name` has a lower-case letter or digit followed by an upper-case letter (`/[a-z0-9][A-Z]/`). */
function hasCamelHump(name: string): boolean {
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      const before = name.charCodeAt(i - 1);
      if ((before >= 97 && before <= 122) || (before >= 48 && before <= 57)) return true;
    }
  }
  return false;
}

/** Whether any column `withCatalogNames` reads in `query` is named in camelCase. */
function namesAnyCamelColumn(query: QueryModel): boolean {
  for (const p of query.predicates) if (hasCamelHump(p.column.column) || (p.valueColumn && hasCamelHump(p.valueColumn.column))) return true;
  for (const c of query.equalities) if (hasCamelHump(c.left.column) || hasCamelHump(c.right.column)) return true;
  for (const j of query.joins) for (const c of j.conditions) if (hasCamelHump(c.left.column) || hasCamelHump(c.right.column)) return true;
  for (const o of query.orderBy) if (hasCamelHump(o.column.column)) return true;
  for (const c of query.columns) if (hasCamelHump(c.column)) return true;
  for (const c of query.groupBy) if (hasCamelHump(c.column)) return true;
  return false;
}

/**
 * The real table a column belongs to: the parser's resolution, else the
 * qualifier matched against aliases and names, else the only table of the
 * query, else the only table of the query whose catalog columns include it
 * (when every table of the query is known). A table the catalog knows is
 * named by its key (`TableInfo.name`, what rules compare with): a quoted
 * `"Organization"` (Prisma's raw SQL) or `public.users` is written otherwise.
 */
export function columnTable(query: QueryModel, column: ColumnRef, catalog?: Catalog): string | undefined {
  const name = writtenColumnTable(query, column, catalog);
  return name === undefined || !catalog ? name : catalogName(catalog, name);
}

/** A table as the catalog names it (`TableInfo.name`, its key) when the catalog knows it, else as written. */
export function catalogName(catalog: Catalog, name: string): string {
  return catalog.getTable(name)?.name ?? name;
}

function writtenColumnTable(query: QueryModel, column: ColumnRef, catalog?: Catalog): string | undefined {
  if (column.table) return column.table;
  const refs = tableRefs(query);
  if (column.qualifier) {
    const q = column.qualifier.toLowerCase();
    const ref = refs.find((r) => (r.alias ?? r.name).toLowerCase() === q || r.name.toLowerCase() === q);
    return ref?.name;
  }
  if (refs.length === 1) return refs[0].name;
  if (!catalog) return undefined;
  const tables = refs.map((r) => knownTable(catalog, r.name));
  if (tables.some((t) => !t || t.columns.size === 0)) return undefined;
  const owners = [...new Set(tables.filter((t) => t!.columns.has(column.column) || t!.columns.has(snake(column.column))).map((t) => t!.name))];
  return owners.length === 1 ? owners[0] : undefined;
}

/** The catalog table, when it is known and (if it lists columns) has `column`. */
export function knownColumn(table: TableInfo, column: string): boolean {
  return table.columns.size === 0 || table.columns.has(column);
}

// ---------------------------------------------------------------------------
// Indexes

/** Whether a LIKE pattern is a plain prefix (`abc%`) a B-tree can serve as a range. */
export function isPrefixPattern(pattern: string): boolean {
  return pattern.length > 0 && !/^[%_]/.test(pattern) && /[%_]/.test(pattern);
}

export function startsWithWildcard(pattern: string): boolean {
  return /^[%_]/.test(pattern);
}

/**
 * A table the catalog knows from its CREATE TABLE. Stub tables (only seen in
 * a CREATE INDEX or ALTER) are skipped: their keys and other indexes are
 * unknown, and QueryLens does not guess.
 */
export function knownTable(catalog: Catalog, name: string): TableInfo | undefined {
  const table = catalog.getTable(name);
  return table && !table.stub ? table : undefined;
}

/** Whether some index of the table serves the lookup. */
export function tableServes(table: TableInfo, equality: string[], tail: string[] = []): boolean {
  // Partial indexes count: QueryLens cannot prove a query implies their
  // predicate, and a developer who wrote one usually wrote it for that query.
  return table.indexes.some((index) => indexCovers(index, equality, tail));
}

/** Whether equality on `columns` pins at most one row (covers the primary key or a unique key). */
export function isSingleRowLookup(table: TableInfo, columns: string[]): boolean {
  const set = new Set(columns);
  const keys = [table.primaryKey, ...table.uniques].filter((k) => k !== undefined);
  for (const key of keys) {
    if (key.columns.length > 0 && key.columns.every((c) => set.has(c))) return true;
  }
  // Unique indexes that are not partial and have only plain columns are keys too.
  return table.indexes.some((index) => {
    if (!index.unique || index.partial) return false;
    const cols = leadingColumns(index);
    return cols.length === index.keys.length && cols.every((c) => set.has(c));
  });
}

/**
 * Whether a subquery returns at most one row: its one table pinned by a key it compares with a value (`id = $1`),
 * or takes from a subquery that itself returns at most one row (Prisma's nested relation filters:
 * `organisation: { teams: { some: { id } } }` reads the one organisation of one team).
 */
/**
 * `col IN (SELECT ...)` or `col = (SELECT ...)` whose subquery gives one row at most (a lookup by a unique
 * key: `rx = (SELECT id FROM users WHERE name = $1)`, mCaptcha's notifications of one user).
 */
export function pinnedBySubquery(p: Predicate, query: QueryModel, catalog: Catalog, depth = 0): boolean {
  return (p.op === 'in' || p.op === 'eq') && p.subquery !== undefined && atMostOneRow(query.subqueries[p.subquery], catalog, depth);
}

export function atMostOneRow(query: QueryModel | undefined, catalog: Catalog, depth = 0): boolean {
  const ref = query && query.tables.length === 1 && query.joins.length === 0 ? query.tables[0] : undefined;
  const table = ref && depth < 4 ? knownTable(catalog, ref.name) : undefined;
  if (!query || !table) return false;
  const pinned = query.predicates.filter(
    (p) =>
      !p.disjunctive &&
      columnTable(query, p.column, catalog) === table.name &&
      ((p.op === 'eq' && (p.valueKind === 'param' || p.valueKind === 'literal')) ||
        pinnedBySubquery(p, query, catalog, depth + 1)),
  );
  return pinned.length > 0 && isSingleRowLookup(table, pinned.map((p) => p.column.column));
}

/**
 * The key column a query pins to a list it is given (`id IN (...)`, `email = ANY($1)`; TypeORM `In(emails)`,
 * Prisma `{ in: ids }`, SQLAlchemy `.in_(ids)` and Drizzle `inArray` all read as one `in` predicate): the
 * rows are as many as the list holds times the rows per value, a bounded set, not the table. A key is a
 * column that names rows (a primary, unique or foreign key, an id) or that an index leads with, and not
 * one of few values (`status IN (...)` reads a share of the table). A list from a subquery is as long as
 * the subquery's result: undefined.
 */
export function listBoundKey(query: QueryModel, table: TableInfo, catalog: Catalog): string | undefined {
  const listed = query.predicates.find(
    (p) =>
      p.op === 'in' &&
      !p.disjunctive &&
      (p.valueKind === 'param' || p.valueKind === 'literal') &&
      columnTable(query, p.column, catalog) === table.name &&
      !isLowCardinality(table, p.column.column) &&
      (isSelectiveKey(table, p.column.column) || table.indexes.some((i) => !i.partial && leadingColumns(i)[0] === p.column.column)),
  );
  return listed?.column.column;
}

export function describeIndex(index: IndexInfo): string {
  const keys = index.keys.map((k) => (k.column ?? `(${k.expression ?? '?'})`) + (k.desc ? ' DESC' : '')).join(', ');
  const traits = [
    index.implicit === 'primaryKey' ? 'primary key' : index.implicit === 'unique' ? 'unique constraint' : index.implicit === 'foreignKey' ? "MySQL's own, for a foreign key" : undefined,
    index.unique && !index.implicit ? 'unique' : undefined,
    index.partial ? 'partial' : undefined,
    !index.method || index.method === 'btree' ? undefined : index.method,
  ].filter(Boolean);
  return `\`${index.name}\` (${keys})${traits.length ? ` — ${traits.join(', ')}` : ''}`;
}

/** The markdown list of a table's indexes for a hover. */
export function indexList(table: TableInfo): string {
  if (table.indexes.length === 0) return `Indexes on \`${shownTableName(table)}\`: none.`;
  return [`Indexes on \`${shownTableName(table)}\`:`, ...table.indexes.map((i) => `- ${describeIndex(i)}`)].join('\n');
}

export function formatColumns(table: string, columns: string[]): string {
  return `${table}(${columns.join(', ')})`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function spanUnion(spans: Span[]): Span {
  return {
    start: Math.min(...spans.map((s) => s.start)),
    end: Math.max(...spans.map((s) => s.end)),
  };
}

// ---------------------------------------------------------------------------
// What index a query needs

/** A filter column and how the query uses it. */
export interface FilterColumn {
  column: string;
  /** eq, in, range, or `prefix` for `LIKE 'abc%'`. */
  kind: 'eq' | 'in' | 'range' | 'prefix';
  span: Span;
  /** Compared with another column (`a.x = b.y`): a join, not a value. */
  toColumn?: boolean;
}

export interface IndexNeed {
  /**
   * `single`: one filter column, a JOIN lookup column, or ORDER BY ... LIMIT
   * without a filter (missing-index). `composite`: two or more filter columns,
   * or equality filters plus an ORDER BY an index should serve
   * (missing-composite-index).
   */
  kind: 'single' | 'composite';
  reason: 'filter' | 'join' | 'order';
  table: TableInfo;
  /** The filter columns used in the suggestion, in query order. */
  filters: FilterColumn[];
  /** ORDER BY columns the suggestion ends with (composite order, or single order). */
  order: ColumnRef[];
  /** For a JOIN need: the joined table's condition column. */
  join?: ColumnRef;
  suggestion: IndexSuggestion;
  /** What to underline. */
  span: Span;
  /**
   * An existing index that already narrows the lookup by a selective column
   * (a foreign key, an id; possibly through a join): the new index is then a
   * plausible gain, not a cure for a scan.
   */
  narrowedBy?: {
    index: IndexInfo;
    /** The columns of the query it seeks (its leading ones). */
    on: string[];
    /** It seeks every equality column and the query returns every row it finds (no LIMIT): only their sort is left. */
    sortOnly?: boolean;
  };
  /**
   * The filter and ORDER BY columns left out of the suggestion, when the query filters on more equality
   * columns than an index should take (`MOST_INDEX_COLUMNS`): they sift the rows the suggested index finds.
   */
  sifting?: string[];
  /** The suggestion leads with a column of few distinct values (a status, a kind): it pays off only for a rare value. */
  fewValuesLead?: string;
  /**
   * A DELETE or UPDATE by one range alone (`WHERE expires_at < now()`, `WHERE locked_at < now() - interval '4 hours'`):
   * a purge of old rows or a sweep of stale ones, run in the background.
   */
  purge?: 'delete' | 'update';
  /** An UPDATE or DELETE by a tenant key alone: why its index is a plausible gain only (`wholeTenantWriteReason`). */
  tenantWrite?: string;
}

/** The index-usable filters of one table in a query. */
function tableFilters(query: QueryModel, table: TableInfo, catalog: Catalog): FilterColumn[] {
  const filters: FilterColumn[] = [];
  for (const p of query.predicates) {
    const kind = filterKind(p);
    if (!kind || p.disjunctive) continue;
    // A comparison with another column of the same row (`attempts = max_attempts`) gives no value to seek;
    // one with an outer query's column (a correlated subquery's `payout_id = payouts.id`) does.
    if (p.valueColumn && columnTable(query, p.valueColumn, catalog) === table.name) continue;
    if (columnTable(query, p.column, catalog) !== table.name) continue;
    if (!knownColumn(table, p.column.column)) continue;
    if (filters.some((f) => f.column === p.column.column)) continue;
    filters.push({ column: p.column.column, kind, span: p.span, ...(p.valueKind === 'column' ? { toColumn: true } : {}) });
  }
  return filters;
}

/** The columns of `table` the query sets equal to a value or a list (`tableFilters` of kind eq or in). */
function equalityColumns(query: QueryModel, table: TableInfo, catalog: Catalog): string[] {
  return tableFilters(query, table, catalog).filter((f) => f.kind === 'eq' || f.kind === 'in').map((f) => f.column);
}

function filterKind(p: Predicate): FilterColumn['kind'] | undefined {
  if (p.valueKind === 'null') return undefined;
  switch (p.op) {
    case 'eq':
    case 'in':
    case 'range':
      return p.op;
    case 'like':
      if (p.pattern === undefined) return undefined;
      if (isPrefixPattern(p.pattern)) return 'prefix';
      return /[%_]/.test(p.pattern) ? undefined : 'eq';
    default:
      return undefined;
  }
}

/** ORDER BY columns when they all belong to `table`, else none. */
function orderColumns(query: QueryModel, table: TableInfo, catalog: Catalog): ColumnRef[] {
  if (query.orderBy.length === 0) return [];
  const cols = query.orderBy.map((o) => o.column);
  const onTable = cols.every((c) => columnTable(query, c, catalog) === table.name && knownColumn(table, c.column));
  return onTable ? cols : [];
}

/**
 * The indexes the query wants and does not have, one need at most per table.
 * Tables not in the catalog are skipped: QueryLens does not guess.
 */
/**
 * The most equality columns an index suggestion takes. PostgreSQL's manual (11.3, Multicolumn Indexes): "Indexes
 * with more than three columns are unlikely to be helpful unless the usage of the table is extremely stylized."
 */
export const MOST_INDEX_COLUMNS = 3;

export function indexNeeds(written: QueryModel, catalog: Catalog): IndexNeed[] {
  if (written.fromless) return [];
  const query = withCatalogNames(written, catalog);
  const needs: IndexNeed[] = [];
  const seen = new Set<string>();
  for (const ref of tableRefs(query)) {
    const table = knownTable(catalog, ref.name);
    if (!table || seen.has(table.name)) continue;
    seen.add(table.name);
    // Another table pinned to one row by its key drives the query: this one is reached through the join,
    // and its own filters only sift the joined rows (when the join's columns are unknown, nothing is said).
    const driven = pinnedElsewhere(query, table, catalog);
    const need = driven
      ? (joinNeed(query, table, catalog, true) ?? (joinEqualityColumns(query, table, catalog).length > 0 ? filterNeed(query, table, catalog) : undefined))
      : (filterNeed(query, table, catalog) ?? joinNeed(query, table, catalog) ?? orderNeed(query, table, catalog));
    if (need) needs.push(need);
  }
  return needs;
}

/**
 * Whether another table of a join is looked up by its whole primary or unique
 * key (`WHERE entity.id = $1`): the database starts there and reaches `table`
 * through the join, so `table`'s own filters only sift the joined rows.
 */
function pinnedElsewhere(query: QueryModel, table: TableInfo, catalog: Catalog): boolean {
  if (tableRefs(query).length < 2) return false;
  return tableRefs(query).some((ref) => {
    const other = knownTable(catalog, ref.name);
    if (!other || other.name === table.name) return false;
    const eq = tableFilters(query, other, catalog).filter((f) => (f.kind === 'eq' || f.kind === 'in') && !f.toColumn);
    return eq.length > 0 && isSingleRowLookup(other, eq.map((f) => f.column));
  });
}

function filterNeed(query: QueryModel, table: TableInfo, catalog: Catalog): IndexNeed | undefined {
  const filters = tableFilters(query, table, catalog);
  const equality = selectiveFirst(table, filters.filter((f) => f.kind === 'eq' || f.kind === 'in'));
  const eqColumns = equality.map((f) => f.column);
  // Equality that arrives through a join (`JOIN t ON t.parent_id = p.id`) narrows the lookup too.
  const viaJoin = joinEqualityColumns(query, table, catalog);
  if (eqColumns.length > 0 && isSingleRowLookup(table, [...eqColumns, ...viaJoin])) return undefined;
  const range = filters.find((f) => f.kind === 'range' || f.kind === 'prefix');
  const order = range ? [] : orderColumns(query, table, catalog);
  const orderNames = order.map((c) => c.column).filter((c) => !eqColumns.includes(c));

  const used = range ? [...equality, range] : equality;
  if (used.length === 0) return undefined;
  const tail = range ? [range.column] : orderNames;
  // `col IS NULL` seeks like equality in a B-tree (midday's due batches: `sent_at IS NULL AND window_ends_at <= now()`
  // on (sent_at, window_ends_at)); it is no column to suggest (a soft-delete's `deleted_at IS NULL` matches most rows).
  const nulls = query.predicates.filter((p) => p.op === 'is_null' && !p.disjunctive && columnTable(query, p.column, catalog) === table.name).map((p) => p.column.column);
  const served = (equal: string[], after: string[]) => tableServes(table, equal, after) || (nulls.length > 0 && tableServes(table, [...equal, ...nulls], after));
  const composite = used.length >= 2 || (equality.length >= 1 && tail.length >= 1);
  if (!composite) {
    // One filter column: any index leading with it will do (a hash index serves equality only).
    const only = used[0];
    const isEquality = only.kind === 'eq' || only.kind === 'in';
    if (isEquality ? served([only.column], []) : served([], [only.column])) return undefined;
    // Entered through the join's index: the filter only sorts out the joined rows. Only when another table's own
    // filters narrow the rows the join starts from: joined to every row of the other table, the index reads them all
    // (mCaptcha's notifications of one receiver, joined to their senders: the receiver's column wants the index).
    if (viaJoin.length > 0 && narrowingIndex(table, viaJoin) && othersFiltered(query, table, catalog)) return undefined;
    const need = makeNeed('single', 'filter', table, used, [], [only.span]);
    if ((query.kind === 'delete' || query.kind === 'update') && only.kind === 'range' && filters.length === 1) need.purge = query.kind;
    const tenantWrite = wholeTenantWriteReason(query.kind, table, filters);
    if (tenantWrite) need.tenantWrite = tenantWrite;
    return need;
  }
  if (served(eqColumns, tail)) return undefined;
  // Filters on columns of few values only (two flags, a status and a kind): no index is worth it.
  if (!range && tail.length === 0 && eqColumns.every((c) => isLowCardinality(table, c))) return undefined;
  // The most selective equality columns lead; past MOST_INDEX_COLUMNS the rest only sift the rows those find.
  const leading = eqColumns.slice(0, MOST_INDEX_COLUMNS);
  const trimmed = eqColumns.length > MOST_INDEX_COLUMNS;
  if (trimmed && tableServes(table, leading)) return undefined;
  const usedOrder = range ? [] : order.filter((c) => !eqColumns.includes(c.column));
  const need = makeNeed('composite', 'filter', table, used, usedOrder, [
    ...used.map((f) => f.span),
    ...usedOrder.map((c) => c.span),
  ]);
  if (trimmed) {
    need.suggestion = { table: table.name, columns: leading };
    need.sifting = [...eqColumns.slice(MOST_INDEX_COLUMNS), ...(range ? [range.column] : []), ...usedOrder.map((c) => c.column)];
  }
  // Its equality columns serve in any order: another suggestion of them in another order serves this query too.
  const equalities = Math.min(eqColumns.length, need.suggestion.columns.length);
  if (equalities >= 2) need.suggestion.equalities = equalities;
  // Every matching row is returned (no LIMIT) and an index finds them by all the equality columns: the order
  // columns would spare only the sort of rows read anyway, whatever columns it seeks.
  const finding = !range && !query.limit ? table.indexes.find((index) => indexCovers(index, eqColumns, [])) : undefined;
  const narrowed = finding ? { index: finding, on: seekPrefix(finding, eqColumns), sortOnly: true } : narrowingIndex(table, [...eqColumns, ...viaJoin]);
  if (narrowed) need.narrowedBy = narrowed;
  const lead = need.suggestion.columns[0]!;
  if (isLowCardinality(table, lead)) need.fewValuesLead = lead;
  return need;
}

/**
 * Why a filter on `table` that no index can serve (a leading-wildcard LIKE) only sifts rows found another
 * way, as a clause, or undefined: an index finds them by the table's own equality filters (dub's domains
 * of one program, `programId = $1 AND slug LIKE '%.x'`), or the table is reached by its key from another
 * table's filtered rows (a relation's row per enrollment of one program).
 */
export function siftedReason(query: QueryModel, table: TableInfo, catalog: Catalog): string | undefined {
  const narrowed = narrowingIndex(table, equalityColumns(query, table, catalog));
  if (narrowed) return `the index ${narrowed.index.name} on ${listWords(narrowed.on)} already narrows it to the rows of one ${listWords(narrowed.on)}, which this pattern then sifts`;
  const viaJoin = joinEqualityColumns(query, table, catalog);
  if (viaJoin.length > 0 && isSingleRowLookup(table, viaJoin) && othersFiltered(query, table, catalog)) {
    return `${shownTableName(table)} is reached by its key from the rows another table's filters find, which this pattern then sifts`;
  }
  return undefined;
}

/** Whether another table of the query has a filter of its own (a value, not a column of a joined table). */
function othersFiltered(query: QueryModel, table: TableInfo, catalog: Catalog): boolean {
  return query.predicates.some((p) => {
    if (p.valueKind === 'column') return false;
    const other = columnTable(query, p.column, catalog);
    return other !== undefined && other !== table.name;
  });
}

/** Columns of `table` that a join condition (ON, or `a.x = b.y` in WHERE) sets equal to a column of another table. */
function joinEqualityColumns(query: QueryModel, table: TableInfo, catalog: Catalog): string[] {
  const columns: string[] = [];
  for (const conditions of [...query.joins.map((j) => j.conditions), query.equalities]) {
    for (const c of conditions) {
      const left = columnTable(query, c.left, catalog);
      const right = columnTable(query, c.right, catalog);
      if (left === table.name && right !== table.name) columns.push(c.left.column);
      if (right === table.name && left !== table.name) columns.push(c.right.column);
    }
  }
  return columns;
}

function joinNeed(query: QueryModel, table: TableInfo, catalog: Catalog, driven = false): IndexNeed | undefined {
  const join = query.joins.find((j) => catalogName(catalog, j.table.name) === table.name);
  // A table with its own filters is entered through them, not through the join (unless another table drives the query).
  if ((!join && !driven) || (!driven && tableFilters(query, table, catalog).length > 0)) return undefined;
  const columns: ColumnRef[] = [];
  for (const c of join?.conditions ?? []) {
    for (const side of [c.left, c.right]) {
      if (sideOf(query, side, join!.table, catalog) && knownColumn(table, side.column)) columns.push(side);
    }
  }
  // Driven by a pinned row through `a.x = b.y` in WHERE: reached by this table's side.
  for (const c of driven ? query.equalities : []) {
    const [mine, other] = columnTable(query, c.left, catalog) === table.name ? [c.left, c.right] : [c.right, c.left];
    if (columnTable(query, mine, catalog) === table.name && columnTable(query, other, catalog) !== table.name && knownColumn(table, mine.column)) columns.push(mine);
  }
  if (columns.length === 0) return undefined;
  if (columns.some((c) => tableServes(table, [c.column]))) return undefined;
  const first = columns[0];
  return {
    kind: 'single',
    reason: 'join',
    table,
    filters: [],
    order: [],
    join: first,
    suggestion: { table: table.name, columns: [first.column] },
    span: first.span,
  };
}

/** Whether a join condition column refers to the joined table `ref`. */
function sideOf(query: QueryModel, column: ColumnRef, ref: TableRef, catalog: Catalog): boolean {
  if (column.qualifier) {
    const q = column.qualifier.toLowerCase();
    return (ref.alias ?? ref.name).toLowerCase() === q || (!ref.alias && ref.name.toLowerCase() === q);
  }
  return columnTable(query, column, catalog) === catalogName(catalog, ref.name);
}

function orderNeed(query: QueryModel, table: TableInfo, catalog: Catalog): IndexNeed | undefined {
  if (!query.limit || query.predicates.some((p) => columnTable(query, p.column, catalog) === table.name)) return undefined;
  if (tableRefs(query).length !== 1) return undefined;
  const order = orderColumns(query, table, catalog);
  if (order.length === 0) return undefined;
  if (tableServes(table, [], [order[0].column])) return undefined;
  return makeNeed('single', 'order', table, [], order, order.map((c) => c.span));
}

function makeNeed(
  kind: IndexNeed['kind'],
  reason: IndexNeed['reason'],
  table: TableInfo,
  filters: FilterColumn[],
  order: ColumnRef[],
  spans: Span[],
): IndexNeed {
  const columns = [...filters.map((f) => f.column), ...order.map((c) => c.column)];
  return { kind, reason, table, filters, order, suggestion: { table: table.name, columns }, span: spanUnion(spans) };
}

const OPERATOR_WORDS: Record<FilterColumn['kind'], string> = {
  eq: 'equality',
  in: 'IN list',
  range: 'range',
  prefix: "LIKE prefix ('abc%', a range)",
};

/** The hover for an index need: columns with operator kinds, existing indexes, why it is slow. */
export function needExplanation(need: IndexNeed): string {
  const lines = [`**Columns QueryLens looked at on \`${shownTableName(need.table)}\`:**`];
  for (const f of need.filters) lines.push(`- \`${f.column}\` — ${OPERATOR_WORDS[f.kind]}`);
  for (const c of need.order) lines.push(`- \`${c.column}\` — ORDER BY`);
  if (need.join) lines.push(`- \`${need.join.column}\` — JOIN condition (looked up once per outer row)`);
  lines.push('', indexList(need.table), '');
  lines.push(
    'Without an index whose leading columns are these (equality columns first, in any order, then one range or ' +
      'the ORDER BY columns), the database reads every row of the table on each call' +
      (need.order.length > 0 ? ' and sorts the result' : '') +
      '. The cost grows with the table, not with the rows returned.',
    '',
    `Suggested: \`CREATE INDEX ON ${formatColumns(shownTableName(need.table), need.suggestion.columns)}\`.`,
  );
  return lines.join('\n');
}

/**
 * The need's suggestion, with the table as the schema spells it when that is not the catalog key (another file's
 * note names it), and whether it leads with a key (`keyLead`) when it has more columns.
 */
function spelledSuggestion(need: IndexNeed): IndexSuggestion {
  const table = need.suggestion.table;
  const spelled = table.slice(0, table.lastIndexOf('.') + 1) + shownTableName(need.table);
  const lead = need.suggestion.columns[0]!;
  const keyLead = need.suggestion.columns.length > 1 && isSelectiveKey(need.table, lead) && !isLowCardinality(need.table, lead);
  return spelled === need.suggestion.table && !keyLead ? need.suggestion : { ...need.suggestion, ...(spelled !== table ? { spelled } : {}), ...(keyLead ? { keyLead } : {}) };
}

/**
 * The subqueries of a statement whose table the database reaches by its key from rows an index already
 * finds: `fk IN (SELECT id FROM parent WHERE ...)` (Prisma's filter on a to-one relation,
 * `evaluationRule: { targetObject: { in } }`) in a query whose own filters an index narrows
 * (langfuse's assignments of one evaluator): each of those few rows looks its parent up by key, and
 * the subquery's filters only sift the parents, so an index for them is no need.
 */
function reachedByKey(root: QueryModel, catalog: Catalog): ReadonlySet<QueryModel> {
  let byRoot = reachedByKeyOf.get(catalog);
  if (!byRoot) reachedByKeyOf.set(catalog, (byRoot = new WeakMap()));
  const known = byRoot.get(root);
  if (known) return known;
  const found = new Set<QueryModel>();
  for (const query of modelsUnder(root)) {
    const table = query.tables.length === 1 ? knownTable(catalog, query.tables[0]!.name) : undefined;
    if (!table) continue;
    for (const p of query.predicates) {
      if (p.disjunctive || (p.op !== 'in' && p.op !== 'eq') || p.valueKind !== 'subquery' || p.subquery === undefined) continue;
      const sub = query.subqueries[p.subquery];
      const fk = table.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === p.column.column);
      if (!sub || sub === query || !fk || columnTable(query, p.column, catalog) !== table.name) continue;
      if (sub.tables.length !== 1 || catalogName(catalog, sub.tables[0]!.name) !== catalogName(catalog, fk.refTable)) continue;
      const own = equalityColumns(query, table, catalog).filter((column) => column !== p.column.column);
      if (own.length > 0 && (narrowingIndex(table, own) || isSingleRowLookup(table, own))) found.add(sub);
    }
  }
  byRoot.set(root, found);
  return found;
}

/** `reachedByKey` by catalog, then by statement model. */
const reachedByKeyOf = new WeakMap<Catalog, WeakMap<QueryModel, ReadonlySet<QueryModel>>>();

/** `indexNeeds` worked out once per query and catalog (a catalog is never changed once built), for the rules that report one kind each. */
const needsByCatalog = new WeakMap<Catalog, WeakMap<QueryModel, IndexNeed[]>>();

function catalogIndexNeeds(query: QueryModel, catalog: Catalog): IndexNeed[] {
  let byQuery = needsByCatalog.get(catalog);
  if (!byQuery) needsByCatalog.set(catalog, (byQuery = new WeakMap()));
  let needs = byQuery.get(query);
  if (!needs) byQuery.set(query, (needs = indexNeeds(query, catalog)));
  return needs;
}

/** Reports every need of `kind` in the file's queries, with the index fix. */
export function reportIndexNeeds(
  ctx: FileContext,
  kind: IndexNeed['kind'],
  message: (need: IndexNeed) => string,
  worthIt: (need: IndexNeed, query: QueryModel) => boolean = () => true,
): void {
  for (const { query, statement, topLevel } of eachQuery(ctx.document.statements)) {
    if (!topLevel && statement.query && reachedByKey(statement.query, ctx.catalog).has(query)) continue;
    for (const need of catalogIndexNeeds(query, ctx.catalog)) {
      if (need.kind !== kind || !worthIt(need, query)) continue;
      const small = smallTableReason(need.table, ctx.catalog) ?? need.tenantWrite;
      const script = ctx.host ? handRunScript(ctx.file) : undefined;
      const dropped = droppedIndexReason(need.table, need.suggestion.columns[0]!);
      // A seed script or a staff tool (rare-run.ts); a script run by hand has its own clause above.
      const rare = script ? undefined : rareRunReason(ctx, statement);
      ctx.report({
        span: need.span,
        message:
          message(need) +
          (small ? ` (${small}.)` : '') +
          (dropped ? ` (But ${dropped}.)` : '') +
          (rare ? ` (But ${rare}.)` : '') +
          (script ? ` (It runs in a script run by hand (${script}): the scan is paid per run, while an index costs every later write to ${shownTableName(need.table)}: worth it only if the script runs often.)` : ''),
        explanation: needExplanation(need),
        indexFixes: { suggestion: need.suggestion, near: statement.span },
        index: spelledSuggestion(need),
        ...(need.narrowedBy || need.fewValuesLead || need.purge || small || script || dropped || rare ? { tentative: true } : {}),
      });
    }
  }
}

/** By the catalog's tables: a catalog over the same tables (catalog/build.ts sameTables, at each edit of a file with DDL) shares them. */
const declaredIn = new WeakMap<Map<string, TableInfo>, Map<string, TableInfo[]>>();

/**
 * The tables with an index or foreign key declared in `file`. Schema rules
 * report where a declaration is; looking them up by file (once per catalog)
 * keeps a whole-workspace run from walking the whole catalog for every file.
 */
export function tablesDeclaringIn(catalog: Catalog, file: string): TableInfo[] {
  const tables = catalog.tables;
  let byFile = declaredIn.get(tables);
  if (!byFile) {
    byFile = new Map();
    for (const table of tables.values()) {
      // Its indexes' files, then its foreign keys', once each (a catalog built again at an edit of DDL is read again).
      const files: string[] = [];
      for (const index of table.indexes) if (!files.includes(index.origin.file)) files.push(index.origin.file);
      for (const fk of table.foreignKeys) if (!files.includes(fk.origin.file)) files.push(fk.origin.file);
      for (const f of files) {
        const list = byFile.get(f);
        if (list) list.push(table);
        else byFile.set(f, [table]);
      }
    }
    declaredIn.set(tables, byFile);
  }
  return byFile.get(file) ?? [];
}
