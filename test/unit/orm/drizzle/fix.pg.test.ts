/**
 * The missing-index fix on a real drizzle-kit project: the schema generated
 * by drizzle-kit itself (0000), QueryLens's fix applied (the index on the
 * table's callback, the 0001 migration, its journal entry and snapshot), then
 * drizzle-kit finds nothing left to generate, the edited schema compiles
 * against drizzle-orm's types, and drizzle-orm's migrator runs both migrations
 * on PostgreSQL, where QueryLens reads them back as applied. `check --fix`
 * applies such fixes on one table as one chain (0001 and 0002, both indexes
 * in the table's callback; an index whose columns lead another of the chain is
 * left out), which drizzle-kit and the migrator accept too.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { Fix } from '../../../../shared/types';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { LineIndex } from '../../../../server/src/core/engine/lineIndex';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { openDriver } from '../../../../server/src/db/drivers';
import { migrationsReport } from '../../../../server/src/db/migrations';
import { runCheck } from '../../../../server/src/cli/check';
import { PG_URL } from '../../db/fixtures';
import { typecheck } from '../../host/typescript/typecheck';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

const SCHEMA = `import { pgTable, serial, integer, varchar, timestamp } from 'drizzle-orm/pg-core';

export const planners = pgTable('planners', {
  id: serial('id').primaryKey(),
});

export const workers = pgTable('workers', {
  id: serial('id').primaryKey(),
  plannerId: integer('planner_id').notNull(),
  taskStatus: varchar('task_status', { length: 32 }).notNull(),
  createdAt: timestamp('created_at').defaultNow(),
});
`;

const APP = `import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { workers } from './schema';

const db = drizzle(process.env.DATABASE_URL!);

export async function pending(plannerId: number) {
  return db.select().from(workers).where(and(eq(workers.plannerId, plannerId), eq(workers.taskStatus, 'pending')));
}
`;

function drizzleKit(cwd: string, ...args: string[]): string {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr + run.stdout);
  return run.stdout + run.stderr;
}

/** The fix's changes written to disk, as the editor applies a workspace edit. */
function apply(fix: Fix): void {
  for (const change of fix.changes) {
    if (change.kind === 'create') {
      mkdirSync(path.dirname(change.file), { recursive: true });
      writeFileSync(change.file, change.content, { flag: 'wx' });
      continue;
    }
    let text = readFileSync(change.file, 'utf8');
    const lines = new LineIndex(text);
    const edits = change.edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start);
    for (const e of edits) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
    writeFileSync(change.file, text);
  }
}

