/**
 * The one query model every dialect parser produces and every rule reads.
 * Rules never look at parser ASTs or text: only at these types.
 *
 * All spans are offsets into the analysed document text (UTF-16 code units,
 * the same unit as JavaScript strings and LSP characters), end exclusive.
 */
import type { Dialect } from '../../../../shared/types';

export interface Span {
  start: number;
  end: number;
}

export type StatementKind =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'merge'
  | 'create_table'
  | 'create_index'
  | 'alter_table'
  | 'drop'
  | 'rename'
  | 'other_ddl'
  | 'transaction'
  | 'other';

/** A table as named in a FROM/JOIN/UPDATE/DELETE/INSERT target. Names are lower-cased unless quoted. */
export interface TableRef {
  name: string;
  schema?: string;
  alias?: string;
  span: Span;
}

export interface ColumnRef {
  /** The real table name the column belongs to, resolved from aliases; undefined when ambiguous/unknown. */
  table?: string;
  /** The qualifier as written (alias or table), if any. */
  qualifier?: string;
  column: string;
  span: Span;
}

export type PredicateOp =
  | 'eq' // a = x
  | 'in' // a IN (...), a = ANY($1)
  | 'range' // <, <=, >, >=, BETWEEN
  | 'like' // LIKE / GLOB
  | 'ilike' // ILIKE
  | 'is_null' // IS NULL
  | 'not_eq' // <>, !=, NOT IN, IS NOT NULL, NOT LIKE
  | 'other';

export type ValueKind = 'param' | 'literal' | 'column' | 'subquery' | 'expression' | 'null';

export interface Predicate {
  column: ColumnRef;
  op: PredicateOp;
  valueKind: ValueKind;
  /** valueKind 'column': the column compared with (`a = b`), when the code names it. */
  valueColumn?: ColumnRef;
  /** valueKind 'subquery': which of the query's `subqueries` gives the values, when the reader knows (`= (SELECT ..)` and `IN (SELECT ..)` in SQL of either parser, Prisma's relation filters). */
  subquery?: number;
  /** For LIKE/ILIKE with a string literal: the pattern text, without quotes. */
  pattern?: string;
  /** True when the predicate sits under an OR/NOT (it cannot use an index on its own). */
  disjunctive: boolean;
  /** Span of the whole predicate expression (`a LIKE '%x'`). */
  span: Span;
}

export interface JoinCondition {
  left: ColumnRef;
  right: ColumnRef;
}

export interface JoinInfo {
  table: TableRef;
  kind: 'inner' | 'left' | 'right' | 'full' | 'cross';
  conditions: JoinCondition[];
}

export interface OrderItem {
  column: ColumnRef;
  desc: boolean;
}

/** pgvector's distance operators: L2, negative inner product, cosine, L1, Hamming, Jaccard. */
export type DistanceOperator = '<->' | '<#>' | '<=>' | '<+>' | '<~>' | '<%>';

export interface SimilarityOrder {
  /** The vector column measured. */
  column: ColumnRef;
  operator: DistanceOperator;
  /** The distance expression as written (`embedding <=> $1`, `Memory.embedding.cosine_distance(q)`). */
  span: Span;
}

/** One SELECT (or the row source of an UPDATE/DELETE): what an index could serve. */
export interface QueryModel {
  kind: StatementKind;
  /** Tables in FROM (and the target of UPDATE/DELETE/INSERT), excluding JOINed ones. */
  tables: TableRef[];
  joins: JoinInfo[];
  /** The select list's columns; empty for `*`. */
  columns: ColumnRef[];
  /** Span of the `*` or `t.*` in the select list, when present. */
  selectStar?: Span;
  /** WHERE conjuncts (and, for JOINs, non-join ON predicates). */
  predicates: Predicate[];
  /**
   * WHERE conjuncts that set two columns equal (`crates.id = releases.crate_id`),
   * both sides kept: an implicit join. Each also stays in `predicates` (on one side).
   */
  equalities: JoinCondition[];
  orderBy: OrderItem[];
  /** ORDER BY a pgvector distance (`embedding <=> $1`, `.cosine_distance(q)`): a similarity search. Not in `orderBy`. */
  similarity?: SimilarityOrder[];
  groupBy: ColumnRef[];
  /** Present when the statement has LIMIT / FETCH FIRST / TOP. */
  limit?: { span: Span; value?: number };
  offset?: { span: Span; value?: number };
  /** Aggregate in the select list (count/sum/...) without GROUP BY: returns one row. */
  isAggregate: boolean;
  distinct: boolean;
  /** Nested SELECTs: CTEs, subqueries in FROM/WHERE, UNION arms (the first arm is the model itself). */
  subqueries: QueryModel[];
  /** Set operation (UNION ...) on top level: the rules treat such statements conservatively. */
  setOp?: 'union' | 'intersect' | 'except';
  /** Whether a FROM-less SELECT (`SELECT 1`). */
  fromless: boolean;
  /**
   * An ORM write (host code only; parsed SQL leaves it out): what it sets, read whole. Present
   * only when its reader saw all the write sends (every value, every condition), so the SQL can
   * be rendered for Explain (core/engine/explainable.ts); without it an ORM write has no lens.
   */
  write?: OrmWrite;
}

