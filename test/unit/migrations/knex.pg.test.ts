/**
 * knex migrations, run by the real `knex` package against the PostgreSQL
 * server in a database of their own: the catalog QueryLens reads from the
 * fixture folders (CommonJS JavaScript, ES-module TypeScript) equals what
 * PostgreSQL has after `knex.migrate.latest()` (tables, columns, types,
 * indexes, foreign keys); the missing-index fix's new migration (knex's own
 * file name, `config = { transaction: false }`, CREATE INDEX CONCURRENTLY)
 * runs with the next `migrate.latest()` and builds a valid index; the
 * dashboard's status reads `knex_migrations`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { Client } from 'pg';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { makeIndexFixes } from '../../../server/src/core/engine/fixes';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { TOOLS } from '../../../server/src/db/migrations/tools';
import { ownDatabase, type OwnDatabase } from '../db/fixtures';
import { catalogOf, catalogShape, databaseShape, scratchProject, scriptSet, toolContext, type Project } from './scripts-pg';

const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));

for (const fixture of ['knex-cjs', 'knex-ts']) {
  describe(`knex migrations (${fixture}), run by the real knex on PostgreSQL`, function () {
    this.timeout(120_000);
    let own: OwnDatabase | undefined;
    let project: Project;
    let db: Client;
    let knex: Knex;

    before(async function () {
      await Promise.all([initParsers(), initHostParsers()]);
      own = await ownDatabase('querylens_knex');
      if (!own) return this.skip();
      project = scratchProject(fixture);
      db = new Client({ connectionString: own.url });
      await db.connect();
      knex = knexFactory({ client: 'pg', connection: own.url });
    });

    after(async () => {
      await knex?.destroy();
      await db?.end();
      await own?.drop().catch(() => undefined);
      project?.remove();
    });

    const latest = () => knex.migrate.latest({ directory: project.migrations, loadExtensions: ['.js', '.ts'] });

    it('the catalog read from the migrations is what PostgreSQL has after migrate.latest()', async () => {
      const set = scriptSet(project.migrations);
      assert.equal(set.tool, 'knex');
      const catalog = catalogOf(set);
      const [, applied] = await latest();
      assert.deepEqual(applied, set.migrations.map((m) => m.version));
      // After the run: the catalog's types are spelled by PostgreSQL, whose enum types the migrations created.
      assert.deepEqual(await databaseShape(db), await catalogShape(catalog, db));
    });

    it("the missing-index fix writes a knex migration that builds the index concurrently; the status reads knex_migrations", async () => {
      const set = scriptSet(project.migrations);
      const catalog = catalogOf(set);
      const table = fixture === 'knex-cjs' ? 'users' : 'agents';
      const columns = fixture === 'knex-cjs' ? ['org_id', 'nickname'] : ['planner_id', 'status'];
      const [fix] = makeIndexFixes({
        suggestion: { table, columns }, near: { start: 0, end: 0 }, file: path.join(project.root, 'app.js'), dialect: 'postgres',
        catalog, migrations: [set], textOf: (f) => fs.readFileSync(f, 'utf8'), now,
      });
      assert.ok(fix, 'a fix');
      assert.equal(fix.title, `Add index on ${table}(${columns.join(', ')}) in a new migration`);
      const [created] = fix.changes;
      assert.ok(created && created.kind === 'create');
      const name = `idx_${table}_${columns.join('_')}`;
      const ext = fixture === 'knex-cjs' ? 'js' : 'ts';
      assert.equal(path.basename(created.file), `20240506070809_add_index_${table}_${columns.join('_')}.${ext}`);
      const create = `  await knex.raw('CREATE INDEX CONCURRENTLY ${name} ON ${table} (${columns.join(', ')})');`;
      const drop = `  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS ${name}');`;
      const note = [
        '// CREATE INDEX CONCURRENTLY does not block writes to the table, but cannot run in a',
        '// transaction block: `config.transaction = false` makes knex run this file outside one.',
      ];
      const expected =
        fixture === 'knex-cjs'
          ? [
              ...note, 'exports.config = { transaction: false };', '',
              '/**', ' * @param { import("knex").Knex } knex', ' * @returns { Promise<void> }', ' */',
              'exports.up = async function (knex) {', create, '};', '',
              '/**', ' * @param { import("knex").Knex } knex', ' * @returns { Promise<void> }', ' */',
              'exports.down = async function (knex) {', drop, '};', '',
            ]
          : [
              "import type { Knex } from 'knex';", '', ...note, 'export const config = { transaction: false };', '',
              'export async function up(knex: Knex): Promise<void> {', create, '}', '',
              'export async function down(knex: Knex): Promise<void> {', drop, '}', '',
            ];
      assert.equal(created.content, expected.join('\n'));
      fs.writeFileSync(created.file, created.content);

      const [, applied] = await latest();
      assert.deepEqual(applied, [path.basename(created.file)]);
      const index = await db.query('SELECT x.indisvalid FROM pg_indexes i JOIN pg_index x ON x.indexrelid = (i.schemaname || \'.\' || i.indexname)::regclass WHERE i.tablename = $1 AND i.indexname = $2', [table, name]);
      assert.deepEqual(index.rows, [{ indisvalid: true }]);

      // The new file is read like the others: the catalog still equals the database.
      const after = scriptSet(project.migrations);
      assert.deepEqual(await databaseShape(db), await catalogShape(catalogOf(after), db));

      // The dashboard's status: every file applied, from knex_migrations.
      const status = await TOOLS.knex.status(after as MigrationSet, toolContext(db, project.root));
      assert.equal(status.trackingTableFound, true);
      assert.deepEqual(status.rows.map((r) => [r.version, r.status]), after.migrations.map((m) => [m.version, 'applied']));

      // And down: knex rolls the fix back outside a transaction too.
      await knex.migrate.down({ directory: project.migrations, loadExtensions: ['.js', '.ts'] });
      assert.deepEqual((await db.query('SELECT 1 FROM pg_indexes WHERE indexname = $1', [name])).rows, []);
    });
  });
}
