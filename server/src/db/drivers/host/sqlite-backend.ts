/**
 * SQLite inside the host process: better-sqlite3 when its native binding
 * loads (built for this Node's ABI), else Node's own `node:sqlite` (Node ≥
 * 22.5), e.g. in the code-server extension host on Node 24. Both behind the
 * same three calls.
 */
import { existsSync } from 'node:fs';
import type { OpenRequest, OpenResult, QueryOutcome, QueryRequest } from './protocol';

export interface Backend {
  open(): OpenResult;
  query(request: QueryRequest): QueryOutcome;
  exec(sql: string): void;
}

export interface Engine {
  library: string;
  prepare(sql: string): { returnsRows: boolean; all(named: Record<string, unknown> | undefined, anon: unknown[]): Record<string, unknown>[]; iterateCount(named: Record<string, unknown> | undefined, anon: unknown[]): number; run(named: Record<string, unknown> | undefined, anon: unknown[]): number };
  exec(sql: string): void;
  close(): void;
}

function args(named: Record<string, unknown> | undefined, anon: unknown[]): unknown[] {
  return named && Object.keys(named).length ? [...anon, named] : anon;
}

function betterSqlite(file: string, readOnly: boolean, nativeBinding?: string): Engine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(file, { readonly: readOnly, fileMustExist: true, ...(nativeBinding && existsSync(nativeBinding) ? { nativeBinding } : {}) });
  return {
    library: 'better-sqlite3',
    prepare(sql) {
      const stmt = db.prepare(sql);
      return {
        returnsRows: stmt.reader,
        all: (named, anon) => stmt.all(...args(named, anon)) as Record<string, unknown>[],
        iterateCount(named, anon) {
          let n = 0;
          for (const _ of stmt.iterate(...args(named, anon))) n++;
          return n;
        },
        run: (named, anon) => stmt.run(...args(named, anon)).changes,
      };
    },
    exec: (sql) => void db.exec(sql),
    close: () => void db.close(),
  };
}

function nodeSqlite(file: string, readOnly: boolean): Engine {
  // Loaded by name at run time: the bundle targets Node 20, which lacks it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DatabaseSync } = require('node:' + 'sqlite') as { DatabaseSync: new (file: string, options?: object) => NodeSqliteDb };
  const db = new DatabaseSync(file, { readOnly });
  // node:sqlite takes named values first, then the anonymous ones.
  const call = (named: Record<string, unknown> | undefined, anon: unknown[]) => (named && Object.keys(named).length ? [named, ...anon] : anon);
  return {
    library: 'node:sqlite',
    prepare(sql) {
      const stmt = db.prepare(sql);
      return {
        returnsRows: stmt.columns().length > 0,
        all: (named, anon) => stmt.all(...call(named, anon)),
        iterateCount(named, anon) {
          let n = 0;
          for (const _ of stmt.iterate(...call(named, anon))) n++;
          return n;
        },
        run: (named, anon) => Number(stmt.run(...call(named, anon)).changes),
      };
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}

interface NodeSqliteDb {
  prepare(sql: string): {
    columns(): unknown[];
    all(...values: unknown[]): Record<string, unknown>[];
    iterate(...values: unknown[]): Iterable<unknown>;
    run(...values: unknown[]): { changes: number | bigint };
  };
  exec(sql: string): void;
  close(): void;
}

/** A SQLite database through better-sqlite3, else node:sqlite; throws (code `DRIVER`) when neither loads. */
export function openSqliteEngine(file: string, readOnly: boolean, nativeBinding?: string): Engine {
  try {
    return betterSqlite(file, readOnly, nativeBinding);
  } catch (betterError) {
    try {
      return nodeSqlite(file, readOnly);
    } catch {
      throw Object.assign(new Error(`neither better-sqlite3 (${(betterError as Error).message}) nor node:sqlite could be loaded`), { code: 'DRIVER' });
    }
  }
}

export function sqliteBackend(request: OpenRequest): Backend {
  const file = request.file ?? '';
  // Never create a database: a missing file is the user's wrong path, not an empty database.
  if (!existsSync(file)) throw Object.assign(new Error(`database file not found: ${file}`), { code: 'SQLITE_CANTOPEN' });
  const engine = openSqliteEngine(file, request.readOnly ?? false, request.nativeBinding);
  return {
    open() {
      const version = engine.prepare('SELECT sqlite_version() AS v').all(undefined, [])[0].v;
      return { version: `SQLite ${version}`, library: engine.library };
    },
    query({ sql, params = [], named, discardRows }) {
      const start = performance.now();
      const stmt = engine.prepare(sql);
      if (!stmt.returnsRows) {
        const changes = stmt.run(named, params);
        return { rows: [], rowCount: changes, produced: 0, elapsedMs: performance.now() - start };
      }
      if (discardRows) {
        const produced = stmt.iterateCount(named, params);
        return { rows: [], produced, elapsedMs: performance.now() - start };
      }
      const rows = stmt.all(named, params);
      return { rows, produced: rows.length, elapsedMs: performance.now() - start };
    },
    exec: (sql) => engine.exec(sql),
  };
}
