/**
 * The queries of a file that a database can EXPLAIN (issue 4): SELECT, INSERT,
 * UPDATE, DELETE and MERGE statements of SQL files, raw SQL in host code, and
 * SQLAlchemy query chains rendered to the SQL the ORM sends. Each comes with
 * its parameters (`$1`, `?`, `:name`) and, where the query compares a
 * parameter with a column, that column and its type from the catalog, so the
 * editor can ask for values by name and type.
 */
import type { Dialect } from '../../../../shared/types';
import type { QueryParam } from '../../../../shared/explain';
import type { Catalog } from '../catalog/types';
import type { OrmWrite, Predicate, QueryModel, Span, Statement, StatementKind, WrittenValue } from '../sql/model';
import { quoteIdent, quoteQualified } from '../migrations/sql';
import { spelledTableName } from '../catalog/build';
import { parseDocument } from '../sql/parse';
import { statementParams } from '../sql/params';
import type { Workspace } from './workspace';
import { runSteps, type Steps } from '../steps';

export const EXPLAINABLE_KINDS: ReadonlySet<StatementKind> = new Set(['select', 'insert', 'update', 'delete', 'merge']);

export interface ExplainableQuery {
  /** Where the query is in the file (the statement, or the whole ORM call chain). */
  span: Span;
  /** The SQL the database receives. */
  sql: string;
  dialect: Dialect;
  kind: StatementKind;
  params: QueryParam[];
  /** Rendered from an ORM call chain (the SQL is QueryLens's rendering, not text of the file). */
  orm: boolean;
}

/** Every explainable query of `file`, in file order. */
export function explainableQueries(workspace: Workspace, file: string): ExplainableQuery[] {
  return runSteps(explainableQueriesSteps(workspace, file));
}

/**
 * `explainableQueries` in steps (core/steps.ts), one statement per step. The
 * caller stops them when the file changes: the statements are then the next
 * version's to move.
 */
export function* explainableQueriesSteps(workspace: Workspace, file: string): Steps<ExplainableQuery[]> {
  const document = workspace.document(file);
  if (!document) return [];
  // Typed and rendered against the schema of the file's own package (a monorepo's crates differ).
  const catalog = workspace.catalogFor(file);
  const queries: ExplainableQuery[] = [];
  for (const statement of document.statements) {
    if (!EXPLAINABLE_KINDS.has(statement.kind)) continue;
    yield;
    const query = explainable(statement, document.dialect, catalog);
    if (query) queries.push(query);
  }
  return queries;
}

/** The explainable query containing `offset` (the innermost, when a host file nests them), if any. */
export function explainableAt(workspace: Workspace, file: string, offset: number): ExplainableQuery | undefined {
  return innermostAt(explainableQueries(workspace, file), offset);
}

export function innermostAt(queries: ExplainableQuery[], offset: number): ExplainableQuery | undefined {
  let found: ExplainableQuery | undefined;
  for (const query of queries) {
    if (query.span.start <= offset && offset <= query.span.end) {
      if (!found || query.span.end - query.span.start < found.span.end - found.span.start) found = query;
    }
  }
  return found;
}

function explainable(statement: Statement, dialect: Dialect, catalog: Catalog): ExplainableQuery | undefined {
  if (statement.orm) {
    const rendered = statement.query && renderOrmQuery(statement.query, dialect, catalog);
    if (!rendered) return undefined;
    return { span: statement.span, sql: rendered.sql, dialect, kind: statement.kind, params: rendered.params, orm: true };
  }
  return { span: statement.span, sql: statement.text, dialect, kind: statement.kind, params: sqlParams(statement.text, dialect, catalog), orm: false };
}

/**
 * The parameters of a SQL text, in the order the database takes their values
 * (core/sql/params.ts), each typed from the column it is compared with.
 */
export function sqlParams(sql: string, dialect: Dialect, catalog: Catalog): QueryParam[] {
  const found = statementParams(sql, dialect);
  if (found.length === 0) return [];
  const typed = paramColumns(sql, dialect, catalog);
  const params: QueryParam[] = [];
  for (const p of found) {
    const column = typed.find((t) => t.start <= p.start && p.start < t.end);
    params[p.valueIndex] ??= { name: p.text, ...(column ? { column: column.column, ...(column.type ? { type: column.type } : {}) } : {}) };
  }
  // `$2` without `$1` still takes two values: fill the gaps.
  for (let i = 0; i < params.length; i++) params[i] ??= { name: `$${i + 1}` };
  return params;
}

