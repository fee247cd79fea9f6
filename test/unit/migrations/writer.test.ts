import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { detectMigrations } from '../../../server/src/core/migrations/detect';
import type { IndexDefinition, MigrationChange } from '../../../shared/types';
import { freeIndexName } from '../../../server/src/core/migrations/sql';
import { createIndexSql, dropIndexSql, indexName, planIndexMigration, planMigrations } from '../../../server/src/core/migrations/writer';
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
  const note = '-- CONCURRENTLY does not block writes to the table, but cannot run in a transaction block\n-- nor next to another statement: keep it the only statement of this file.';
  const sqlxNote = '-- The first line tells sqlx to run this file outside a transaction.';

  it('sqlx single file: UTC timestamp and -- no-transaction', () => {
    const plan = planIndexMigration(set('sqlx', [['20240101120000_init.sql']]), seed, 'postgres', now);
    assert.deepEqual(rel(plan), {
      files: [['20240506070809_add_index_workers_planner_id_task_status.sql', `-- no-transaction\n${note}\n${sqlxNote}\n${create}\n`]],
      open: '20240506070809_add_index_workers_planner_id_task_status.sql',
    });
  });

  it('sqlx reversible: up and down, both outside a transaction; never behind the last version', () => {
    const plan = planIndexMigration(set('sqlx', [['20990101000000_future.up.sql', '20990101000000_future.down.sql']]), seed, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['20990101000001_add_index_workers_planner_id_task_status.up.sql', '20990101000001_add_index_workers_planner_id_task_status.down.sql']);
    assert.equal(plan.files[1].content, `-- no-transaction\n${note}\n${sqlxNote}\n${drop}\n`);
  });

  it('golang-migrate: next number with the same padding, up and down', () => {
    const plan = planIndexMigration(set('golang-migrate', [['000001_init.up.sql', '000001_init.down.sql'], ['000009_more.up.sql']]), seed, 'postgres', now);
    assert.deepEqual(rel(plan), {
      files: [
        ['000010_add_index_workers_planner_id_task_status.up.sql', `${note}\n${create}\n`],
        ['000010_add_index_workers_planner_id_task_status.down.sql', `${note}\n${drop}\n`],
      ],
      open: '000010_add_index_workers_planner_id_task_status.up.sql',
    });
  });

  it('plain: next number, same separator, no down', () => {
    const plan = planIndexMigration(set('plain', [['001_init.sql'], ['002-add.sql']]), seed, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['003-add_index_workers_planner_id_task_status.sql']);
  });

  it('plain, files named by their number alone: the next number alone, same width', () => {
    const plan = planIndexMigration(set('plain', [['000001.sql'], ['000019.sql']]), seed, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['000020.sql']);
  });

  it('Flyway: next major version, undo only when the set has undo scripts, each with executeInTransaction=false', () => {
    const flyway = (files: [string, string?][]) => set('flyway', files, (f) => /^V([\d._]+)__/.exec(path.basename(f))![1].replace(/_/g, '.'));
    const plan = planIndexMigration(flyway([['V1__init.sql'], ['V1_2__more.sql']]), seed, 'postgres', now);
    assert.deepEqual(rel(plan).files, [
      ['V2__add_index_workers_planner_id_task_status.sql', `${note}\n-- The .sql.conf file beside this script tells Flyway to run it outside a transaction.\n${create}\n`],
      ['V2__add_index_workers_planner_id_task_status.sql.conf', 'executeInTransaction=false\n'],
    ]);
    const undo = planIndexMigration(flyway([['V3__init.sql', 'U3__init.sql']]), seed, 'postgres', now);
    assert.deepEqual(undo.files.map((f) => path.basename(f.file)), [
      'V4__add_index_workers_planner_id_task_status.sql',
      'U4__add_index_workers_planner_id_task_status.sql',
      'V4__add_index_workers_planner_id_task_status.sql.conf',
      'U4__add_index_workers_planner_id_task_status.sql.conf',
    ]);
  });

  it('Prisma: timestamped folders, the extension first, then CONCURRENTLY alone in its file', () => {
    const plan = planIndexMigration(set('prisma', [['20240101000000_init/migration.sql']]), trigram, 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.relative(dir, f.file)), [
      path.join('20240506070809_enable_pg_trgm', 'migration.sql'),
      path.join('20240506070810_add_index_workers_name', 'migration.sql'),
    ]);
    assert.equal(plan.files[0].content, '-- Trigram operators for the index of the next migration.\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\n');
    assert.equal(
      plan.files[1].content,
      [
        "-- schema.prisma must declare this index on its model (@@index, with map: when the name below is not Prisma's own), or prisma migrate dev will want to drop it.",
        note,
        'CREATE INDEX CONCURRENTLY idx_workers_name_trgm ON workers USING gin (name gin_trgm_ops);',
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
    'plain, numbers alone': { 'sql/000001.sql': '', 'sql/000002.sql': '' },
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

describe('generated migrations: identifiers, names, chains (issue 11)', () => {
  const create = (index: IndexDefinition): MigrationChange => ({ kind: 'createIndex', index });
  const apiToken: IndexDefinition = { name: 'idx_apitoken_userid', table: 'ApiToken', keys: [{ column: 'userId' }] };

  it('quotes table and columns exactly as the schema spells them', () => {
    const [plan] = planMigrations(set('golang-migrate', [['1_init.up.sql']]), [create(apiToken)], 'postgres', now);
    assert.match(plan.files[0].content, /^CREATE INDEX CONCURRENTLY idx_apitoken_userid ON "ApiToken" \("userId"\);$/m);
    assert.match(plan.files[1].content, /^DROP INDEX CONCURRENTLY IF EXISTS idx_apitoken_userid;$/m);
  });

  it('several changes chain: distinct versions in order, in one set', () => {
    const second: IndexDefinition = { name: 'idx_apitoken_expires', table: 'ApiToken', keys: [{ column: 'expires' }] };
    const plans = planMigrations(set('sqlx', [['20240101120000_init.sql']]), [create(apiToken), create(second)], 'postgres', now);
    assert.deepEqual(plans.map((p) => path.basename(p.open)), ['20240506070809_add_index_apitoken_userid.sql', '20240506070810_add_index_apitoken_expires.sql']);
    const golang = planMigrations(set('golang-migrate', [['000004_init.up.sql']]), [create(apiToken), create(second)], 'postgres', now);
    assert.deepEqual(golang.map((p) => path.basename(p.open)), ['000005_add_index_apitoken_userid.up.sql', '000006_add_index_apitoken_expires.up.sql']);
  });

  it('a drop: DROP INDEX CONCURRENTLY up, the index rebuilt CONCURRENTLY down, keys as they were', () => {
    const index: IndexDefinition = { name: 'Jobs_Owner', table: 'app.jobs', keys: [{ column: 'owner_id' }, { column: 'created', desc: true }] };
    const [plan] = planMigrations(set('golang-migrate', [['1_init.up.sql']]), [{ kind: 'dropIndex', index }], 'postgres', now);
    assert.deepEqual(plan.files.map((f) => path.basename(f.file)), ['2_drop_index_jobs_owner.up.sql', '2_drop_index_jobs_owner.down.sql']);
    assert.match(plan.files[0].content, /^DROP INDEX CONCURRENTLY IF EXISTS app\."Jobs_Owner";$/m);
    assert.match(plan.files[1].content, /^CREATE INDEX CONCURRENTLY "Jobs_Owner" ON app\.jobs \(owner_id, created DESC\);$/m);
  });

  it('SQLite: the same chain without CONCURRENTLY', () => {
    const [plan] = planMigrations(set('sqlx', [['20240101120000_init.sql']]), [create(apiToken)], 'sqlite', now);
    assert.equal(plan.files[0].content, 'CREATE INDEX idx_apitoken_userid ON "ApiToken" ("userId");\n');
  });

  it('an identifier with a newline stays inside its quotes: no line of its own, in SQL or in Python', () => {
    const evil: IndexDefinition = { name: 'idx_x', table: 'users', keys: [{ column: 'x\nDROP TABLE users; --' }] };
    for (const tool of ['prisma', 'golang-migrate', 'flyway'] as const) {
      const [plan] = planMigrations(set(tool, [['20240101000000_init/migration.sql']]), [create(evil)], 'postgres', now);
      for (const f of plan.files) assert.doesNotMatch(f.content, /^DROP TABLE/m, `${tool} ${f.file}`);
    }
    const [revision] = planMigrations({ tool: 'alembic', dir, migrations: [], heads: [] }, [{ kind: 'dropIndex', index: { ...evil, name: 'x\n"""\nimport os' } }], 'postgres', now);
    const text = revision.files[0].content;
    assert.doesNotMatch(text, /^import os/m);
    assert.doesNotMatch(text, /^DROP TABLE/m);
    assert.match(text, /op\.create_index\('x\\u000a"""\\u000aimport os', 'users', \['x\\u000aDROP TABLE users; --'\]/);
  });

  it('index names: within 63 bytes, and not one that exists', () => {
    assert.equal(freeIndexName('idx_jobs_owner', new Set(['idx_jobs_owner'])), 'idx_jobs_owner_2');
    assert.equal(freeIndexName('idx_jobs_owner', new Set(['idx_jobs_owner', 'idx_jobs_owner_2'])), 'idx_jobs_owner_3');
    const long = 'i'.repeat(63);
    const free = freeIndexName(long, new Set([long]));
    assert.equal(free, `${'i'.repeat(61)}_2`);
    assert.equal(Buffer.byteLength(free), 63);
    assert.equal(freeIndexName('idx_new', new Set(['idx_jobs_owner'])), 'idx_new');
  });
});
