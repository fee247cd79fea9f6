/**
 * `querylens migrations` on the PostgreSQL server: arguments, the text tables
 * (a set per tool, the Alembic graph, the summary line), --apply / --revert
 * and the exit signal for CI (failed, modified or missing).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { parseArgs, UsageError } from '../../../server/src/cli/args';
import { runMigrationsCommand } from '../../../server/src/cli/migrations';
import { PG_URL } from './fixtures';
import { workspaceOf } from './migrations-helpers';

describe('cli: querylens migrations', function () {
  this.timeout(60_000);
  const admin = new Client({ connectionString: PG_URL });
  const schema = `querylens_migcli_${process.pid}_${Date.now()}`;
  let url = '';
  before(async function () {
    try {
      await admin.connect();
    } catch {
      this.skip();
    }
    await admin.query(`CREATE SCHEMA ${schema}`);
    url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  });
  after(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  });

  it('parses its options', () => {
    assert.deepEqual(parseArgs(['migrations', 'app', '--connection', 'x.db', '--apply', 'db/migrations', '--format', 'json']), {
      kind: 'migrations',
      path: 'app',
      db: { analyze: false, params: [], connection: 'x.db' },
      format: 'json',
      action: { kind: 'apply', dir: 'db/migrations' },
    });
    assert.throws(() => parseArgs(['migrations', '--apply', 'a', '--revert', 'a']), UsageError);
    assert.throws(() => parseArgs(['migrations', '--format', 'sarif']), /expected text or json/);
  });

  it('prints one table per set, the Alembic graph and a summary; applies and reverts', async () => {
    const w = await workspaceOf({
      'migrations/20240101000000_users.up.sql': 'CREATE TABLE users (id int);\n',
      'migrations/20240101000000_users.down.sql': 'DROP TABLE users;\n',
      'migrations/20240102000000_teams.up.sql': 'CREATE TABLE teams (id int);\nCREATE INDEX users_id ON users (id);\n',
      'migrations/20240102000000_teams.down.sql': 'DROP TABLE teams;\n',
      'alembic/env.py': 'from alembic import context\n',
      'alembic/versions/a1_init.py': "from alembic import op\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    pass\n",
      'alembic/versions/b2_next.py': "from alembic import op\n\nrevision = 'b2'\ndown_revision = 'a1'\n\n\ndef upgrade():\n    pass\n",
    });
    mkdirSync(path.join(w.root, '.git'));
    try {
      const run = (argv: string[]) => runMigrationsCommand({ ...(parseArgs(['migrations', ...argv]) as Parameters<typeof runMigrationsCommand>[0]), cwd: w.root, env: {}, warn: () => undefined });
      const applied = await run(['--connection', url, '--apply', 'migrations']);
      assert.equal(applied.output, `applied 20240101000000, 20240102000000; _sqlx_migrations updated as sqlx writes it\n`);
      const shown = await run(['--connection', url]);
      assert.equal(shown.problems, false);
      const lines = shown.output.split('\n');
      assert.equal(lines[0], 'alembic alembic/versions (alembic_version: not created yet, nothing applied)');
      assert.ok(lines.includes('sqlx migrations (_sqlx_migrations)'));
      assert.ok(lines.includes('  graph (heads: b2; database at: nothing):'));
      assert.ok(lines.includes('    a1 -> b2 [head]'));
      assert.ok(lines.includes('  apply with: alembic upgrade head'));
      assert.match(shown.output, /\n  20240102000000 {2}teams \(1 finding: non-concurrent-index-creation\) +applied +\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z +[\d.]+\n/);
      assert.match(lines.at(-2)!, /^4 migrations in 2 sets on .*: 2 applied, 2 pending\.$/);

      const reverted = JSON.parse((await run(['--connection', url, '--revert', 'migrations', '--format', 'json'])).output);
      assert.deepEqual(reverted.versions, ['20240102000000']);
      await admin.query(`UPDATE ${schema}._sqlx_migrations SET success = false`);
      assert.equal((await run(['--connection', url])).problems, true, 'a failed migration fails CI');
    } finally {
      w.dispose();
    }
  });
});
