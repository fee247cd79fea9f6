/**
 * The schema catalog: what the workspace's migrations and DDL files say the
 * database looks like, after applying them in order. Rules read it; they never
 * build it.
 */
import type { IndexKey, Span } from '../sql/model';

/** Where a catalog object was declared. */
export interface Origin {
  /** Absolute path of the file. */
  file: string;
  span: Span;
  /** Position of that file in the apply order (0 = first migration); DDL files come after migrations. */
  order: number;
}

export interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  origin: Origin;
}

export interface KeyInfo {
  name?: string;
  columns: string[];
  origin: Origin;
}

export interface ForeignKeyInfo {
  name?: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  origin: Origin;
}

export interface IndexInfo {
  name: string;
  table: string;
  keys: IndexKey[];
  unique: boolean;
  partial: boolean;
  /** A partial index's predicate as written (SQL in DDL files; the Python expression in SQLAlchemy/Alembic code). */
  where?: string;
  method: string;
  /** Storage parameters (`WITH (m = 16, ef_construction = 64)`, `lists = 100`), as written. */
  options?: Record<string, string>;
  /** Implicit indexes back PRIMARY KEY and UNIQUE constraints, and in MySQL (InnoDB) a FOREIGN KEY no index leads with. */
  implicit?: 'primaryKey' | 'unique' | 'foreignKey';
  origin: Origin;
}

export interface TableInfo {
  /** Lower-case, unqualified: the catalog's key. */
  name: string;
  /** The name as its CREATE TABLE (or rename) spells it, case kept (`ApiToken`, `app.jobs`): what generated SQL writes. */
  spelled?: string;
  /** The schema its CREATE TABLE qualified it with, lower-case; none: the default (`public`). */
  schema?: string;
  /** Columns in declaration order. */
  columns: Map<string, ColumnInfo>;
  primaryKey?: KeyInfo;
  uniques: KeyInfo[];
  foreignKeys: ForeignKeyInfo[];
  /** Explicit and implicit (primary key, unique) indexes. */
  indexes: IndexInfo[];
  /** Indexes a DROP INDEX removed, each with where it was dropped: the project took them away, perhaps on purpose. */
  droppedIndexes?: { index: IndexInfo; by: Origin }[];
  origin: Origin;
  /**
   * True when no CREATE TABLE was seen: the table exists in the catalog only
   * because an index, column or constraint named it (see buildCatalog).
   */
  stub?: boolean;
}

export interface Catalog {
  /** Keyed by lower-case unqualified table name. */
  tables: Map<string, TableInfo>;
  getTable(name: string): TableInfo | undefined;
}

/** A recognised migration layout. */
export type MigrationTool = 'sqlx' | 'golang-migrate' | 'flyway' | 'prisma' | 'plain' | 'alembic' | 'knex' | 'kysely' | 'typeorm' | 'drizzle';

export interface Migration {
  /** Version or sequence as the tool sees it (`20240101120000`, `0003`, `V3`). */
  version: string;
  description: string;
  /** Absolute path of the file (or Prisma's `migration.sql`) that applies it. */
  upFile: string;
  downFile?: string;
  /** Alembic: the revisions this one revises (`down_revision`; several for a merge, none for a root). */
  parents?: string[];
}

export interface MigrationSet {
  tool: MigrationTool;
  /** Absolute path of the migrations folder. */
  dir: string;
  /** In apply order. */
  migrations: Migration[];
  /** Prisma: the `provider` of `migration_lock.toml` (`postgresql`, `sqlite`, `mysql` ...); knex: its knexfile's `client` (`pg`, `sqlite3` ...). */
  provider?: string;
  /** Alembic: the revisions nothing revises yet, in apply order (one per branch; several until merged). */
  heads?: string[];
  /** knex, Kysely: how the folder's files are written (new migrations follow it). */
  script?: { module: 'esm' | 'cjs'; extension: string };
  /** Kysely: the project's Migrator runs without transactions (`disableTransactions: true`). */
  noTransaction?: boolean;
  /** knex: the tracking table its knexfile names (`migrations.tableName`, with `schemaName`), when not the tool's own default. */
  table?: string;
  /** Alembic: the `file_template` of its `alembic.ini` (`%(rev)s_%(slug)s` when none), `%%` already read as `%`. */
  fileTemplate?: string;
}
