/**
 * PGlite (PostgreSQL 18 in WebAssembly) inside the host process. Its data
 * directory is on disk, so that when the host is killed to stop a statement a
 * new host reopens the same database (PostgreSQL's crash recovery rolls the
 * open transaction back) instead of losing the shadow data.
 */
import { pathToFileURL } from 'node:url';
import type { OpenRequest, OpenResult, QueryOutcome, QueryRequest } from './protocol';

interface PGliteLike {
  waitReady: Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(sql: string): Promise<{ rows: Record<string, unknown>[]; affectedRows?: number }[]>;
}

export interface AsyncBackend {
  open(): Promise<OpenResult>;
  query(request: QueryRequest): Promise<QueryOutcome>;
  exec(sql: string): Promise<void>;
}

export async function pgliteBackend(request: OpenRequest): Promise<AsyncBackend> {
  // PGlite is ESM only and finds its .wasm/.data through import.meta.url: import it from its own files.
  const module = (await import(pathToFileURL(request.pgliteModule ?? '').href)) as { PGlite: new (dataDir?: string, options?: { extensions: Record<string, unknown> }) => PGliteLike };
  // Each extension module exports the extension under its name (`export { vector }`); CREATE EXTENSION then finds it.
  const extensions: Record<string, unknown> = {};
  for (const [name, file] of Object.entries(request.pgliteExtensions ?? {})) {
    extensions[name] = ((await import(pathToFileURL(file).href)) as Record<string, unknown>)[name];
  }
  const db = new module.PGlite(request.dataDir, { extensions });
  await db.waitReady;
  return {
    async open() {
      const r = await db.query<{ v: string; n: number }>("SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS n");
      return { version: `PGlite (PostgreSQL ${r.rows[0].v.split(' ')[0]})`, library: 'pglite', major: Math.floor(r.rows[0].n / 10000) };
    },
    async query({ sql, params }) {
      const start = performance.now();
      // Always the extended protocol (one statement per Parse); only `exec` (migration
      // files and the shadow schema) takes a script.
      const r = await db.query<Record<string, unknown>>(sql, params ?? []);
      return { rows: r.rows, rowCount: r.affectedRows, produced: r.rows.length, elapsedMs: performance.now() - start };
    },
    async exec(sql) {
      await db.exec(sql);
    },
  };
}
