/**
 * What every migration tool module provides: where its tracking table is, how
 * to read the statuses from it, and (SQL-file tools only) how to write its
 * tracking rows the way the tool itself does when QueryLens applies a file.
 */
import type { AlembicRevision, MigrationRow, MigrationToolName } from '../../../../../shared/dashboard';
import type { Migration, MigrationSet } from '../../../core/catalog/types';
import type { DbDialect, QueryResult } from '../../types';

/** A migration set of any tool: the core's detected sets, and the Knex sets found here. */
export type AnySet = Omit<MigrationSet, 'tool'> & { tool: MigrationToolName };

export type Run = (sql: string, params?: readonly unknown[]) => Promise<QueryResult>;

export interface ToolContext {
  run: Run;
  dialect: DbDialect;
  /** Workspace root: QueryLens's own table keys plain files by their path under it. */
  root: string;
}

/** A row without its findings: the report adds those from the workspace. */
export type StatusRow = Omit<MigrationRow, 'findings'>;

export interface SetStatus {
  trackingTableFound: boolean;
  rows: StatusRow[];
  /** Alembic: the revision graph. */
  revisions?: AlembicRevision[];
}

/** One migration as QueryLens runs it: the file, its bytes, how long its SQL took. */
export interface Step {
  migration: Migration;
  /** The file that runs (the up file, or the down / undo file on revert). */
  file: string;
  bytes: Buffer;
  elapsedMs: number;
  /** Whether the script and the tracking write share one transaction. */
  transactional: boolean;
}

export interface TrackingWriter {
  /** Creates the tracking table with the tool's own DDL when it is missing. */
  ensureTable(ctx: ToolContext): Promise<void>;
  /** Before the script, when it runs outside a transaction (golang-migrate marks the version dirty first). */
  beforeApply?(ctx: ToolContext, step: Step): Promise<void>;
  /** Right after the script, in its transaction when there is one. */
  recordApply(ctx: ToolContext, step: Step): Promise<void>;
  /** After the commit (sqlx fills in execution_time only then). */
  afterApply?(ctx: ToolContext, step: Step): Promise<void>;
  /** Before the down script, when it runs outside a transaction. `previous` is the version it goes back to. */
  beforeRevert?(ctx: ToolContext, step: Step, previous: Migration | undefined): Promise<void>;
  recordRevert(ctx: ToolContext, step: Step, previous: Migration | undefined): Promise<void>;
  /**
   * After a script that ran outside a transaction failed half-way: the mark
   * the tool itself leaves on a half-applied version (sqlx and Flyway a row
   * with `success = false`, QueryLens's own table the same), so the status
   * says failed, not pending. golang-migrate needs none: its before-mark is
   * the dirty flag.
   */
  recordFailure?(ctx: ToolContext, step: Step, action: 'apply' | 'revert'): Promise<void>;
  /**
   * Whether the file itself says it must run outside a transaction (sqlx's
   * `-- no-transaction` first line). Undefined: QueryLens decides from the
   * statements (see script.ts).
   */
  noTransactionMarker?(text: string): boolean;
  /** Extra refusal before applying, in the tool's own words (Flyway's out-of-order check). */
  refuseApply?(pending: StatusRow[], rows: StatusRow[]): string | undefined;
}

export interface ToolModule {
  tool: MigrationToolName;
  table: string;
  /** ORM tools: what applies the migrations (QueryLens does not). */
  command?: string;
  status(set: AnySet, ctx: ToolContext): Promise<SetStatus>;
  writer?: TrackingWriter;
}
