/**
 * A migration that fails half-way outside a transaction (a plain file with
 * CREATE INDEX CONCURRENTLY, a sqlx `-- no-transaction` file) leaves the
 * database half-applied: the tracking table must say so the way the tool
 * does (a row with success = false), `migrations` must report it failed and
 * exit non-zero, and the next apply must stop. A transactional file that
 * fails keeps nothing and stays pending. On a database of its own.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Client } from 'pg';
import { parseArgs } from '../../../server/src/cli/args';
import { runMigrationsCommand } from '../../../server/src/cli/migrations';
import { openDriver } from '../../../server/src/db/drivers';
import { applyMigrations, migrationsReport } from '../../../server/src/db/migrations';
import type { Driver } from '../../../server/src/db/types';
import { failure, ownDatabase, type OwnDatabase } from './fixtures';
import { workspaceOf } from './migrations-helpers';

describe('db/migrations: a failed migration outside a transaction is recorded as failed (PostgreSQL)', function () {
  this.timeout(60_000);
  let own: OwnDatabase | undefined;
  let url = '';
  let db: Client;
  let driver: Driver;
  const disposers: (() => void)[] = [];

  before(async function () {
    own = await ownDatabase('ql_migfail');
    if (!own) return this.skip();
    url = own.url;
  });
  beforeEach(async () => {
    db = new Client({ connectionString: url });
    await db.connect();
    await db.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    driver = await openDriver({ name: 'mig-fail', driver: 'postgres', url });
  });
  afterEach(async () => {
    await driver?.close();
    await db?.end();
    disposers.splice(0).forEach((d) => d());
  });
  after(async () => {
    await own?.drop().catch(() => undefined);
  });

  async function fixture(files: Record<string, string>) {
    const w = await workspaceOf(files);
    disposers.push(w.dispose);
    return w;
  }
  const tableExists = async (name: string) => (await db.query('SELECT to_regclass($1) IS NOT NULL AS found', [name])).rows[0].found as boolean;

  it('plain folder: the half-applied file gets a failed row in querylens_migrations; migrations reports failed, exit 1; apply stops', async () => {
    const { root, workspace } = await fixture({
      'db/001_init.sql': 'CREATE TABLE accounts (id int PRIMARY KEY);\n',
      'db/002_indexes.sql': 'CREATE TABLE half (id int);\nCREATE INDEX CONCURRENTLY half_id ON half (id);\nCREATE INDEX CONCURRENTLY nope_id ON no_such_table (id);\n',
      'db/003_later.sql': 'CREATE TABLE later (id int);\n',
    });
    const error = await failure(applyMigrations(driver, workspace, path.join(root, 'db'), 'apply'));
    assert.equal(error.message, 'Connection "mig-fail": 002_indexes.sql failed: relation "no_such_table" does not exist (it ran outside a transaction: the statements before the failing one stay applied; querylens_migrations marks it failed).');
    assert.equal(await tableExists('half'), true, 'what ran before the failing statement stays');
    assert.equal(await tableExists('later'), false, 'nothing after the failed file ran');
    const rows = (await db.query('SELECT script, success FROM querylens_migrations ORDER BY script')).rows;
    assert.deepEqual(rows, [{ script: 'db/001_init.sql', success: true }, { script: 'db/002_indexes.sql', success: false }]);

    const report = await migrationsReport(driver, workspace);
    assert.deepEqual(report.sets[0]!.rows.map((r) => `${r.version}:${r.status}`), ['001:applied', '002:failed', '003:pending']);
    const cli = await runMigrationsCommand({ ...(parseArgs(['migrations', '--connection', url]) as Parameters<typeof runMigrationsCommand>[0]), cwd: root, env: {}, warn: () => undefined });
    assert.equal(cli.problems, true, 'exit 1');
    assert.match(cli.output, /\n {2}002 +indexes +failed /);
    assert.match(cli.output, /3 migrations in 1 set on .*: 1 applied, 1 pending, 1 failed\.\n$/);

    const again = await failure(applyMigrations(driver, workspace, path.join(root, 'db'), 'apply'));
    assert.equal(again.kind, 'refused');
    assert.match(again.message, /plain would stop here, so QueryLens does too: 002 is failed \(dirty\)\. Restore the file, or repair the database and delete its querylens_migrations row/);
    assert.equal(await tableExists('later'), false);
  });

  it('sqlx -- no-transaction: a _sqlx_migrations row with success = false and the file\'s checksum, as sqlx reads a dirty version', async () => {
    const { root, workspace } = await fixture({
      'migrations/20240101000000_users.sql': 'CREATE TABLE users (id int);\n',
      'migrations/20240102000000_index.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY users_id ON users (id);\nCREATE INDEX CONCURRENTLY bad ON users (no_such_column);\n',
    });
    const error = await failure(applyMigrations(driver, workspace, path.join(root, 'migrations'), 'apply'));
    assert.equal(error.message, 'Connection "mig-fail": 20240102000000_index.sql failed: column "no_such_column" does not exist (it ran outside a transaction: the statements before the failing one stay applied; _sqlx_migrations marks it failed).');
    assert.equal(await tableExists('users_id'), true);
    const rows = (await db.query("SELECT version::text, description, success, execution_time::text, encode(checksum, 'hex') AS checksum FROM _sqlx_migrations ORDER BY version")).rows;
    assert.deepEqual(rows.map((r) => [r.version, r.description, r.success]), [['20240101000000', 'users', true], ['20240102000000', 'index', false]]);
    assert.equal(rows[1].execution_time, '-1');
    const report = await migrationsReport(driver, workspace);
    const set = report.sets.find((s) => s.tool === 'sqlx')!;
    assert.deepEqual(set.rows.map((r) => `${r.version}:${r.status}`), ['20240101000000:applied', '20240102000000:failed']);
    assert.equal(set.rows[1]!.checksum?.recorded, set.rows[1]!.checksum?.file, 'the recorded checksum is the file\'s');
  });

  it('Flyway: a non-transactional file that fails gets a history row with success = false, as Flyway writes it', async () => {
    const { root, workspace } = await fixture({
      'db/migration/V1__Tags.sql': 'CREATE TABLE tags (id int);\nCREATE INDEX CONCURRENTLY tags_id ON tags (id);\nCREATE INDEX CONCURRENTLY bad ON tags (nope);\n',
    });
    const error = await failure(applyMigrations(driver, workspace, path.join(root, 'db', 'migration'), 'apply'));
    assert.match(error.message, /V1__Tags\.sql failed: column "nope" does not exist \(it ran outside a transaction: .*; flyway_schema_history marks it failed\)\.$/);
    const rows = (await db.query('SELECT installed_rank, version, type, script, success FROM flyway_schema_history')).rows;
    assert.deepEqual(rows, [{ installed_rank: 1, version: '1', type: 'SQL', script: 'V1__Tags.sql', success: false }]);
    const report = await migrationsReport(driver, workspace);
    assert.deepEqual(report.sets[0]!.rows.map((r) => `${r.version}:${r.status}`), ['1:failed']);
  });

  it('a file that fails inside a transaction keeps nothing and no row: still pending', async () => {
    const { root, workspace } = await fixture({
      'migrations/20240101000000_users.sql': 'CREATE TABLE users (id int);\nCREATE TABLE users (id int);\n',
    });
    const error = await failure(applyMigrations(driver, workspace, path.join(root, 'migrations'), 'apply'));
    assert.equal(error.message, 'Connection "mig-fail": 20240101000000_users.sql failed: relation "users" already exists (it ran in a transaction, rolled back: nothing of it was kept).');
    assert.equal(await tableExists('users'), false);
    assert.deepEqual((await db.query('SELECT version FROM _sqlx_migrations')).rows, []);
    const report = await migrationsReport(driver, workspace);
    assert.deepEqual(report.sets[0]!.rows.map((r) => `${r.version}:${r.status}`), ['20240101000000:pending']);
  });
});
