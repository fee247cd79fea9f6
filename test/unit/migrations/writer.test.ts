import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { detectMigrations } from '../../../server/src/core/migrations/detect';
import { createIndexSql, dropIndexSql, indexName, planIndexMigration } from '../../../server/src/core/migrations/writer';
import type { IndexSuggestion } from '../../../server/src/core/rules/types';
import { makeWorkspace } from './workspace';

const seed: IndexSuggestion = { table: 'workers', columns: ['planner_id', 'task_status'] };
const trigram: IndexSuggestion = { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' };
const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));
const dir = path.resolve('/ws/migrations');

function set(tool: MigrationSet['tool'], files: [string, string?][], version = (f: string) => /^[VU]?(\d+)/.exec(f)![1]): MigrationSet {
  return {
    tool,
    dir,
    migrations: files.map(([up, down]) => ({ version: version(up), description: 'x', upFile: path.join(dir, up), ...(down ? { downFile: path.join(dir, down) } : {}) })),
  };
}

function rel(plan: ReturnType<typeof planIndexMigration>) {
  return { files: plan.files.map((f) => [path.relative(dir, f.file), f.content]), open: path.relative(dir, plan.open) };
}

describe('createIndexSql / dropIndexSql', () => {
  it('writes the index per dialect', () => {
    assert.equal(createIndexSql(seed, 'postgres', { concurrently: true }), 'CREATE INDEX CONCURRENTLY idx_workers_planner_id_task_status ON workers (planner_id, task_status);');
    assert.equal(createIndexSql(seed, 'postgres', { concurrently: false, ifNotExists: true }), 'CREATE INDEX IF NOT EXISTS idx_workers_planner_id_task_status ON workers (planner_id, task_status);');
    assert.equal(createIndexSql(seed, 'sqlite', { concurrently: true }), 'CREATE INDEX idx_workers_planner_id_task_status ON workers (planner_id, task_status);');
    assert.equal(createIndexSql(seed, 'mysql', { concurrently: true }), 'CREATE INDEX idx_workers_planner_id_task_status ON workers (planner_id, task_status) ALGORITHM=INPLACE LOCK=NONE;');
    assert.equal(createIndexSql(trigram, 'postgres', { concurrently: true }), 'CREATE INDEX CONCURRENTLY idx_workers_name_trgm ON workers USING gin (name gin_trgm_ops);');
    assert.equal(createIndexSql({ table: 'app.Order', columns: ['user', 'createdAt'] }, 'postgres', { concurrently: false }), 'CREATE INDEX idx_order_user_createdat ON app."Order" ("user", "createdAt");');
    assert.equal(dropIndexSql(seed, 'postgres', { concurrently: true }), 'DROP INDEX CONCURRENTLY IF EXISTS idx_workers_planner_id_task_status;');
    assert.equal(dropIndexSql({ table: 'app.t', columns: ['a'] }, 'postgres', { concurrently: false }), 'DROP INDEX IF EXISTS app.idx_t_a;');
    assert.equal(dropIndexSql(seed, 'mysql', { concurrently: true }), 'DROP INDEX idx_workers_planner_id_task_status ON workers;');
  });

  it('truncates index names to 63 characters', () => {
    const name = indexName({ table: 'a_really_long_table_name_for_workers', columns: ['planner_identifier', 'task_status_code'] });
    assert.equal(name, 'idx_a_really_long_table_name_for_workers_planner_identifier_tas');
    assert.equal(name.length, 63);
  });
});

