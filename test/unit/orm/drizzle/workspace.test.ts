/**
 * drizzle-kit migrations in a workspace: the set in journal order, migrations
 * winning over the Drizzle tables, also when the app that migrates the
 * database is another package than the library that declares the tables.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { useWorkspaces } from '../../migrations/workspace';

const journal = (...tags: string[]) =>
  JSON.stringify({ version: '7', dialect: 'postgresql', entries: tags.map((tag, idx) => ({ idx, version: '7', when: 1700000000000 + idx, tag, breakpoints: true })) }, null, 2);

const SCHEMA = `import { pgTable, serial, integer, text } from 'drizzle-orm/pg-core';
export const workers = pgTable('workers', {
  id: serial('id').primaryKey(),
  plannerId: integer('planner_id').notNull(),
  name: text('name'),
});
`;

const QUERY = `import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { workers } from './schema';
const db = drizzle(process.env.DATABASE_URL!);
export async function byPlanner(pid: number) {
  return db.select().from(workers).where(eq(workers.plannerId, pid)).limit(10);
}
`;

const CREATE = 'CREATE TABLE "workers" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"planner_id" integer NOT NULL,\n\t"name" text\n);\n';
const INDEX = 'CREATE INDEX "workers_planner_idx" ON "workers" USING btree ("planner_id");';

describe('drizzle-kit migrations in the workspace', () => {
  const makeWorkspace = useWorkspaces();

  it('reads the set in journal order, leaving out entries without a file and files without an entry', async () => {
    const { root } = makeWorkspace({
      'package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }),
      'migrations/0000_init.sql': CREATE,
      'migrations/0001_zz_index.sql': INDEX,
      'migrations/0002_gone.sql': 'SELECT 1;',
      'migrations/meta/_journal.json': journal('0000_init', '0001_zz_index', '0003_missing'),
    });
    const workspace = await Workspace.create({ root, config: defaultConfig() });
    assert.deepEqual(workspace.migrationSets().map((s) => [s.tool, path.relative(root, s.dir), s.provider, s.migrations.map((m) => `${m.version} ${m.description}`)]), [
      ['drizzle', 'migrations', 'postgresql', ['0000 init', '0001 zz_index']],
    ]);
  });

  it("lets a migration's CREATE TABLE IF NOT EXISTS win over the Drizzle table: the model's index is not in the database", async () => {
    const { root } = makeWorkspace({
      'package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }),
      'src/schema.ts': SCHEMA.replace("import { pgTable, serial, integer, text } from", "import { pgTable, serial, integer, text, index } from").replace("  name: text('name'),\n});", "  name: text('name'),\n}, (t) => [index('workers_planner_idx').on(t.plannerId)]);"),
      'src/queries.ts': QUERY,
      'drizzle/0000_init.sql': CREATE.replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'),
      'drizzle/meta/_journal.json': journal('0000_init'),
    });
    const workspace = await Workspace.create({ root, config: defaultConfig() });
    assert.equal(workspace.catalog().getTable('workers')!.origin.file, path.join(root, 'drizzle/0000_init.sql'));
    const findings = workspace.analyze(path.join(root, 'src/queries.ts')).filter((f) => f.ruleId === 'missing-index');
    assert.deepEqual(findings.map((f) => f.message.split(':')[0]), ['Query filters workers on planner_id, but no index leads with it']);
  });

  it('lets the migrations of an app package win over the Drizzle tables of the library it migrates', async () => {
    const files = (withIndex: boolean) => ({
      'package.json': JSON.stringify({ private: true, workspaces: ['apps/*', 'packages/*'] }),
      'packages/db/package.json': JSON.stringify({ name: '@x/db', dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }),
      'packages/db/src/schema.ts': SCHEMA,
      'packages/db/src/queries.ts': QUERY,
      'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { '@x/db': 'workspace:*', 'drizzle-orm': '0.45.4' } }),
      'apps/web/drizzle/0000_init.sql': CREATE,
      ...(withIndex ? { 'apps/web/drizzle/0001_index.sql': INDEX } : {}),
      'apps/web/drizzle/meta/_journal.json': withIndex ? journal('0000_init', '0001_index') : journal('0000_init'),
      'apps/web/drizzle/meta/0000_snapshot.json': JSON.stringify({ id: 'a', prevId: '0', version: '7', dialect: 'postgresql', tables: { 'public.workers': { name: 'workers', schema: '', columns: {}, indexes: {} } } }),
    });
    const missing = async (withIndex: boolean) => {
      const { root } = makeWorkspace(files(withIndex));
      const workspace = await Workspace.create({ root, config: defaultConfig() });
      const found = workspace.analyze(path.join(root, 'packages/db/src/queries.ts')).filter((f) => f.ruleId === 'missing-index');
      return found.map((f) => [f.message.split(':')[0], ...f.fixes.flatMap((fix) => [fix.title, ...fix.changes.map((c) => `${c.kind} ${path.relative(root, c.file)}`)])]);
    };
    // The fix goes where the table is migrated: the app's drizzle folder, and the library's table.
    assert.deepEqual(await missing(false), [[
      'Query filters workers on planner_id, but no index leads with it',
      'Add index on workers(planner_id) to its Drizzle table and a new drizzle-kit migration',
      'create apps/web/drizzle/0001_add_index_workers_planner_id.sql',
      'create apps/web/drizzle/meta/0001_snapshot.json',
      'edit apps/web/drizzle/meta/_journal.json',
      'edit packages/db/src/schema.ts',
    ]]);
    assert.deepEqual(await missing(true), []);
  });
});