/** A value an ORM write sends: a bound parameter (the ORMs bind literals too), `DEFAULT`, or SQL written in the code (TypeORM's `() => 'now()'`). */
export type WrittenValue = 'param' | 'default' | { sql: string };

export interface OrmWrite {
  /** The columns an INSERT or UPDATE writes, in the order the ORM names them (none for a DELETE). */
  columns: string[];
  /** Each VALUES row of an INSERT (the one SET list of an UPDATE), in `columns` order. */
  rows: WrittenValue[][];
  /**
   * INSERT ... ON CONFLICT (its target columns; none named: any) DO UPDATE of `update`, or DO NOTHING when
   * `update` is empty; each updated column set to the inserted row's value, or to a value of its own (`bound`);
   * or the clause as the code writes it (TypeORM's `.onConflict('("a") DO NOTHING')`).
   */
  onConflict?: { target: string[]; update: string[]; bound?: boolean } | { sql: string };
  /** The call returns the rows written (`RETURNING *`). */
  returning?: boolean;
}

/** A column of a CREATE TABLE / ADD COLUMN. */
export interface ColumnDef {
  name: string;
  type: string;
  notNull: boolean;
  primaryKey: boolean;
  unique: boolean;
  references?: { table: string; column?: string };
  span: Span;
}

export interface ForeignKeyDef {
  name?: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  span: Span;
}

/** One key part of an index: a plain column, or an expression (name undefined). */
export interface IndexKey {
  column?: string;
  expression?: string;
  desc?: boolean;
  /** Operator class, e.g. gin_trgm_ops. */
  opclass?: string;
}

export type SchemaChange =
  | {
      kind: 'createTable';
      table: string;
      /** The schema the name is qualified with (`app` of `app.jobs`), when it is. */
      schema?: string;
      columns: ColumnDef[];
      primaryKey?: string[];
      uniques: { name?: string; columns: string[] }[];
      foreignKeys: ForeignKeyDef[];
      ifNotExists: boolean;
      span: Span;
    }
  | {
      kind: 'createIndex';
      name?: string;
      table: string;
      keys: IndexKey[];
      unique: boolean;
      /** Has a WHERE clause. */
      partial: boolean;
      where?: string;
      method: string; // btree, gin, gist, hash ...
      /** Storage parameters of `WITH (m = 16, ef_construction = 64)` / `postgresql_with={...}`, as written. */
      options?: Record<string, string>;
      concurrently: boolean;
      ifNotExists: boolean;
      span: Span;
      /** Span of the `CREATE INDEX` keywords, where a missing CONCURRENTLY belongs. */
      keywordSpan: Span;
    }
  /** `tables` as written, schema-qualified when they are (`tenant.jobs`). */
  | { kind: 'dropTable'; tables: string[]; span: Span }
  | { kind: 'dropIndex'; names: string[]; span: Span }
  | { kind: 'addColumn'; table: string; column: ColumnDef; span: Span }
  | { kind: 'dropColumn'; table: string; column: string; span: Span }
  | { kind: 'renameColumn'; table: string; from: string; to: string; span: Span }
  | { kind: 'renameTable'; from: string; to: string; span: Span }
  | { kind: 'renameIndex'; from: string; to: string; span: Span }
  | {
      kind: 'addConstraint';
      table: string;
      constraint:
        | { type: 'primaryKey'; name?: string; columns: string[] }
        | { type: 'unique'; name?: string; columns: string[] }
        | { type: 'foreignKey'; fk: ForeignKeyDef };
      span: Span;
    }
  | { kind: 'dropConstraint'; table: string; name: string; span: Span };

/** One statement of a document, parsed. */
export interface Statement {
  kind: StatementKind;
  /** Span of the statement text (without the trailing semicolon). */
  span: Span;
  text: string;
  /** For SELECT/UPDATE/DELETE/INSERT ... SELECT: the query model. */
  query?: QueryModel;
  /** DDL effects, in order, for the schema catalog. */
  changes: SchemaChange[];
  /** Whether the statement runs inside an explicit BEGIN ... COMMIT block of this file. */
  inTransaction: boolean;
  /** In host code (Python, Rust): index of the extracted query in `FileContext.host.queries`. */
  hostQuery?: number;
  /** An ORM call chain: `text` is the host code, `query` the SQL it sends (as a model). */
  orm?: boolean;
}

export interface SyntaxError {
  message: string;
  span: Span;
}

export interface ParsedDocument {
  dialect: Dialect;
  statements: Statement[];
  errors: SyntaxError[];
  /** Spans of psql meta-commands (`\set`, `\d`, `\if` ...) that were skipped. */
  metaCommands: Span[];
  /** Inline data rows of `COPY ... FROM stdin` (up to the `\.` line), skipped like meta-commands. */
  copyData?: Span[];
  /**
   * Host code: the SQL strings QueryLens could not read (another dialect, a
   * hole standing for an identifier, a string that only looks like SQL); SQL
   * files: statements another dialect reads, or the database's own parser
   * accepts (`SyntaxOracle`). Not syntax errors: skipped quietly, and counted
   * in the CLI's summary.
   */
  unreadable?: Span[];
}
