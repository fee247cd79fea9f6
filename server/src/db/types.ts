/**
 * The database layer's contracts (issue 4). A Driver owns the connection(s) to
 * one configured database; a DbSession is one connection taken from it for
 * the length of one job (an explain, a proof), so that BEGIN ... ROLLBACK and
 * SET LOCAL apply to that job alone.
 *
 * Everything above this (explain runner, index proofs, shadow database,
 * LSP handlers, CLI) talks to databases only through these interfaces.
 */
import type { DriverKind } from '../../../shared/connections';

export type DbDialect = 'postgres' | 'sqlite';

export interface QueryResult {
  rows: Record<string, unknown>[];
  /** Rows changed by a write, when the driver tells. */
  rowCount?: number;
  /**
   * Time the statement itself took inside the driver (ms), without any
   * transport: the SQLite and PGlite drivers measure it next to the database,
   * so an EXPLAIN ANALYZE of SQLite reports the statement's own time.
   */
  elapsedMs?: number;
}

export interface SessionOptions {
  /**
   * Stop any statement of the session that runs longer (ms): the pending `query`
   * rejects with a DbError of kind `timeout`. Drivers without a server-side
   * `statement_timeout` (SQLite, PGlite) enforce it themselves; on PostgreSQL it
   * is a safety net behind `SET LOCAL statement_timeout`.
   */
  timeoutMs?: number;
}

export interface DbSession {
  readonly dialect: DbDialect;
  /** Runs one statement with positional parameters. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /**
   * Stops the statement running on this session, on the server where there is
   * one (`pg_cancel_backend`), else by the driver's own means. The pending
   * `query` then rejects with a DbError of kind `cancelled`.
   */
  cancel(): Promise<void>;
  /**
   * Runs a script of several statements without parameters (the shadow schema
   * builder's migrations). Never used by explain: explain runs one statement.
   */
  exec?(sql: string): Promise<void>;
  /** Gives the connection back (rolls back anything left open). */
  release(): Promise<void>;
}

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface Driver {
  readonly name: string;
  readonly kind: DriverKind;
  readonly dialect: DbDialect;
  session(options?: SessionOptions): Promise<DbSession>;
  /** `PostgreSQL 15.19`, `SQLite 3.45.1`, `PGlite (PostgreSQL 17.4)`. */
  serverVersion(): Promise<string>;
  /** PostgreSQL major version number (15, 16, 17); undefined for SQLite. */
  majorVersion(): Promise<number | undefined>;
  poolStats?(): PoolStats;
  /**
   * How many sessions may be out at once (the pool's size): the benchmark
   * engine runs at most this many in parallel. Absent: one (a host driver's
   * sessions take turns).
   */
  readonly maxSessions?: number;
  close(): Promise<void>;
}

export type DbErrorKind =
  | 'auth' // bad password / user
  | 'unreachable' // host down, connection refused, DNS
  | 'timeout' // connect timeout or statement timeout
  | 'ssl'
  | 'missing-database' // database or SQLite file does not exist
  | 'cancelled'
  | 'refused' // QueryLens refused to run it (DDL, write on a read-only connection ...)
  | 'sql' // the database rejected the statement
  | 'driver'; // the driver could not be loaded

/** Every failure of the database layer: `message` names the connection and says what to do. */
export class DbError extends Error {
  constructor(
    readonly kind: DbErrorKind,
    message: string,
    readonly connection: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DbError';
  }
}
