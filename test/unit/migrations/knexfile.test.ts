/**
 * What a knexfile says of its migrations (`migrations.directory`, `tableName`,
 * `schemaName`), read with the real grammars; a knex project whose migrations
 * are in a folder of another name gets its set, its catalog and its status
 * (the tracking table it names, on the real PostgreSQL server, after the real
 * knex ran them); and the functions `up` hands its `knex` / `db` to are read
 * as part of `up`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import knexFactory from 'knex';
import { Client } from 'pg';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { readKnexfile, readScriptMigration } from '../../../server/src/core/host/typescript/migrations';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { TOOLS } from '../../../server/src/db/migrations/tools';
import { ownDatabase } from '../db/fixtures';
import { toolContext } from './scripts-pg';

const ROOT = '/nowhere-on-disk';

/** The changes of `up` as `kind table` lines. */
function changes(file: string, text: string): string[] {
  return (readScriptMigration(file, text)?.changes ?? []).map((c) => {
    if (c.kind === 'createTable') return `createTable ${c.table} (${c.columns.map((col) => col.name).join(', ')})`;
    if (c.kind === 'createIndex') return `createIndex ${c.name ?? '?'} on ${c.table}`;
    return c.kind;
  });
}

describe('knexfile: where the migrations are, and their table', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  it('reads directory (a string, a list, path.join(__dirname, ..), a template), tableName and schemaName from every environment', () => {
    const cjs = [
      "const path = require('path');",
      'module.exports = {',
      "  development: { client: 'sqlite3', migrations: { directory: path.join(__dirname, 'db', 'schema'), tableName: 'knex_history' } },",
      "  production: { client: 'pg', migrations: { directory: ['./db/schema', `${__dirname}/db/extra`], tableName: 'knex_history' } },",
      '};',
    ].join('\n');
    assert.deepEqual(readKnexfile('/p/knexfile.js', cjs), { directories: ['/p/db/schema', '/p/db/extra'], tables: { '/p/db/schema': 'knex_history', '/p/db/extra': 'knex_history' } });
    const ts = [
      "import type { Knex } from 'knex';",
      "const migrations = { directory: '../migrations-pg', tableName: 'versions', schemaName: 'app' };",
      "const config: { [env: string]: Knex.Config } = { production: { client: 'pg', migrations } };",
      'export default config;',
    ].join('\n');
    assert.deepEqual(readKnexfile('/p/server/knexfile.ts', ts), { directories: ['/p/migrations-pg'], tables: { '/p/migrations-pg': 'app.versions' } });
  });

  it("a table only, in knex's default folder; environments naming different tables, or a name that is no plain identifier, name none", () => {
    assert.deepEqual(readKnexfile('/p/knexfile.js', "module.exports = { client: 'pg', migrations: { tableName: 'migrations_log' } };"), { directories: ['/p/migrations'], tables: { '/p/migrations': 'migrations_log' } });
    const two = "module.exports = { dev: { migrations: { tableName: 'a' } }, prod: { migrations: { tableName: 'b' } } };";
    assert.deepEqual(readKnexfile('/p/knexfile.js', two), { directories: ['/p/migrations'], tables: {} });
    const odd = "module.exports = { migrations: { directory: './m', tableName: 'x; DROP TABLE y' } };";
    assert.deepEqual(readKnexfile('/p/knexfile.js', odd), { directories: ['/p/m'], tables: {} });
    assert.equal(readKnexfile('/p/knexfile.js', "module.exports = { client: 'pg' };"), undefined);
  });

  it("knex's migrator called with settings outside a knexfile: a static field of a class, a literal; relative to the package's folder", () => {
    const database = [
      "const knex = require('knex');",
      'class Database {',
      "  static knexMigrationsPath = './db/patches';",
      '  static async patch(db) {',
      '    await db.migrate.latest({ directory: Database.knexMigrationsPath });',
      "    await db.migrate.latest({ directory: path.join(__dirname, '..', 'db', 'more'), tableName: 'patches_log' });",
      '  }',
      '}',
      'module.exports = Database;',
    ].join('\n');
    // Each call's table is its own folder's: db/patches keeps knex's default.
    assert.deepEqual(readKnexfile('/p/server/database.js', database, '/p'), { directories: ['/p/db/patches', '/p/db/more'], tables: { '/p/db/more': 'patches_log' } });
    const files = {
      'package.json': '{ "name": "kuma" }\n',
      'server/database.js': database,
      'db/patches/2023-08-16-0000-create-uptime.js': "exports.up = function (knex) {\n  return knex.schema.createTable('stat_minutely', (table) => { table.increments('id'); table.integer('monitor_id'); });\n};\n",
    };
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
    assert.deepEqual(ws.migrationSets().map((s) => [s.tool, path.relative(ROOT, s.dir), s.table, s.migrations.map((m) => m.version)]), [
      ['knex', 'db/patches', undefined, ['2023-08-16-0000-create-uptime.js']],
    ]);
    assert.ok(ws.catalog().getTable('stat_minutely'));
  });

  it('a project with its migrations in db/schema: the set, its table and its catalog; the knexfile changing moves them', () => {
    const files = {
      'knexfile.js': "module.exports = { client: 'pg', migrations: { directory: './db/schema', tableName: 'knex_history' } };\n",
      'db/schema/20240101000000_users.js': "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n",
      'db/schema/20240102000000_orgs.js': "exports.up = async (knex) => { await knex.schema.createTable('orgs', (t) => { t.increments('id'); }); };\nexports.down = () => {};\n",
      'db/other/20240103000000_teams.js': "exports.up = (knex) => knex.schema.createTable('teams', (t) => { t.increments('id'); });\n",
    };
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
    assert.deepEqual(ws.migrationSets().map((s) => [s.tool, path.relative(ROOT, s.dir), s.table, s.migrations.map((m) => m.version)]), [
      ['knex', 'db/schema', 'knex_history', ['20240101000000_users.js', '20240102000000_orgs.js']],
    ]);
    assert.deepEqual([...(ws.catalog().getTable('users')?.columns.values() ?? [])].map((c) => `${c.name} ${c.type}`), ['id serial', 'email varchar(255)']);
    assert.equal(ws.catalog().getTable('teams'), undefined);
    ws.setFile(path.join(ROOT, 'knexfile.js'), "module.exports = { client: 'pg', migrations: { directory: './db/other' } };\n");
    assert.deepEqual(ws.migrationSets().map((s) => [path.relative(ROOT, s.dir), s.table]), [['db/other', undefined]]);
    assert.ok(ws.catalog().getTable('teams'));
  });
});

