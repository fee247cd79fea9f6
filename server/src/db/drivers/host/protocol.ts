/**
 * Messages between the language server and a database host process. SQLite
 * (better-sqlite3 / node:sqlite) is synchronous and PGlite is WebAssembly on
 * the calling thread: neither can be interrupted from JavaScript, and neither
 * honours a timeout by itself. Running them in a child process means a
 * timeout or a cancel can always stop the statement (the process is killed);
 * the database file or PGlite data directory then recovers the way it does
 * after a crash: the open transaction is rolled back.
 */

export type HostBackend = 'sqlite' | 'pglite';

export interface OpenRequest {
  op: 'open';
  backend: HostBackend;
  /** sqlite: the database file (must exist). */
  file?: string;
  readOnly?: boolean;
  /** sqlite: better-sqlite3's compiled binding, when the bundle ships it next to itself. */
  nativeBinding?: string;
  /** pglite: its data directory (created when empty). */
  dataDir?: string;
  /** pglite: the ESM entry of @electric-sql/pglite to import. */
  pgliteModule?: string;
  /** pglite: extensions to load, by name: the ESM entry exporting it (`vector` → @electric-sql/pglite-pgvector). */
  pgliteExtensions?: Record<string, string>;
}

export interface QueryRequest {
  op: 'query';
  sql: string;
  /** sqlite: anonymous `?` values in order, and named ones by name without their prefix (`?2` → `2`, `:id` → `id`). */
  params?: unknown[];
  named?: Record<string, unknown>;
  /** Run it through, count the rows and send none back (EXPLAIN ANALYZE-like timing of SQLite). */
  discardRows?: boolean;
}

export interface ExecRequest {
  op: 'exec';
  sql: string;
}

export type HostMessage = OpenRequest | QueryRequest | ExecRequest;
export type HostRequest = HostMessage & { id: number };

export interface OpenResult {
  /** `SQLite 3.51.2`, `PGlite (PostgreSQL 18.7)`. */
  version: string;
  /** Which library runs it: `better-sqlite3`, `node:sqlite`, `pglite`. */
  library: string;
  major?: number;
}

export interface QueryOutcome {
  rows: Record<string, unknown>[];
  rowCount?: number;
  /** Rows produced, also when they were discarded. */
  produced: number;
  elapsedMs: number;
}

export type HostResponse =
  | { id: number; ok: true; result: OpenResult | QueryOutcome | null }
  | { id: number; ok: false; error: { message: string; code?: string } };
