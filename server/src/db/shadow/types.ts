/** The shadow database's script, options and build report (issue 4, item 2). */

export type ShadowDialect = 'postgres' | 'sqlite';

export interface ShadowOptions {
  dialect: ShadowDialect;
  /** Synthetic rows per table (DEFAULT_SHADOW_ROWS when absent). */
  rowsPerTable?: number;
  /** Rows of particular tables (lower-case table name → rows), over `rowsPerTable`. */
  tableRows?: Record<string, number>;
  /** Same seed, same data (default 1). */
  seed?: number;
  /**
   * Declared types the target database does not know (lower-case, as in the
   * catalog: `vector(1536)`, `mood`): their columns are created as text and
   * reported. `buildShadow` finds them by asking the database.
   */
  unknownTypes?: ReadonlySet<string>;
  /** Drop the catalog's tables first (`DROP TABLE IF EXISTS`): rebuilds a shadow in the same database after a schema change. */
  replace?: boolean;
}

export type ShadowPurpose = 'setup' | 'table' | 'fill' | 'unique-index' | 'foreign-key' | 'index' | 'analyze';

export interface ShadowStatement {
  sql: string;
  /** The table it creates, fills or indexes. */
  table?: string;
  purpose: ShadowPurpose;
  /** The index or constraint it creates. */
  name?: string;
}

/** Something of the catalog the shadow leaves out or changes, and why. */
export interface ShadowSkip {
  table: string;
  /** `table`, `index idx_x`, `foreign key workers_planner_id_fkey`, `column embedding`, `rows`. */
  what: string;
  reason: string;
}

/** A column created with another type than declared. */
export interface TypeFallback {
  table: string;
  column: string;
  declared: string;
  used: string;
}

export interface ShadowScript {
  /** DDL in foreign-key order, the fills, unique indexes, foreign keys (PostgreSQL), indexes, ANALYZE. */
  statements: ShadowStatement[];
  skipped: ShadowSkip[];
  fallbacks: TypeFallback[];
  /** Rows each created table gets. */
  rows: Record<string, number>;
}

export interface FailedStatement extends ShadowStatement {
  error: string;
}

export interface ShadowReport {
  dialect: ShadowDialect;
  /** `shadowSignature` of the catalog and options: rebuild when it changes. */
  signature: string;
  /** Tables created and the rows they were filled with. */
  tables: { name: string; rows: number }[];
  /** Statements that ran. */
  executed: number;
  /** Statements the database rejected (the build went on without them). */
  failed: FailedStatement[];
  skipped: ShadowSkip[];
  fallbacks: TypeFallback[];
  /** Wall time of the whole build, ms. */
  ms: number;
}