/** drizzle-orm's migrator on the project's `drizzle` folder (its tracking table in the `tracking` schema). */
function migrate(root: string, url: string): void {
  const run = spawnSync(
    process.execPath,
    ['-e', "const { drizzle } = require('drizzle-orm/node-postgres'); const { migrate } = require('drizzle-orm/node-postgres/migrator'); const db = drizzle(process.argv[1]); migrate(db, { migrationsFolder: 'drizzle', migrationsSchema: 'tracking' }).then(() => db.$client.end(), (e) => { console.error(e); process.exit(1); });", url],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(run.status, 0, run.stderr);
}

/** A drizzle-kit project in a new folder: the schema, the app, the config, and the 0000 migration drizzle-kit generates. */
function project(schema: string, app: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ql-drizzle-'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }));
  writeFileSync(path.join(root, 'src', 'schema.ts'), schema);
  writeFileSync(path.join(root, 'src', 'app.ts'), app);
  writeFileSync(
    path.join(root, 'drizzle.config.ts'),
    `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle', migrations: { schema: 'tracking' } });\n`,
  );
  drizzleKit(root, 'generate', '--name', 'init');
  return root;
}

describe('Drizzle: the missing-index fix with drizzle-kit migrations', function () {
  this.timeout(180_000);
  const admin = new Client({ connectionString: PG_URL });
  let root = '';
  const database = `drizzle_fix_${process.pid}_${Date.now()}`;

  before(async function () {
    try {
      await admin.connect();
    } catch {
      this.skip();
    }
    root = project(SCHEMA, APP);
    await admin.query(`CREATE DATABASE ${database}`);
  });

  after(async () => {
    if (root) rmSync(root, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  });

  it('adds index().on() to the table and writes the migration drizzle-kit would, which its migrator runs', async () => {
    const workspace = await Workspace.create({ root, config: defaultConfig() });
    const [set] = workspace.migrationSets();
    assert.equal(set!.tool, 'drizzle');
    assert.deepEqual(set!.migrations.map((m) => [m.version, m.description, path.relative(root, m.upFile)]), [['0000', 'init', path.join('drizzle', '0000_init.sql')]]);

    const app = path.join(root, 'src', 'app.ts');
    const finding = workspace.analyze(app).find((f) => f.ruleId === 'missing-composite-index');
    assert.ok(finding, 'the lookup on (planner_id, task_status) is found');
    const fix = finding.fixes.find((f) => f.isPreferred)!;
    assert.equal(fix.title, 'Add index on workers(planner_id, task_status) to its Drizzle table and a new drizzle-kit migration');
    assert.deepEqual(fix.changes.map((c) => [c.kind, path.relative(root, c.file)]), [
      ['create', path.join('drizzle', '0001_add_index_workers_planner_id_task_status.sql')],
      ['create', path.join('drizzle', 'meta', '0001_snapshot.json')],
      ['edit', path.join('drizzle', 'meta', '_journal.json')],
      ['edit', path.join('src', 'schema.ts')],
    ]);
    apply(fix);

    assert.equal(readFileSync(path.join(root, 'drizzle', '0001_add_index_workers_planner_id_task_status.sql'), 'utf8'), 'CREATE INDEX idx_workers_planner_id_task_status ON workers (planner_id, task_status);\n');
    const schema = readFileSync(path.join(root, 'src', 'schema.ts'), 'utf8');
    assert.equal(
      schema,
      SCHEMA.replace("import { pgTable, serial, integer, varchar, timestamp } from", "import { pgTable, serial, integer, varchar, timestamp, index } from")
        .replace("  createdAt: timestamp('created_at').defaultNow(),\n});", "  createdAt: timestamp('created_at').defaultNow(),\n}, (t) => [index('idx_workers_planner_id_task_status').on(t.plannerId, t.taskStatus)]);"),
    );
    const journal = JSON.parse(readFileSync(path.join(root, 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    assert.deepEqual(journal.entries.map((e) => [e.idx, e.tag]), [[0, '0000_init'], [1, '0001_add_index_workers_planner_id_task_status']]);

    // drizzle-kit itself: the schema and the snapshots agree, nothing to generate.
    assert.match(drizzleKit(root, 'generate'), /No schema changes, nothing to migrate/);
    assert.deepEqual(readdirSync(path.join(root, 'drizzle')).filter((f) => f.endsWith('.sql')).sort(), ['0000_init.sql', '0001_add_index_workers_planner_id_task_status.sql']);
    // The edited schema compiles against drizzle-orm's types.
    assert.deepEqual(typecheck({ 'schema.ts': schema }), { 'schema.ts': [] });

    // drizzle-orm's migrator runs both on PostgreSQL.
    const url = PG_URL.replace(/\/[^/]*$/, `/${database}`);
    migrate(root, url);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const indexes = (await client.query("SELECT indexdef FROM pg_indexes WHERE tablename = 'workers' ORDER BY indexname")).rows.map((r) => r.indexdef as string);
      assert.deepEqual(indexes, ['CREATE INDEX idx_workers_planner_id_task_status ON public.workers USING btree (planner_id, task_status)', 'CREATE UNIQUE INDEX workers_pkey ON public.workers USING btree (id)']);
    } finally {
      await client.end();
    }

    // QueryLens reads the tracking table where the config puts it: both applied.
    const reloaded = await Workspace.create({ root, config: defaultConfig() });
    const driver = await openDriver({ name: 'test-pg', driver: 'postgres', url });
    try {
      const report = await migrationsReport(driver, reloaded);
      const drizzleSet = report.sets.find((s) => s.tool === 'drizzle')!;
      assert.equal(drizzleSet.trackingTableFound, true);
      assert.deepEqual(drizzleSet.rows.map((r) => `${r.version}:${r.status}`), ['0000:applied', '0001:applied']);
    } finally {
      await driver.close();
    }
    // The query is served now: no missing-index finding is left.
    assert.deepEqual(reloaded.analyze(app).filter((f) => f.ruleId.startsWith('missing-')).map((f) => f.ruleId), []);
  });
});

describe('Drizzle: check --fix applies the drizzle-kit index fixes as one chain', function () {
  this.timeout(240_000);
  const admin = new Client({ connectionString: PG_URL });
  let root = '';
  const database = `drizzle_check_fix_${process.pid}_${Date.now()}`;
  const app = `${APP}
export async function byEmail(email: string) {
  return db.select().from(workers).where(eq(workers.email, email));
}

export async function ofPlanner(plannerId: number) {
  return db.select().from(workers).where(eq(workers.plannerId, plannerId));
}
`;
  const schema = SCHEMA.replace("  createdAt: timestamp('created_at').defaultNow(),\n", "  createdAt: timestamp('created_at').defaultNow(),\n  email: varchar('email', { length: 255 }),\n");

  before(async function () {
    try {
      await admin.connect();
    } catch {
      this.skip();
    }
    root = project(schema, app);
    await admin.query(`CREATE DATABASE ${database}`);
  });

  after(async () => {
    if (root) rmSync(root, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  });

  // (planner_id) alone leads (planner_id, task_status): one index serves both lookups, and only that one is written.
  it('writes both migrations, one journal edit and both indexes in the table, which drizzle-kit and its migrator accept', async () => {
    const warnings: string[] = [];
    const before = await runCheck({ paths: ['.'], cwd: root, fix: false, warn: (m) => warnings.push(m) });
    assert.deepEqual(before.findings.flatMap((f) => f.fixes.filter((x) => x.isPreferred && x.migration).map((x) => x.title)).sort(), [
      'Add index on workers(email) to its Drizzle table and a new drizzle-kit migration',
      'Add index on workers(planner_id) to its Drizzle table and a new drizzle-kit migration',
      'Add index on workers(planner_id, task_status) to its Drizzle table and a new drizzle-kit migration',
    ]);
    const report = await runCheck({ paths: ['.'], cwd: root, fix: true, warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.deepEqual(report.findings.filter((f) => f.ruleId.startsWith('missing-')).map((f) => f.ruleId), []);

    const fixed = readFileSync(path.join(root, 'src', 'schema.ts'), 'utf8');
    assert.equal(
      fixed,
      schema.replace("import { pgTable, serial, integer, varchar, timestamp } from", "import { pgTable, serial, integer, varchar, timestamp, index } from")
        .replace(
          "  email: varchar('email', { length: 255 }),\n});",
          "  email: varchar('email', { length: 255 }),\n}, (t) => [index('idx_workers_planner_id_task_status').on(t.plannerId, t.taskStatus), index('idx_workers_email').on(t.email)]);",
        ),
    );
    const journal = JSON.parse(readFileSync(path.join(root, 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    assert.deepEqual(journal.entries.map((e) => [e.idx, e.tag]), [[0, '0000_init'], [1, '0001_add_index_workers_planner_id_task_status'], [2, '0002_add_index_workers_email']]);
    assert.equal(readFileSync(path.join(root, 'drizzle', '0002_add_index_workers_email.sql'), 'utf8'), 'CREATE INDEX idx_workers_email ON workers (email);\n');

    assert.match(drizzleKit(root, 'generate'), /No schema changes, nothing to migrate/);
    assert.deepEqual(typecheck({ 'schema.ts': fixed }), { 'schema.ts': [] });
    const url = PG_URL.replace(/\/[^/]*$/, `/${database}`);
    migrate(root, url);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const indexes = (await client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'workers' ORDER BY indexname")).rows.map((r) => r.indexname as string);
      assert.deepEqual(indexes, ['idx_workers_email', 'idx_workers_planner_id_task_status', 'workers_pkey']);
    } finally {
      await client.end();
    }
  });
});