describe('planIndexMigration', () => {
  const create = 'CREATE INDEX CONCURRENTLY idx_workers_planner_id_task_status ON workers (planner_id, task_status);';
  const drop = 'DROP INDEX CONCURRENTLY IF EXISTS idx_workers_planner_id_task_status;';
  const note = '-- CREATE INDEX CONCURRENTLY builds the index without blocking writes, but cannot run in a transaction block.';
  const alone = '-- Keep it the only statement of this file: several statements sent as one query run as one transaction.';

  it('sqlx single file: UTC timestamp and -- no-transaction', () => {
    const plan = planIndexMigration(set('sqlx', [['20240101120000_init.sql']]), seed, 'postgres', now);
    assert.deepEqual(rel(plan), {
      files: [['20240506070809_add_index_workers_planner_id_task_status.sql', `-- no-transaction\n${note}\n-- The first line tells sqlx to run this file outside a transaction.\n${create}\n`]],
      open: '20240506070809_add_index_workers_planner_id_task_status.sql',
    });
  });

  it('sqlx reversible: up and down, both outside a transaction; never behind the last version', () => {
    const plan = planIndexMigration(set('sqlx', [['20990101000000_future.up.sql', '20990101000000_future.down.sql']]), seed, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['20990101000001_add_index_workers_planner_id_task_status.up.sql', '20990101000001_add_index_workers_planner_id_task_status.down.sql']);
    assert.equal(plan.files[1].content, `-- no-transaction\n${drop}\n`);
  });

  it('golang-migrate: next number with the same padding, up and down', () => {
    const plan = planIndexMigration(set('golang-migrate', [['000001_init.up.sql', '000001_init.down.sql'], ['000009_more.up.sql']]), seed, 'postgres', now);
    assert.deepEqual(rel(plan), {
      files: [
        ['000010_add_index_workers_planner_id_task_status.up.sql', `${note}\n${alone}\n${create}\n`],
        ['000010_add_index_workers_planner_id_task_status.down.sql', `${drop}\n`],
      ],
      open: '000010_add_index_workers_planner_id_task_status.up.sql',
    });
  });

  it('plain: next number, same separator, no down', () => {
    const plan = planIndexMigration(set('plain', [['001_init.sql'], ['002-add.sql']]), seed, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['003-add_index_workers_planner_id_task_status.sql']);
  });

  it('Flyway: next major version, undo only when the set has undo scripts', () => {
    const flyway = (files: [string, string?][]) => set('flyway', files, (f) => /^V([\d._]+)__/.exec(path.basename(f))![1].replace(/_/g, '.'));
    const plan = planIndexMigration(flyway([['V1__init.sql'], ['V1_2__more.sql']]), seed, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['V2__add_index_workers_planner_id_task_status.sql']);
    assert.match(plan.files[0].content, /Flyway 9\+ detects this/);
    const undo = planIndexMigration(flyway([['V3__init.sql', 'U3__init.sql']]), seed, 'postgres', now);
    assert.deepEqual(undo.files.map((f) => path.basename(f.file)), ['V4__add_index_workers_planner_id_task_status.sql', 'U4__add_index_workers_planner_id_task_status.sql']);
  });

  it('Prisma: timestamped folder, plain CREATE INDEX with the reason', () => {
    const plan = planIndexMigration(set('prisma', [['20240101000000_init/migration.sql']]), trigram, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.relative(dir, f.file)), [path.join('20240506070809_add_index_workers_name', 'migration.sql')]);
    assert.equal(
      plan.files[0].content,
      [
        '-- Prisma runs each migration in a transaction on PostgreSQL, where CREATE INDEX CONCURRENTLY',
        '-- cannot run, so this is a plain CREATE INDEX: it blocks writes to workers while it builds.',
        '-- On a large, busy table, create it CONCURRENTLY by hand first (this statement would then fail: use IF NOT EXISTS).',
        '-- Also add @@index([name]) to the model in schema.prisma, or prisma migrate will report drift.',
        'CREATE EXTENSION IF NOT EXISTS pg_trgm;',
        'CREATE INDEX idx_workers_name_trgm ON workers USING gin (name gin_trgm_ops);',
        '',
      ].join('\n'),
    );
  });

  it('trigram outside Prisma: the extension in its own migration first', () => {
    const plan = planIndexMigration(set('golang-migrate', [['1_init.up.sql']]), trigram, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['2_enable_pg_trgm.up.sql', '2_enable_pg_trgm.down.sql', '3_add_index_workers_name.up.sql', '3_add_index_workers_name.down.sql']);
    assert.equal(path.basename(plan.open), '3_add_index_workers_name.up.sql');
  });

  it('SQLite: no CONCURRENTLY, no transaction notes', () => {
    const plan = planIndexMigration(set('sqlx', [['20240101120000_init.sql']]), seed, 'sqlite', now);
    assert.equal(plan.files[0].content, 'CREATE INDEX idx_workers_planner_id_task_status ON workers (planner_id, task_status);\n');
  });
});

describe('planIndexMigration round trip through detectMigrations', () => {
  const layouts: Record<string, Record<string, string>> = {
    sqlx: { 'migrations/20240101120000_init.sql': '' },
    'sqlx reversible': { 'migrations/20240101120000_init.up.sql': '', 'migrations/20240101120000_init.down.sql': '' },
    'golang-migrate': { 'db/000001_init.up.sql': '', 'db/000001_init.down.sql': '' },
    flyway: { 'db/migration/V1__init.sql': '', 'db/migration/V1_1__more.sql': '' },
    prisma: { 'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n', 'prisma/migrations/20240101000000_init/migration.sql': '' },
    plain: { 'sql/001_init.sql': '', 'sql/002-more.sql': '' },
  };
  for (const [name, files] of Object.entries(layouts)) {
    it(`${name}: the new migration is detected last in the same set`, () => {
      const { root, paths } = makeWorkspace(files);
      try {
        const [before] = detectMigrations(root, paths);
        const plan = planIndexMigration(before, seed, 'postgres', now);
        for (const f of plan.files) {
          fs.mkdirSync(path.dirname(f.file), { recursive: true });
          fs.writeFileSync(f.file, f.content);
        }
        const after = detectMigrations(root, [...paths, ...plan.files.map((f) => f.file)]);
        assert.equal(after.length, 1);
        assert.equal(after[0].tool, before.tool);
        assert.equal(after[0].migrations.length, before.migrations.length + 1);
        const last = after[0].migrations[after[0].migrations.length - 1];
        assert.equal(last.upFile, plan.open);
        assert.equal(last.downFile !== undefined, before.migrations.some((m) => m.downFile !== undefined));
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
