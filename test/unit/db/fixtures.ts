/**
 * Databases for the db layer's tests: a per-run schema on the test PostgreSQL
 * server (dropped after), SQLite files in a temp dir, PGlite. Each opens the
 * real driver QueryLens uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { openDriver } from '../../../server/src/db/drivers';
import { DbError, type Driver } from '../../../server/src/db/types';
import * as assert from 'node:assert/strict';

export const PG_URL = process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PgFixture {
  schema: string;
  /** An admin client (search_path = the schema). */
  admin: Client;
  /** The QueryLens driver, its search_path set to the schema through the URL. */
  driver: Driver;
  url: string;
}

/** A schema with `workers` (n rows) on the server; undefined (suite skipped) when no server answers. */
export async function pgFixture(rows = 20_000): Promise<PgFixture | undefined> {
  const admin = new Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const schema = `querylens_db_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`SET search_path TO ${schema}, public`);
  await createWorkers((sql) => admin.query(sql), rows);
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema},public`)}`;
  const driver = await openDriver({ name: 'test-pg', driver: 'postgres', url });
  return { schema, admin, driver, url };
}

export async function dropPgFixture(f: PgFixture | undefined): Promise<void> {
  if (!f) return;
  await f.driver.close();
  await f.admin.query(`DROP SCHEMA IF EXISTS ${f.schema} CASCADE`);
  await f.admin.end();
}

/** The same `workers` table on every engine: planner_id has 100 values, task_status 4. */
export async function createWorkers(run: (sql: string) => unknown, rows: number, dialect: 'postgres' | 'sqlite' = 'postgres'): Promise<void> {
  await run('CREATE TABLE workers (id integer PRIMARY KEY, planner_id integer NOT NULL, task_status text NOT NULL, name text)');
  if (dialect === 'postgres') {
    await run(`INSERT INTO workers SELECT g, g % 100, (ARRAY['pending','running','done','failed'])[g % 4 + 1], 'worker ' || g FROM generate_series(1, ${rows}) g`);
    await run('ANALYZE workers');
  } else {
    await run(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${rows})
      INSERT INTO workers SELECT n, n % 100, CASE n % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'running' WHEN 2 THEN 'done' ELSE 'failed' END, 'worker ' || n FROM g`);
  }
}

export interface SqliteFixture {
  dir: string;
  file: string;
  driver: Driver;
  /** Rows of `workers`, read with a separate connection. */
  count(): number;
  dispose(): Promise<void>;
}

export async function sqliteFixture(rows = 20_000, options: { readOnly?: boolean } = {}): Promise<SqliteFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'querylens-db-test-'));
  const file = path.join(dir, 'app.sqlite');
  const db = new Database(file);
  await createWorkers((sql) => db.exec(sql), rows, 'sqlite');
  db.close();
  const driver = await openDriver({ name: 'test-sqlite', driver: 'sqlite', file: 'app.sqlite', readOnly: options.readOnly }, { root: dir });
  return {
    dir,
    file,
    driver,
    count() {
      const check = new Database(file, { readonly: true });
      try {
        return Number((check.prepare('SELECT count(*) AS n FROM workers').get() as { n: number }).n);
      } finally {
        check.close();
      }
    },
    async dispose() {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PGlite (embedded driver) with `workers` loaded through the session's exec, as the shadow builder does. */
export async function pgliteFixture(rows = 5_000): Promise<Driver> {
  const driver = await openDriver({ name: 'embedded', driver: 'embedded', dialect: 'postgres' });
  const session = await driver.session();
  try {
    await createWorkers((sql) => session.exec!(sql), rows);
  } finally {
    await session.release();
  }
  return driver;
}

export async function count(driver: Driver, table = 'workers'): Promise<number> {
  const session = await driver.session();
  try {
    return Number((await session.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await session.release();
  }
}

/** A database of its own on the test server (unique name), for what a schema cannot hold (database defaults, extensions). */
export interface OwnDatabase {
  name: string;
  url: string;
  /** Runs SQL (a script) on the database over a connection of its own. */
  run(sql: string): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

async function asAdmin<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** Undefined (suite skipped) when no server answers. */
export async function ownDatabase(prefix: string): Promise<OwnDatabase | undefined> {
  const name = `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  try {
    await asAdmin(PG_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  } catch {
    return undefined;
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    run: (sql) => asAdmin(url.toString(), async (c) => ((await c.query(sql)) as unknown as { rows?: Record<string, unknown>[] }).rows ?? []),
    drop: () => asAdmin(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * The database of issue 9's attack: its default is `standard_conforming_strings
 * = off`, where `'x\''` is one string for the server and not for libpg-query,
 * with a `victim` table of `rows` rows.
 */
export interface LegacyStringsDatabase extends OwnDatabase {
  /** The same, asking for the setting off in the URL's options too. */
  urlWithOptions: string;
  /** Rows of `victim`, read over a connection of its own. */
  victims(): Promise<number>;
}

export const ATTACK = "SELECT 'x\\'';COMMIT;DELETE FROM victim;--' AS s;";

export async function legacyStringsDatabase(rows = 5): Promise<LegacyStringsDatabase | undefined> {
  const db = await ownDatabase('querylens_scs');
  if (!db) return undefined;
  await asAdmin(PG_URL, (c) => c.query(`ALTER DATABASE ${db.name} SET standard_conforming_strings = off`));
  await db.run(`CREATE TABLE victim (id integer PRIMARY KEY); INSERT INTO victim SELECT generate_series(1, ${rows})`);
  const urlWithOptions = new URL(db.url);
  urlWithOptions.searchParams.set('options', '-c standard_conforming_strings=off');
  return {
    ...db,
    urlWithOptions: urlWithOptions.toString(),
    victims: async () => Number((await db.run('SELECT count(*) AS n FROM victim'))[0]!.n),
  };
}

/** The DbError a promise is rejected with (the test fails when it resolves or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<DbError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof DbError, String(e));
    return e;
  }
  throw new Error('expected a DbError');
}