describe('knex and Kysely migrations: functions of the file that up calls', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  it('knex: helpers given knex under another name, in the order up calls them, a helper calling a helper; not a function up does not call', () => {
    const text = [
      'async function createUsers(db) {',
      "  await db.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); });",
      '  await addIndexes(db);',
      '}',
      "const addIndexes = (k) => k.schema.alterTable('users', (t) => { t.index(['email']); });",
      "function unused(knex) { return knex.schema.createTable('ghosts', (t) => { t.increments('id'); }); }",
      'exports.up = async function (knex) {',
      "  await knex.schema.createTable('orgs', (t) => { t.increments('id'); });",
      '  await createUsers(knex);',
      '};',
      'exports.down = async () => {};',
    ].join('\n');
    assert.deepEqual(changes('m.js', text), ['createTable orgs (id)', 'createTable users (id, email)', 'createIndex users_email_index on users']);
  });

  it('Kysely: a helper given db, and a helper that calls itself is read once', () => {
    const text = [
      "import { Kysely, sql } from 'kysely';",
      'async function tables(db: Kysely<any>, depth = 0): Promise<void> {',
      "  await db.schema.createTable('agents').addColumn('id', 'serial', (c) => c.primaryKey()).execute();",
      '  if (depth < 1) await tables(db, depth + 1);',
      '}',
      'export async function up(db: Kysely<any>): Promise<void> {',
      '  await tables(db);',
      "  await db.schema.createIndex('agents_id_idx').on('agents').column('id').execute();",
      '}',
    ].join('\n');
    assert.deepEqual(changes('m.ts', text), ['createTable agents (id)', 'createIndex agents_id_idx on agents']);
  });
});

describe('knexfile tableName: the status reads the table knex itself wrote (PostgreSQL)', function () {
  this.timeout(120_000);

  it('migrate.latest() with the knexfile settings, then the status of the workspace set', async function () {
    await Promise.all([initParsers(), initHostParsers()]);
    const own = await ownDatabase('querylens_knexfile');
    if (!own) return this.skip();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ql-knexfile-'));
    const db = new Client({ connectionString: own.url });
    const knex = knexFactory({ client: 'pg', connection: own.url });
    try {
      fs.mkdirSync(path.join(root, 'db/schema'), { recursive: true });
      const files: Record<string, string> = {
        'knexfile.js': "module.exports = { client: 'pg', migrations: { directory: './db/schema', tableName: 'knex_history' } };\n",
        'db/schema/20240101000000_users.js': "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n",
        'db/schema/20240102000000_orgs.js': "exports.up = (knex) => knex.schema.createTable('orgs', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('orgs');\n",
      };
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(root, file), text);
      await db.connect();
      await knex.migrate.up({ directory: path.join(root, 'db/schema'), tableName: 'knex_history' });
      const ws = await Workspace.create({ root, config: defaultConfig() });
      const [set] = ws.migrationSets();
      assert.equal(set?.table, 'knex_history');
      const status = await TOOLS.knex.status(set!, toolContext(db, root));
      assert.equal(status.trackingTableFound, true);
      assert.deepEqual(status.rows.map((r) => [r.version, r.status]), [['20240101000000_users.js', 'applied'], ['20240102000000_orgs.js', 'pending']]);
      assert.deepEqual((await db.query("SELECT to_regclass('knex_migrations') IS NULL AS absent")).rows, [{ absent: true }]);
    } finally {
      await knex.destroy();
      await db.end().catch(() => undefined);
      await own.drop().catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