/** Spans (in `sql`) of predicates comparing a column with a parameter, with the column and its type. */
function paramColumns(sql: string, dialect: Dialect, catalog: Catalog): { start: number; end: number; column: string; type?: string }[] {
  const parsed = parseDocument(sql, dialect);
  const out: { start: number; end: number; column: string; type?: string }[] = [];
  const visit = (model: QueryModel) => {
    for (const p of model.predicates) {
      if (p.valueKind !== 'param') continue;
      out.push({ ...p.span, ...typedColumn(p.column, catalog) });
    }
    model.subqueries.forEach(visit);
  };
  for (const statement of parsed.statements) if (statement.query) visit(statement.query);
  return out;
}

function typedColumn(ref: { table?: string; column: string }, catalog: Catalog): { column: string; type?: string } {
  const table = ref.table;
  const type = table ? catalog.getTable(table)?.columns.get(ref.column)?.type : undefined;
  return { column: table ? `${spelledTableName(catalog, table)}.${ref.column}` : ref.column, ...(type ? { type } : {}) };
}

const OPERATORS: Partial<Record<Predicate['op'], string>> = { eq: '=', range: '>=', not_eq: '<>', like: 'LIKE', ilike: 'ILIKE' };

/**
 * The SQL an ORM query sends (SQLAlchemy, Prisma, Drizzle, TypeORM), from its
 * query model: every compared or written value becomes a bound parameter, as
 * the ORMs bind literals too. The model keeps comparison kinds, not exact
 * operators: a range comparison is rendered `>=`, which the planner treats
 * like any other range. A write is rendered only when its reader read all of
 * it (`QueryModel.write`): its SET or VALUES, and its whole filter. Undefined
 * when the model has no table QueryLens can name.
 */
export function renderOrmQuery(model: QueryModel, dialect: Dialect, catalog: Catalog): { sql: string; params: QueryParam[] } | undefined {
  const table = model.tables[0];
  if (!table) return undefined;
  // Quoted where the name needs it, a reserved word too (`user`).
  const quote = (identifier: string) => quoteIdent(identifier, dialect);
  // Readers name tables by the catalog's lower-case key: the SQL writes them as the migrations created them (`"CscSession"`).
  const tableSql = (name: string) => quoteQualified(spelledTableName(catalog, name), dialect);
  const params: QueryParam[] = [];
  const bind = (info: { column: string; type?: string }) => {
    params.push({ name: dialect === 'postgres' ? `$${params.length + 1}` : '?', ...info });
    return params[params.length - 1]!.name;
  };
  const name = (column: { table?: string; column: string }) => `${tableSql(column.table ?? table.name)}.${quote(column.column)}`;
  const where = () => {
    const conditions: string[] = [];
    for (const p of model.predicates) {
      const column = name(p.column);
      const placeholder = () => bind(typedColumn(p.column, catalog));
      if (p.op === 'is_null') conditions.push(`${column} IS NULL`);
      else if (p.op === 'not_eq' && p.valueKind === 'null') conditions.push(`${column} IS NOT NULL`);
      else if (p.op === 'in') conditions.push(dialect === 'postgres' ? `${column} = ANY(${placeholder()})` : `${column} IN (${placeholder()})`);
      else if ((p.op === 'like' || p.op === 'ilike') && p.pattern !== undefined) conditions.push(`${column} ${likeOperator(p.op, dialect)} '${p.pattern.replace(/'/g, "''")}'`);
      else if (OPERATORS[p.op]) conditions.push(`${column} ${OPERATORS[p.op]} ${placeholder()}`);
    }
    return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  };
  if (model.kind !== 'select') {
    if (!model.write || !['insert', 'update', 'delete'].includes(model.kind) || !renderedWhole(model)) return undefined;
    const sql = renderWrite(model.kind, tableSql(table.name), model.write, quote, where, (column) => bind(typedColumn({ column, table: table.name }, catalog)));
    return sql === undefined ? undefined : { sql, params };
  }
  const select = model.isAggregate ? 'count(*)' : model.columns.length > 0 ? model.columns.map(name).join(', ') : `${tableSql(table.name)}.*`;
  const joins = model.joins.map((join) => {
    const on = join.conditions.map((c) => `${name(c.left)} = ${name(c.right)}`).join(' AND ');
    return ` ${join.kind === 'left' ? 'LEFT OUTER JOIN' : 'JOIN'} ${tableSql(join.table.name)}${on ? ` ON ${on}` : ''}`;
  });
  let sql = `SELECT ${model.distinct ? 'DISTINCT ' : ''}${select} FROM ${tableSql(table.name)}${joins.join('')}${where()}`;
  if (model.orderBy.length > 0) sql += ` ORDER BY ${model.orderBy.map((o) => `${name(o.column)}${o.desc ? ' DESC' : ''}`).join(', ')}`;
  if (model.limit) sql += ` LIMIT ${model.limit.value ?? 100}`;
  if (model.offset) sql += ` OFFSET ${model.offset.value ?? 0}`;
  return { sql, params };
}

