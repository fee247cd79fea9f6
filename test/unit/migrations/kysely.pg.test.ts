/**
 * Kysely migrations, run by Kysely's own `Migrator` and `FileMigrationProvider`
 * against the PostgreSQL server in a database of their own. The fixtures and
 * the fix's migration are TypeScript, which Node cannot import: each is
 * compiled by esbuild (the project's bundler) to an `.mjs` module of the same
 * name in the folder the provider reads (the migration's name, the file name
 * without its extension, stays the same), beside a link to node_modules so
 * that `import ... from 'kysely'` resolves.
 *
 * Kysely's Migrator runs the pending migrations in one transaction on
 * PostgreSQL: the fix's migration builds the index with a plain CREATE INDEX
 * there (CREATE INDEX CONCURRENTLY fails in it: shown below), and with
 * CONCURRENTLY when the project's Migrator is created with
 * `disableTransactions: true`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import { Kysely, PostgresDialect } from 'kysely';
import type * as KyselyMigration from 'kysely/dist/migration/index';

// Kysely 0.29 exports its Migrator from `kysely/migration`, which this project's module resolution (node10) cannot type: typed by its file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FileMigrationProvider, Migrator } = require('kysely/migration') as typeof KyselyMigration;
import { Client, Pool } from 'pg';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { makeIndexFixes } from '../../../server/src/core/engine/fixes';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { openDriver } from '../../../server/src/db/drivers';
import { migrationsReport } from '../../../server/src/db/migrations';
import { TOOLS } from '../../../server/src/db/migrations/tools';
import { trackedHistory } from '../../../server/src/history/tracked';
import { ownDatabase, type OwnDatabase } from '../db/fixtures';
import { catalogOf, catalogShape, databaseShape, scratchProject, scriptSet, toolContext, type Project } from './scripts-pg';

const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));

describe('Kysely migrations, run by the real Kysely Migrator on PostgreSQL', function () {
  this.timeout(120_000);
  let own: OwnDatabase | undefined;
  let project: Project;
  let run: string;
  let db: Client;
  let kysely: Kysely<unknown>;

  before(async function () {
    await Promise.all([initParsers(), initHostParsers()]);
    own = await ownDatabase('querylens_kysely');
    if (!own) return this.skip();
    project = scratchProject('kysely-ts');
    run = path.join(project.root, 'run');
    fs.mkdirSync(run);
    db = new Client({ connectionString: own.url });
    await db.connect();
    kysely = new Kysely({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: own.url }) }) });
  });

  after(async () => {
    await kysely?.destroy();
    await db?.end();
    await own?.drop().catch(() => undefined);
    project?.remove();
  });

  /** Compiles the migrations folder's TypeScript into `run/<name>.mjs`. */
  function compile(): void {
    for (const name of fs.readdirSync(project.migrations)) {
      const source = fs.readFileSync(path.join(project.migrations, name), 'utf8');
      const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' });
      fs.writeFileSync(path.join(run, name.replace(/\.ts$/, '.mjs')), code);
    }
  }

  async function latest(options: { disableTransactions?: boolean } = {}): Promise<{ names: string[]; error?: unknown }> {
    compile();
    const migrator = new Migrator({ db: kysely, provider: new FileMigrationProvider({ fs: fs.promises, path, migrationFolder: run }), ...options });
    const { error, results } = await migrator.migrateToLatest();
    return { names: (results ?? []).filter((r: KyselyMigration.MigrationResult) => r.status === 'Success').map((r: KyselyMigration.MigrationResult) => r.migrationName), ...(error ? { error } : {}) };
  }

  async function valid(index: string): Promise<boolean[]> {
    return (await db.query('SELECT x.indisvalid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = $1', [index])).rows.map((r) => r.indisvalid as boolean);
  }

  function fixFor(set: MigrationSet, table: string, columns: string[]) {
    const [fix] = makeIndexFixes({
      suggestion: { table, columns }, near: { start: 0, end: 0 }, file: path.join(project.root, 'app.ts'), dialect: 'postgres',
      catalog: catalogOf(set), migrations: [set], textOf: (f) => fs.readFileSync(f, 'utf8'), now,
    });
    assert.ok(fix && fix.changes[0]?.kind === 'create');
    return { fix, created: fix.changes[0] };
  }

  it('the catalog read from the migrations is what PostgreSQL has after migrateToLatest()', async () => {
    const set = scriptSet(project.migrations);
    assert.equal(set.tool, 'kysely');
    assert.deepEqual(set.migrations.map((m) => m.version), ['1704067200000_init', '1706745600000_comments']);
    const catalog = catalogOf(set);
    const { names, error } = await latest();
    assert.equal(error, undefined);
    assert.deepEqual(names, set.migrations.map((m) => m.version));
    assert.deepEqual(await databaseShape(db), await catalogShape(catalog, db));
  });

  it('the missing-index fix writes a Kysely migration with a plain CREATE INDEX, which the Migrator runs in its transaction', async () => {
    const set = scriptSet(project.migrations);
    const { fix, created } = fixFor(set, 'posts', ['title', 'published_at']);
    assert.equal(fix.title, 'Add index on posts(title, published_at) in a new migration');
    // Kysely-ctl names migrations by epoch milliseconds, like this folder: the new one follows it.
    assert.equal(path.basename(created.file), `${now.getTime()}_add_index_posts_title_published_at.ts`);
    assert.equal(
      created.content,
      [
        "import { type Kysely, sql } from 'kysely';",
        '',
        'export async function up(db: Kysely<any>): Promise<void> {',
        "  // Kysely's Migrator runs migrations in a transaction on PostgreSQL (unless it is created",
        '  // with `disableTransactions: true`), where CREATE INDEX CONCURRENTLY cannot run: this',
        '  // index is built with a plain CREATE INDEX, which makes writes to the table wait for the build.',
        '  // querylens-ignore non-concurrent-index-creation',
        '  await sql`CREATE INDEX idx_posts_title_published_at ON posts (title, published_at)`.execute(db);',
        '}',
        '',
        'export async function down(db: Kysely<any>): Promise<void> {',
        '  await sql`DROP INDEX IF EXISTS idx_posts_title_published_at`.execute(db);',
        '}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(created.file, created.content);
    const { names, error } = await latest();
    assert.equal(error, undefined);
    assert.deepEqual(names, [path.basename(created.file, '.ts')]);
    assert.deepEqual(await valid('idx_posts_title_published_at'), [true]);

    const after = scriptSet(project.migrations);
    assert.deepEqual(await databaseShape(db), await catalogShape(catalogOf(after), db));
    const status = await TOOLS.kysely.status(after, toolContext(db, project.root));
    assert.equal(status.trackingTableFound, true);
    assert.deepEqual(status.rows.map((r) => [r.version, r.status]), after.migrations.map((m) => [m.version, 'applied']));
  });

  it('CONCURRENTLY fails in the Migrator\'s transaction, and runs when the Migrator has disableTransactions', async () => {
    const set = { ...scriptSet(project.migrations), noTransaction: true };
    const { created } = fixFor(set, 'comments', ['body']);
    assert.match(created.content, /^ {2}await sql`CREATE INDEX CONCURRENTLY idx_comments_body ON comments \(body\)`\.execute\(db\);$/m);
    assert.doesNotMatch(created.content, /querylens-ignore/);
    fs.writeFileSync(created.file, created.content);
    const failed = await latest();
    assert.match(String((failed.error as Error).message), /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
    assert.deepEqual(failed.names, []);
    const { names, error } = await latest({ disableTransactions: true });
    assert.equal(error, undefined);
    assert.deepEqual(names, [path.basename(created.file, '.ts')]);
    assert.deepEqual(await valid('idx_comments_body'), [true]);
  });

  it("the dashboard's migrations report reads kysely_migration: applied, pending and missing, and counts as shipped history", async () => {
    fs.writeFileSync(path.join(project.migrations, '1800000000000_later.ts'), "import type { Kysely } from 'kysely';\n\nexport async function up(db: Kysely<any>): Promise<void> {\n  await db.schema.alterTable('accounts').addColumn('later', 'text').execute();\n}\n");
    await db.query("INSERT INTO kysely_migration (name, timestamp) VALUES ('1600000000000_gone', '2020-09-13T12:26:40.000Z')");
    const workspace = await Workspace.create({ root: project.root, config: { ...defaultConfig(), dialect: 'postgres' } });
    const driver = await openDriver({ name: 'kysely-test', driver: 'postgres', url: own!.url });
    try {
      const report = await migrationsReport(driver, workspace);
      const [set, ...others] = report.sets;
      assert.deepEqual(others, []);
      assert.deepEqual([set!.tool, set!.dir, set!.trackingTable, set!.trackingTableFound, set!.command], ['kysely', project.migrations, 'kysely_migration', true, 'migrator.migrateToLatest()']);
      assert.deepEqual(set!.rows.map((r) => `${r.version}:${r.status}`), [
        '1600000000000_gone:missing',
        '1704067200000_init:applied',
        '1706745600000_comments:applied',
        // The second fix of the same minute follows the first: names keep the apply order.
        `${now.getTime()}_add_index_posts_title_published_at:applied`,
        `${now.getTime() + 1}_add_index_comments_body:applied`,
        '1800000000000_later:pending',
      ]);
      assert.equal(set!.rows[0]!.appliedAt, '2020-09-13T12:26:40.000Z');
      // What the table records has run on that database: shipped, no migration rule speaks about it.
      const history = trackedHistory(report);
      assert.deepEqual(
        ['1704067200000_init.ts', '1800000000000_later.ts'].map((name) => history.isShipped(path.join(project.migrations, name))),
        [true, false],
      );
    } finally {
      await driver.close();
    }
  });
});
