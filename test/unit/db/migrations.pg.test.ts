/**
 * Migrations on the real PostgreSQL server, one scratch schema per run: each
 * tool's tracking table written as the tool writes it, statuses computed as
 * the tool computes them, checksums checked against values worked out apart
 * from QueryLens (openssl, Java), and apply / revert writing the rows column
 * by column as sqlx, golang-migrate and Flyway do.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { openDriver } from '../../../server/src/db/drivers';
import { applyMigrations, migrationsReport } from '../../../server/src/db/migrations';
import { DbError, type Driver } from '../../../server/src/db/types';
import type { MigrationSetReport } from '../../../shared/dashboard';
import { failure, PG_URL } from './fixtures';
import { FLYWAY_FILES, FLYWAY_KNOWN, javaFlywayChecksums, openssl, reload, workspaceOf } from './migrations-helpers';

const statuses = (set: MigrationSetReport) => set.rows.map((r) => `${r.version}:${r.status}`);

describe('db/migrations on PostgreSQL', function () {
  this.timeout(60_000);
  const admin = new Client({ connectionString: PG_URL });
  let schema = '';
  let driver: Driver;
  const disposers: (() => void)[] = [];

  before(async function () {
    try {
      await admin.connect();
    } catch {
      this.skip();
    }
  });
  // A fresh schema per test: every tool starts from an empty database.
  beforeEach(async () => {
    schema = `querylens_mig_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`SET search_path TO ${schema}`);
    driver = await openDriver({ name: 'test-pg', driver: 'postgres', url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` });
  });
  afterEach(async () => {
    await driver?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    disposers.splice(0).forEach((d) => d());
  });
  after(() => admin.end().catch(() => undefined));

  async function fixture(files: Record<string, string | Buffer>) {
    const w = await workspaceOf(files);
    disposers.push(w.dispose);
    return w;
  }

  it('sqlx: applies in order (no-transaction file outside one), writes _sqlx_migrations as sqlx does, then reverts', async () => {
    const { root, workspace } = await fixture({
      'migrations/20240101000000_create_users.up.sql': 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\nINSERT INTO users (email) VALUES (\'a@example.com\');\n',
      'migrations/20240101000000_create_users.down.sql': 'DROP TABLE users;\n',
      'migrations/20240102000000_index_email.up.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
      'migrations/20240102000000_index_email.down.sql': '-- no-transaction\nDROP INDEX CONCURRENTLY users_email_idx;\n',
    });
    const dir = path.join(root, 'migrations');
    let report = await migrationsReport(driver, workspace);
    const before = report.sets.find((s) => s.tool === 'sqlx')!;
    assert.equal(before.trackingTableFound, false);
    assert.deepEqual(statuses(before), ['20240101000000:pending', '20240102000000:pending']);
    assert.equal(before.canApply, true);

    const applied = await applyMigrations(driver, workspace, dir, 'apply');
    assert.deepEqual(applied.versions, ['20240101000000', '20240102000000']);
    const rows = (await admin.query('SELECT version, description, installed_on, success, checksum, execution_time FROM _sqlx_migrations ORDER BY version')).rows;
    assert.equal(rows.length, 2);
    for (const [i, name] of ['20240101000000_create_users.up.sql', '20240102000000_index_email.up.sql'].entries()) {
      assert.equal(rows[i].version, name.slice(0, 14)); // bigint, as pg returns it
      assert.equal(rows[i].description, i === 0 ? 'create users' : 'index email');
      assert.equal(rows[i].success, true);
      assert.equal((rows[i].checksum as Buffer).toString('hex'), openssl('sha384', path.join(dir, name)));
      assert.ok(Number(rows[i].execution_time) > 0, 'execution_time in ns, filled in after the commit');
      assert.ok(Date.now() - (rows[i].installed_on as Date).getTime() < 60_000);
    }
    const index = await admin.query('SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass', [`${schema}.users_email_idx`]);
    assert.equal(index.rows[0].indisvalid, true);

    report = await migrationsReport(driver, workspace);
    const after = report.sets[0];
    assert.deepEqual(statuses(after), ['20240101000000:applied', '20240102000000:applied']);
    assert.equal(after.rows[0].checksum?.file, after.rows[0].checksum?.recorded);
    assert.ok(after.rows[0].appliedAt && after.rows[0].executionMs! > 0);
    // The migration's own finding: the CONCURRENTLY index has none, the table creation none either.
    assert.ok(after.rows.every((r) => Array.isArray(r.findings)));

    const reverted = await applyMigrations(driver, workspace, dir, 'revert');
    assert.deepEqual(reverted.versions, ['20240102000000']);
    assert.deepEqual((await admin.query('SELECT version FROM _sqlx_migrations')).rows.map((r) => r.version), ['20240101000000']);
    assert.equal((await admin.query("SELECT to_regclass('users_email_idx') AS i")).rows[0].i, null);
  });

  it('sqlx: modified, missing and failed rows; apply refused while any is there', async () => {
    const { root, workspace } = await fixture({
      'migrations/20240101000000_a.sql': 'CREATE TABLE a (id int);\n',
      'migrations/20240102000000_b.sql': 'CREATE TABLE b (id int);\n',
      'migrations/20240103000000_c.sql': 'CREATE TABLE c (id int);\n',
    });
    const dir = path.join(root, 'migrations');
    await applyMigrations(driver, workspace, dir, 'apply');
    writeFileSync(path.join(dir, '20240101000000_a.sql'), 'CREATE TABLE a (id bigint);\n');
    await admin.query("UPDATE _sqlx_migrations SET success = false WHERE version = 20240102000000");
    await admin.query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (20231231000000, 'gone', true, '\\x00', 1)");
    rmSync(path.join(dir, '20240103000000_c.sql'));
    const ws = await reload(root); // the deleted file leaves the workspace, as on a rescan
    const set = (await migrationsReport(driver, ws)).sets[0];
    assert.deepEqual(statuses(set), ['20231231000000:missing', '20240101000000:modified', '20240102000000:failed', '20240103000000:missing']);
    const modified = set.rows[1];
    assert.equal(modified.checksum?.file, openssl('sha384', path.join(dir, '20240101000000_a.sql')));
    assert.notEqual(modified.checksum?.recorded, modified.checksum?.file);
    const e = await failure(applyMigrations(driver, ws, dir, 'apply'));
    assert.equal(e.kind, 'refused');
    assert.match(e.message, /20240101000000 is modified after it was applied/);
    assert.match(e.message, /20240102000000 is failed \(dirty\)/);
  });

  it('golang-migrate: one row (version, dirty) through apply and revert; a dirty database is refused', async () => {
    const { root, workspace } = await fixture({
      'db/migrations/000001_init.up.sql': 'CREATE TABLE workers (id int PRIMARY KEY, planner_id int NOT NULL);\n',
      'db/migrations/000001_init.down.sql': 'DROP TABLE workers;\n',
      'db/migrations/000002_index.up.sql': 'CREATE INDEX CONCURRENTLY workers_planner_idx ON workers (planner_id);\n',
      'db/migrations/000002_index.down.sql': 'DROP INDEX workers_planner_idx;\n',
      'db/migrations/000003_name.up.sql': 'ALTER TABLE workers ADD COLUMN name text;\n',
      'db/migrations/000003_name.down.sql': 'ALTER TABLE workers DROP COLUMN name;\n',
    });
    const dir = path.join(root, 'db/migrations');
    const set0 = (await migrationsReport(driver, workspace)).sets[0];
    assert.equal(set0.tool, 'golang-migrate');
    assert.equal(set0.trackingTable, 'schema_migrations');
    // The non-concurrent index of 000002 is absent (it is CONCURRENTLY), so no finding there.
    assert.deepEqual(set0.rows[1].findings, []);
    assert.deepEqual((await applyMigrations(driver, workspace, dir, 'apply')).versions, ['000001', '000002', '000003']);
    const rowsNow = async () => (await admin.query('SELECT version, dirty FROM schema_migrations')).rows.map((r) => `${r.version}/${r.dirty}`);
    assert.deepEqual(await rowsNow(), ['3/false']);
    const columns = (await admin.query("SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'schema_migrations' ORDER BY ordinal_position", [schema])).rows;
    assert.deepEqual(columns.map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`), ['version bigint NO', 'dirty boolean NO']);
    assert.deepEqual(statuses((await migrationsReport(driver, workspace)).sets[0]), ['000001:applied', '000002:applied', '000003:applied']);

    await applyMigrations(driver, workspace, dir, 'revert');
    assert.deepEqual(await rowsNow(), ['2/false']);
    await applyMigrations(driver, workspace, dir, 'revert');
    await applyMigrations(driver, workspace, dir, 'revert');
    assert.deepEqual(await rowsNow(), [], 'reverting the first migration leaves no row, as golang-migrate');

    await applyMigrations(driver, workspace, dir, 'apply');
    await admin.query('UPDATE schema_migrations SET dirty = true');
    const dirty = (await migrationsReport(driver, workspace)).sets[0];
    assert.deepEqual(statuses(dirty), ['000001:applied', '000002:applied', '000003:failed']);
    const e = await failure(applyMigrations(driver, workspace, dir, 'revert'));
    assert.equal(e.kind, 'refused');
    assert.match(e.message, /000003 is failed \(dirty\).*migrate force/);
  });

  it('Flyway: CRC32 checksums as Flyway computes them, history rows column by column, undo appends UNDO_SQL', async () => {
    const { root, workspace } = await fixture(FLYWAY_FILES);
    const dir = path.join(root, 'db/migration');
    const names = Object.keys(FLYWAY_KNOWN);
    const live = javaFlywayChecksums(names.map((n) => path.join(dir, n)));
    if (live) assert.deepEqual(live, Object.values(FLYWAY_KNOWN), 'Java agrees with the recorded values');

    await applyMigrations(driver, workspace, dir, 'apply');
    const history = (await admin.query('SELECT * FROM flyway_schema_history ORDER BY installed_rank')).rows;
    assert.deepEqual(
      history.map((r) => [r.installed_rank, r.version, r.description, r.type, r.script, r.checksum, r.installed_by, r.success]),
      [
        [1, '1', 'Create users', 'SQL', 'V1__Create_users.sql', FLYWAY_KNOWN['V1__Create_users.sql'], 'postgres', true],
        [2, '1.1', 'Add email', 'SQL', 'V1_1__Add_email.sql', FLYWAY_KNOWN['V1_1__Add_email.sql'], 'postgres', true],
        [3, '2', 'Posts', 'SQL', 'V2__Posts.sql', FLYWAY_KNOWN['V2__Posts.sql'], 'postgres', true],
      ],
    );
    for (const r of history) assert.ok(Number.isInteger(r.execution_time) && r.execution_time >= 0 && r.installed_on instanceof Date);
    const pk = await admin.query("SELECT conname FROM pg_constraint WHERE conrelid = 'flyway_schema_history'::regclass AND contype = 'p'");
    assert.equal(pk.rows[0].conname, 'flyway_schema_history_pk');

    let set = (await migrationsReport(driver, workspace)).sets[0];
    assert.deepEqual(statuses(set), ['1:applied', '1.1:applied', '2:applied']);
    assert.equal(set.rows[1].checksum?.file, String(FLYWAY_KNOWN['V1_1__Add_email.sql']));

    // V2 has no undo file: revert refuses it rather than guessing.
    const e = await failure(applyMigrations(driver, workspace, dir, 'revert'));
    assert.match(e.message, /2 \(V2__Posts\.sql\) has no down file.*U2__ undo file/);

    // Modified: an edit that only changes line endings is not one for Flyway; a real edit is.
    writeFileSync(path.join(dir, 'V1__Create_users.sql'), readFileSync(path.join(dir, 'V1__Create_users.sql'), 'utf8').replace(/\n/g, '\r\n'));
    set = (await migrationsReport(driver, workspace)).sets[0];
    assert.equal(set.rows[0].status, 'applied');
    writeFileSync(path.join(dir, 'V1__Create_users.sql'), 'CREATE TABLE users (id bigserial PRIMARY KEY);\n');
    set = (await migrationsReport(driver, workspace)).sets[0];
    assert.equal(set.rows[0].status, 'modified');
  });

  it('Flyway: undo of the last version appends an UNDO_SQL row and the version is pending again', async () => {
    const files = { ...FLYWAY_FILES };
    delete files['db/migration/V2__Posts.sql'];
    const { root, workspace } = await fixture(files);
    const dir = path.join(root, 'db/migration');
    await applyMigrations(driver, workspace, dir, 'apply');
    assert.deepEqual((await applyMigrations(driver, workspace, dir, 'revert')).versions, ['1.1']);
    const last = (await admin.query('SELECT * FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 1')).rows[0];
    assert.deepEqual([last.installed_rank, last.version, last.description, last.type, last.script, last.checksum, last.success], [3, '1.1', 'Add email', 'UNDO_SQL', 'U1_1__Add_email.sql', FLYWAY_KNOWN['U1_1__Add_email.sql'], true]);
    const cols = (await admin.query("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'users'", [schema])).rows.map((r) => r.column_name);
    assert.ok(!cols.includes('email'));
    assert.deepEqual(statuses((await migrationsReport(driver, workspace)).sets[0]), ['1:applied', '1.1:pending']);
    // A failed row is Flyway's failed migration.
    await admin.query("UPDATE flyway_schema_history SET success = false WHERE installed_rank = 1");
    assert.deepEqual(statuses((await migrationsReport(driver, workspace)).sets[0]), ['1:failed', '1.1:pending']);
  });

  it('Prisma: _prisma_migrations as Prisma writes it; applied / modified / failed / rolled back / missing; no apply', async () => {
    const sql = (t: string) => `-- CreateTable\nCREATE TABLE "${t}" ("id" SERIAL NOT NULL, CONSTRAINT "${t}_pkey" PRIMARY KEY ("id"));\n`;
    const { root, workspace } = await fixture({
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': sql('User'),
      'prisma/migrations/20240102000000_posts/migration.sql': sql('Post'),
      'prisma/migrations/20240103000000_tags/migration.sql': sql('Tag'),
      'prisma/migrations/20240104000000_likes/migration.sql': sql('Like'),
      'prisma/migrations/20240105000000_later/migration.sql': sql('Later'),
    });
    const dir = path.join(root, 'prisma/migrations');
    // The DDL of prisma-engines' schema engine (PostgreSQL flavour).
    await admin.query(`CREATE TABLE "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const sum = (name: string) => openssl('sha256', path.join(dir, name, 'migration.sql'));
    const insert = (id: string, name: string, checksum: string, finished: string | null, rolledBack: string | null) =>
      admin.query('INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, $6, 1)', [id, checksum, finished, name, rolledBack, '2024-02-01T10:00:00Z']);
    await insert('1', '20240101000000_init', sum('20240101000000_init'), '2024-02-01T10:00:00.250Z', null);
    await insert('2', '20240102000000_posts', 'f'.repeat(64), '2024-02-01T10:00:01Z', null);
    await insert('3', '20240103000000_tags', sum('20240103000000_tags'), null, null);
    await insert('4', '20240104000000_likes', sum('20240104000000_likes'), null, '2024-02-01T11:00:00Z');
    await insert('5', '20231201000000_old', 'a'.repeat(64), '2024-01-01T00:00:00Z', null);
    const set = (await migrationsReport(driver, workspace)).sets.find((s) => s.tool === 'prisma')!;
    assert.deepEqual(statuses(set), [
      '20231201000000_old:missing',
      '20240101000000_init:applied',
      '20240102000000_posts:modified',
      '20240103000000_tags:failed',
      '20240104000000_likes:pending',
      '20240105000000_later:pending',
    ]);
    assert.equal(set.rows[1].executionMs, 250);
    assert.equal(set.rows[1].checksum?.file, sum('20240101000000_init'));
    assert.equal(set.canApply, false);
    assert.equal(set.command, 'npx prisma migrate deploy');
    const e = await failure(applyMigrations(driver, workspace, dir, 'apply'));
    assert.match(e.message, /does not apply prisma migrations.*npx prisma migrate deploy/);
  });

  it('Alembic: the revision graph with a branch and its merge; applied up to the current heads', async () => {
    const rev = (id: string, down: string) => `"""${id}"""\nfrom alembic import op\n\nrevision = '${id}'\ndown_revision = ${down}\nbranch_labels = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;
    const { workspace } = await fixture({
      'alembic/env.py': 'from alembic import context\n',
      'alembic/versions/a1_init.py': rev('a1', 'None'),
      'alembic/versions/b2_users.py': rev('b2', "'a1'"),
      'alembic/versions/c3_posts.py': rev('c3', "'a1'"),
      'alembic/versions/d4_merge.py': rev('d4', "('b2', 'c3')"),
      'alembic/versions/e5_tags.py': rev('e5', "'d4'"),
    });
    await admin.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))');
    await admin.query("INSERT INTO alembic_version VALUES ('b2'), ('c3')"); // two branches applied, not merged yet
    let set = (await migrationsReport(driver, workspace)).sets.find((s) => s.tool === 'alembic')!;
    assert.deepEqual(statuses(set), ['a1:applied', 'b2:applied', 'c3:applied', 'd4:pending', 'e5:pending']);
    const graph = Object.fromEntries(set.revisions!.map((r) => [r.revision, `${r.downRevisions.join('+') || '-'}${r.head ? ' head' : ''}${r.current ? ' current' : ''}`]));
    assert.deepEqual(graph, { a1: '-', b2: 'a1 current', c3: 'a1 current', d4: 'b2+c3', e5: 'd4 head' });
    assert.equal(set.command, 'alembic upgrade head');

    await admin.query("DELETE FROM alembic_version; INSERT INTO alembic_version VALUES ('d4'), ('zz9')");
    set = (await migrationsReport(driver, workspace)).sets.find((s) => s.tool === 'alembic')!;
    assert.deepEqual(statuses(set), ['a1:applied', 'b2:applied', 'c3:applied', 'd4:applied', 'e5:pending', 'zz9:missing']);
  });

  it('Knex (found by file names) and plain folders (QueryLens\'s own table); read-only refused', async () => {
    const { root, workspace } = await fixture({
      'api/knexfile.js': 'module.exports = { client: "pg" };\n',
      'api/migrations/20240101000000_users.js': 'exports.up = (knex) => knex.schema.createTable("users", (t) => t.increments());\nexports.down = (knex) => knex.schema.dropTable("users");\n',
      'api/migrations/20240102000000_posts.js': 'exports.up = () => {};\nexports.down = () => {};\n',
      'sql/migrations/001_init.sql': 'CREATE TABLE things (id int PRIMARY KEY);\n',
      'sql/migrations/002_more.sql': 'ALTER TABLE things ADD COLUMN name text;\n',
    });
    // knex's own layout: increments id, name, batch, migration_time.
    await admin.query('CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch integer, migration_time timestamptz)');
    await admin.query("INSERT INTO knex_migrations (name, batch, migration_time) VALUES ('20240101000000_users.js', 1, '2024-03-01T00:00:00Z'), ('20231201000000_gone.js', 1, '2024-03-01T00:00:00Z')");
    let report = await migrationsReport(driver, workspace);
    const knexSet = report.sets.find((s) => s.tool === 'knex')!;
    assert.deepEqual(statuses(knexSet), ['20231201000000_gone.js:missing', '20240101000000_users.js:applied', '20240102000000_posts.js:pending']);
    assert.equal(knexSet.rows[1].appliedAt, '2024-03-01T00:00:00.000Z');
    assert.equal(knexSet.command, 'npx knex migrate:latest');

    const plainDir = path.join(root, 'sql/migrations');
    assert.equal(report.sets.find((s) => s.tool === 'plain')!.trackingTableFound, false);
    await assert.rejects(applyMigrations(driver, workspace, plainDir, 'apply', { readOnly: true }), (e: DbError) => e.kind === 'refused' && /read-only/.test(e.message));
    assert.deepEqual((await applyMigrations(driver, workspace, plainDir, 'apply')).versions, ['001', '002']);
    const rows = (await admin.query('SELECT script, version, description, checksum, success, execution_ms FROM querylens_migrations ORDER BY script')).rows;
    assert.deepEqual(rows.map((r) => [r.script, r.version, r.description, r.checksum, r.success]), [
      ['sql/migrations/001_init.sql', '001', 'init', openssl('sha256', path.join(plainDir, '001_init.sql')), true],
      ['sql/migrations/002_more.sql', '002', 'more', openssl('sha256', path.join(plainDir, '002_more.sql')), true],
    ]);
    report = await migrationsReport(driver, workspace);
    assert.deepEqual(statuses(report.sets.find((s) => s.tool === 'plain')!), ['001:applied', '002:applied']);
    const e = await failure(applyMigrations(driver, workspace, plainDir, 'revert'));
    assert.match(e.message, /002 \(002_more\.sql\) has no down file/);
  });
});
