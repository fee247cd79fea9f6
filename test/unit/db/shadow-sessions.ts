/**
 * DbSessions over the three engines the shadow database and plan analysis
 * are tested on, each a few lines: PGlite in process, the test PostgreSQL
 * server in a per-run schema (dropped after), better-sqlite3 in memory.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { DbSession, QueryResult } from '../../../server/src/db/types';

const url = process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ClosableSession extends DbSession {
  close(): Promise<void>;
}

function session(dialect: DbSession['dialect'], query: DbSession['query'], close: () => Promise<void>): ClosableSession {
  return { dialect, query, cancel: async () => undefined, release: async () => undefined, close };
}

/** PGlite, with pgvector loaded when `vector` (as the embedded database runs it). */
export async function pgliteSession(options: { vector?: boolean } = {}): Promise<ClosableSession> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = options.vector ? new PGlite({ extensions: { vector: (await import('@electric-sql/pglite-pgvector')).vector } }) : new PGlite();
  await db.waitReady;
  return session(
    'postgres',
    async (sql, params) => {
      const r = await db.query<Record<string, unknown>>(sql, params ? [...params] : undefined);
      return { rows: r.rows, rowCount: r.affectedRows };
    },
    () => db.close(),
  );
}

/** A session on the test server whose search_path is a fresh schema, dropped on close; undefined when no server answers. */
export async function pgSchemaSession(): Promise<ClosableSession | undefined> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  const schema = `querylens_shadow_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  return session(
    'postgres',
    async (sql, params): Promise<QueryResult> => {
      const r = await client.query(sql, params ? [...params] : undefined);
      return { rows: r.rows, rowCount: r.rowCount ?? undefined };
    },
    async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  );
}

export function sqliteSession(): ClosableSession {
  const db = new Database(':memory:');
  return session(
    'sqlite',
    async (sql, params) => {
      const statement = db.prepare(sql);
      if (statement.reader) return { rows: statement.all(...(params ?? [])) as Record<string, unknown>[] };
      return { rows: [], rowCount: statement.run(...(params ?? [])).changes };
    },
    async () => {
      db.close();
    },
  );
}