/**
 * Whether every condition of a write renders as it is sent: the WHERE above ANDs plain comparisons with values,
 * so a write filtered under an OR, through a relation (a subquery) or by anything else is left without a lens.
 */
function renderedWhole(model: QueryModel): boolean {
  if (model.subqueries.length > 0 || model.joins.length > 0 || model.equalities.length > 0) return false;
  return model.predicates.every((p) => !p.disjunctive && (p.valueKind === 'param' || p.valueKind === 'literal' || p.valueKind === 'null') && (p.op === 'is_null' || p.op === 'in' || OPERATORS[p.op] !== undefined));
}

/**
 * INSERT / UPDATE / DELETE as the ORM sends it, its values bound before the
 * filter's (the order of their placeholders in the text). Undefined for an
 * INSERT without rows or an UPDATE that sets nothing (no statement to explain).
 * `table` is the table as the SQL writes it (quoted).
 */
function renderWrite(kind: StatementKind, table: string, write: OrmWrite, quote: (identifier: string) => string, where: () => string, bind: (column: string) => string): string | undefined {
  const value = (v: WrittenValue, column: string) => (v === 'param' ? bind(column) : v === 'default' ? 'DEFAULT' : v.sql);
  const returning = write.returning ? ' RETURNING *' : '';
  if (kind === 'delete') return `DELETE FROM ${table}${where()}${returning}`;
  if (kind === 'update') {
    const row = write.rows[0];
    if (!row || write.columns.length === 0) return undefined;
    const set = write.columns.map((c, i) => `${quote(c)} = ${value(row[i]!, c)}`).join(', ');
    return `UPDATE ${table} SET ${set}${where()}${returning}`;
  }
  if (write.rows.length === 0) return undefined;
  const values = write.columns.length === 0 ? ' DEFAULT VALUES' : ` (${write.columns.map(quote).join(', ')}) VALUES ${write.rows.map((row) => `(${row.map((v, i) => value(v, write.columns[i]!)).join(', ')})`).join(', ')}`;
  let sql = `INSERT INTO ${table}${values}`;
  const conflict = write.onConflict;
  if (conflict && 'sql' in conflict) sql += ` ON CONFLICT ${conflict.sql}`;
  else if (conflict) {
    const target = conflict.target.length > 0 ? ` (${conflict.target.map(quote).join(', ')})` : '';
    // TypeORM's orUpdate takes the inserted row's values; Prisma's upsert binds its `update` values.
    const update = conflict.update.map((c) => `${quote(c)} = ${conflict.bound ? bind(c) : `EXCLUDED.${quote(c)}`}`).join(', ');
    sql += ` ON CONFLICT${target} ${update ? `DO UPDATE SET ${update}` : 'DO NOTHING'}`;
  }
  return sql + returning;
}

function likeOperator(op: 'like' | 'ilike', dialect: Dialect): string {
  // SQLite's LIKE is case-insensitive already; it has no ILIKE.
  return op === 'ilike' && dialect === 'postgres' ? 'ILIKE' : 'LIKE';
}
