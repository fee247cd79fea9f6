/**
 * Migrations on a SQLite file (sqlx, golang-migrate and Prisma all support
 * SQLite): tracking tables with the tools' SQLite DDL, apply and revert, and
 * statuses read back, checked with a separate better-sqlite3 connection.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openDriver } from '../../../server/src/db/drivers';
import { applyMigrations, migrationsReport } from '../../../server/src/db/migrations';
import type { Driver } from '../../../server/src/db/types';
import { openssl, workspaceOf } from './migrations-helpers';

describe('db/migrations on SQLite', function () {
  this.timeout(60_000);
  let dir = '';
  let file = '';
  let driver: Driver;
  const disposers: (() => void)[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'querylens-mig-sqlite-'));
    file = path.join(dir, 'app.sqlite');
    new Database(file).close();
    driver = await openDriver({ name: 'test-sqlite', driver: 'sqlite', file });
  });
  afterEach(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
    disposers.splice(0).forEach((d) => d());
  });
  const read = (sql: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };

  it('sqlx: _sqlx_migrations with sqlx\'s SQLite DDL, BLOB checksums, apply then revert', async () => {
    const w = await workspaceOf({
      'migrations/20240101000000_create_users.up.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n',
      'migrations/20240101000000_create_users.down.sql': 'DROP TABLE users;\n',
      'migrations/20240102000000_index_email.up.sql': 'CREATE INDEX users_email_idx ON users (email);\n',
      'migrations/20240102000000_index_email.down.sql': 'DROP INDEX users_email_idx;\n',
    });
    disposers.push(w.dispose);
    const mdir = path.join(w.root, 'migrations');
    assert.deepEqual((await applyMigrations(driver, w.workspace, mdir, 'apply')).versions, ['20240101000000', '20240102000000']);
    const rows = read('SELECT version, description, installed_on, success, checksum, execution_time FROM _sqlx_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => [r.version, r.description, r.success]), [[20240101000000, 'create users', 1], [20240102000000, 'index email', 1]]);
    assert.equal((rows[0].checksum as Buffer).toString('hex'), openssl('sha384', path.join(mdir, '20240101000000_create_users.up.sql')));
    assert.match(String(rows[0].installed_on), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.ok(Number(rows[0].execution_time) > 0);
    const set = (await migrationsReport(driver, w.workspace)).sets[0];
    assert.deepEqual(set.rows.map((r) => r.status), ['applied', 'applied']);
    assert.ok(Math.abs(Date.parse(set.rows[0].appliedAt!) - Date.now()) < 60_000, 'CURRENT_TIMESTAMP read as UTC');

    await applyMigrations(driver, w.workspace, mdir, 'revert');
    assert.deepEqual(read('SELECT version FROM _sqlx_migrations').map((r) => r.version), [20240101000000]);
    assert.deepEqual(read("SELECT name FROM sqlite_master WHERE name = 'users_email_idx'"), []);
  });

  it('golang-migrate: schema_migrations (version, dirty) with its unique index; a failing file leaves the version as it was', async () => {
    const w = await workspaceOf({
      'db/migrations/1_init.up.sql': 'CREATE TABLE t (id INTEGER PRIMARY KEY);\n',
      'db/migrations/1_init.down.sql': 'DROP TABLE t;\n',
      'db/migrations/2_bad.up.sql': 'ALTER TABLE t ADD COLUMN a TEXT;\nALTER TABLE no_such_table ADD COLUMN b TEXT;\n',
      'db/migrations/2_bad.down.sql': 'ALTER TABLE t DROP COLUMN a;\n',
    });
    disposers.push(w.dispose);
    const mdir = path.join(w.root, 'db/migrations');
    await assert.rejects(applyMigrations(driver, w.workspace, mdir, 'apply'), /2_bad\.up\.sql failed: .*no such table.*rolled back/);
    assert.deepEqual(read('SELECT version, dirty FROM schema_migrations'), [{ version: 1, dirty: 0 }]);
    assert.deepEqual(read("SELECT name FROM pragma_table_info('t')").map((r) => r.name), ['id'], 'the failed file left nothing behind');
    assert.deepEqual(read("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'schema_migrations'").map((r) => r.name), ['version_unique']);
    const set = (await migrationsReport(driver, w.workspace)).sets[0];
    assert.deepEqual(set.rows.map((r) => `${r.version}:${r.status}`), ['1:applied', '2:pending']);
  });

  it('Prisma on SQLite: DATETIME columns as Prisma writes them (text or epoch ms), statuses', async () => {
    const w = await workspaceOf({
      'prisma/migrations/migration_lock.toml': 'provider = "sqlite"\n',
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);\r\n',
      'prisma/migrations/20240102000000_post/migration.sql': 'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);\n',
    });
    disposers.push(w.dispose);
    const db = new Database(file);
    db.exec(`CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
      "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    // Checksum of the LF version of a CRLF file: Prisma accepts it (git may have changed the line endings).
    const lf = openssl('sha256', path.join(w.root, 'prisma/migrations/20240102000000_post/migration.sql'));
    const crlfAsLf = createHash('sha256').update('CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);\n').digest('hex');
    db.prepare('INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)').run('a', crlfAsLf, 1706781600500, '20240101000000_init', 1706781600000);
    db.prepare('INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, NULL, ?, 0)').run('b', lf, '20240102000000_post');
    db.close();
    const set = (await migrationsReport(driver, w.workspace)).sets[0];
    assert.deepEqual(set.rows.map((r) => `${r.version}:${r.status}`), ['20240101000000_init:applied', '20240102000000_post:failed']);
    assert.equal(set.rows[0].appliedAt, '2024-02-01T10:00:00.500Z');
    assert.equal(set.rows[0].executionMs, 500);
  });
});
