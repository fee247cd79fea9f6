import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { detectAlembic, headsOf, type RevisionInfo } from '../../../server/src/core/migrations/alembic';
import { detectMigrations } from '../../../server/src/core/migrations/detect';
import { planIndexMigration } from '../../../server/src/core/migrations/writer';
import type { IndexSuggestion } from '../../../server/src/core/rules/types';
import { alembicProject, emptyRevision, offlineStatements } from './alembic-cli';
import { makeWorkspace, useWorkspaces } from './workspace';

const seed: IndexSuggestion = { table: 'workers', columns: ['planner_id', 'task_status'] };
const trigram: IndexSuggestion = { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' };
const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));

/** What the Python extractor would report, read here with a regex from files the tests write. */
function revisionOfText(file: string): RevisionInfo | undefined {
  const text = fs.readFileSync(file, 'utf8');
  const revision = /^revision\s*(?::[^=]*)?=\s*'([^']+)'/m.exec(text)?.[1];
  const down = /^down_revision\s*(?::[^=]*)?=\s*(.+)$/m.exec(text)?.[1];
  if (!revision || down === undefined) return undefined;
  const ids = [...down.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  return { revision, downRevision: down.trim() === 'None' ? null : down.trim().startsWith('(') ? ids : ids[0] };
}

function revisionFile(revision: string, down: string | string[] | null): string {
  const d = down === null ? 'None' : typeof down === 'string' ? `'${down}'` : `(${down.map((x) => `'${x}'`).join(', ')})`;
  return `"""x"""\nfrom alembic import op\n\nrevision = '${revision}'\ndown_revision = ${d}\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;
}

function shape(root: string, sets: MigrationSet[]) {
  return sets.map((s) => ({
    tool: s.tool,
    dir: path.relative(root, s.dir),
    heads: s.heads,
    migrations: s.migrations.map((m) => [m.version, m.description, path.relative(root, m.upFile), m.parents]),
  }));
}

describe('detectAlembic', () => {
  const ws = useWorkspaces();

  // a root, two branches (b, c), their merge (d), then a new branch e off d and f off d: two heads.
  const graph = {
    'alembic/env.py': '',
    'alembic/script.py.mako': '',
    'alembic/versions/__init__.py': '',
    'alembic/versions/d4_merge_b_and_c.py': revisionFile('d4', ['b2', 'c3']),
    'alembic/versions/a1_create_workers.py': revisionFile('a1', null),
    'alembic/versions/c3_add_status.py': revisionFile('c3', 'a1'),
    'alembic/versions/b2_add_planner.py': revisionFile('b2', 'a1'),
    'alembic/versions/f6_add_notes.py': revisionFile('f6', 'd4'),
    'alembic/versions/e5_add_tags.py': revisionFile('e5', 'd4'),
    'alembic/versions/helpers.py': 'def helper():\n    pass\n',
    'migrations/20240101120000_init.sql': '',
  };

  it('orders revisions along down_revision, merges after their parents, and records every head', () => {
    const { root, paths } = ws(graph);
    assert.deepEqual(shape(root, detectAlembic(root, paths, revisionOfText)), [
      {
        tool: 'alembic',
        dir: 'alembic/versions',
        heads: ['e5', 'f6'],
        migrations: [
          ['a1', 'create_workers', 'alembic/versions/a1_create_workers.py', []],
          ['b2', 'add_planner', 'alembic/versions/b2_add_planner.py', ['a1']],
          ['c3', 'add_status', 'alembic/versions/c3_add_status.py', ['a1']],
          ['d4', 'merge_b_and_c', 'alembic/versions/d4_merge_b_and_c.py', ['b2', 'c3']],
          ['e5', 'add_tags', 'alembic/versions/e5_add_tags.py', ['d4']],
          ['f6', 'add_notes', 'alembic/versions/f6_add_notes.py', ['d4']],
        ],
      },
    ]);
  });

  it('joins detectMigrations only with the revision callback', () => {
    const { root, paths } = ws(graph);
    assert.deepEqual(detectMigrations(root, paths).map((s) => s.tool), ['sqlx']);
    assert.deepEqual(detectMigrations(root, paths, undefined, revisionOfText).map((s) => [s.tool, path.relative(root, s.dir)]), [
      ['alembic', 'alembic/versions'],
      ['sqlx', 'migrations'],
    ]);
    assert.deepEqual(detectMigrations(root, paths, ['alembic'], revisionOfText).map((s) => s.tool), ['alembic']);
    assert.deepEqual(detectMigrations(root, paths, ['migrations'], revisionOfText).map((s) => s.tool), ['sqlx']);
  });

  it('finds the folders alembic.ini names (script_location, version_locations), env.py or not', () => {
    const { root, paths } = ws({
      'service/alembic.ini': '[alembic]\n# a comment\nscript_location = %(here)s/db/migrate\n\n[loggers]\nkeys = root\n',
      'service/db/migrate/versions/0001_init.py': revisionFile('0001', null),
      'other/alembic.ini': '[alembic]\nscript_location = app:alembic\nversion_locations = %(here)s/revs\n',
      'other/revs/r1_first.py': revisionFile('r1', null),
      'other/revs/r2_second.py': revisionFile('r2', 'r1'),
    });
    assert.deepEqual(shape(root, detectAlembic(root, paths, revisionOfText)), [
      { tool: 'alembic', dir: 'other/revs', heads: ['r2'], migrations: [['r1', 'first', 'other/revs/r1_first.py', []], ['r2', 'second', 'other/revs/r2_second.py', ['r1']]] },
      { tool: 'alembic', dir: 'service/db/migrate/versions', heads: ['0001'], migrations: [['0001', 'init', 'service/db/migrate/versions/0001_init.py', []]] },
    ]);
  });

  it('keeps revisions whose parent is missing, and names from other file templates', () => {
    const { root, paths } = ws({
      'alembic/env.py': '',
      'alembic/versions/2024_05_06_0712-9f8e_add_index.py': revisionFile('9f8e', 'gone'),
      'alembic/versions/x_orphan.py': revisionFile('aa', '9f8e'),
    });
    assert.deepEqual(shape(root, detectAlembic(root, paths, revisionOfText))[0].migrations, [
      ['9f8e', '2024_05_06_0712-_add_index', 'alembic/versions/2024_05_06_0712-9f8e_add_index.py', ['gone']],
      ['aa', 'x_orphan', 'alembic/versions/x_orphan.py', ['9f8e']],
    ]);
  });

  it("new revisions are named by the file_template of the alembic.ini above the set (INI's %% read as %), else <rev>_<slug>", () => {
    const { root, paths } = ws({
      'app/alembic.ini': '[alembic]\nfile_template = %%(year)d-%%(month).2d-%%(day).2d_%%(rev)s\n\n[core]\nscript_location = app:db/core\n',
      'app/db/core/env.py': '',
      'app/db/core/versions/a1_init.py': revisionFile('a1', null),
      'other/env.py': '',
      'other/versions/b1_init.py': revisionFile('b1', null),
    });
    const [core, other] = detectAlembic(root, paths, revisionOfText);
    assert.equal(core!.fileTemplate, '%(year)d-%(month).2d-%(day).2d_%(rev)s');
    assert.equal(other!.fileTemplate, undefined);
    const fixedId = () => '0123456789ab';
    assert.equal(path.basename(planIndexMigration(core!, seed, 'postgres', now, { revisionId: fixedId }).open), '2024-05-06_0123456789ab.py');
    assert.equal(path.basename(planIndexMigration(other!, seed, 'postgres', now, { revisionId: fixedId }).open), '0123456789ab_add_index_workers_planner_id_task_status.py');
    const hourly = { ...core!, fileTemplate: '%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s' };
    assert.equal(path.basename(planIndexMigration(hourly, seed, 'postgres', now, { revisionId: fixedId }).open), '20240506_0708_0123456789ab_add_index_workers_planner_id_task_status.py');
  });
});

describe('planIndexMigration for Alembic', () => {
  const dir = path.resolve('/ws/alembic/versions');
  const alembicSet = (heads: string[]): MigrationSet => ({
    tool: 'alembic',
    dir,
    migrations: heads.map((h) => ({ version: h, description: 'x', upFile: path.join(dir, `${h}_x.py`), parents: [] })),
    heads,
  });
  const fixedId = () => '0123456789ab';
  const project = alembicProject();
  after(() => project.remove());

  /**
   * Puts the revision (and empty parents) in a real Alembic project and has
   * Alembic print its SQL offline: upgrade from base, and (one parent)
   * downgrade back to the parent.
   */
  function compileAndRun(content: string, dialect: 'postgres' | 'sqlite' = 'postgres') {
    for (const f of fs.readdirSync(project.versions)) fs.rmSync(path.join(project.versions, f), { recursive: true, force: true });
    const revision = /^revision = '([^']+)'$/m.exec(content)![1];
    const parents = [...(/^down_revision = (.*)$/m.exec(content)![1].matchAll(/'([^']+)'/g))].map((m) => m[1]);
    for (const parent of parents) fs.writeFileSync(path.join(project.versions, `${parent}_parent.py`), emptyRevision(parent, null));
    fs.writeFileSync(path.join(project.versions, `${revision}_generated.py`), content);
    const url = dialect === 'postgres' ? 'postgresql://' : 'sqlite://';
    const up = offlineStatements(project.run(['upgrade', 'heads', '--sql'], url));
    const down = parents.length === 1 ? offlineStatements(project.run(['downgrade', `${revision}:${parents[0]}`, '--sql'], url)) : [];
    return { revision, parents, up, down };
  }

  it('PostgreSQL: a revision of the head, CONCURRENTLY inside autocommit_block()', () => {
    const plan = planIndexMigration(alembicSet(['a1b2c3d4e5f6']), seed, 'postgres', now, { revisionId: fixedId });
    assert.equal(plan.open, path.join(dir, '0123456789ab_add_index_workers_planner_id_task_status.py'));
    assert.deepEqual(plan.files.map((f) => f.file), [plan.open]);
    assert.equal(
      plan.files[0].content,
      `"""add index idx_workers_planner_id_task_status on workers

Revision ID: 0123456789ab
Revises: a1b2c3d4e5f6
Create Date: 2024-05-06 07:08:09

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0123456789ab'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    # CONCURRENTLY does not block writes, but cannot run in a transaction block:
    # autocommit_block() commits Alembic's transaction and runs this outside one.
    with op.get_context().autocommit_block():
        op.create_index('idx_workers_planner_id_task_status', 'workers', ['planner_id', 'task_status'], unique=False, postgresql_concurrently=True)


def downgrade():
    # CONCURRENTLY does not block writes, but cannot run in a transaction block:
    # autocommit_block() commits Alembic's transaction and runs this outside one.
    with op.get_context().autocommit_block():
        op.drop_index('idx_workers_planner_id_task_status', table_name='workers', postgresql_concurrently=True)
`,
    );
    const { up, down } = compileAndRun(plan.files[0].content);
    // Alembic commits its transaction before the autocommit block and begins a new one after it.
    assert.deepEqual(up, ['BEGIN', 'COMMIT', 'CREATE INDEX CONCURRENTLY idx_workers_planner_id_task_status ON workers (planner_id, task_status)', 'BEGIN', 'COMMIT']);
    assert.deepEqual(down, ['BEGIN', 'COMMIT', 'DROP INDEX CONCURRENTLY idx_workers_planner_id_task_status', 'BEGIN', 'COMMIT']);
  });

  it('SQLite: plain op.create_index / op.drop_index in the migration transaction', () => {
    const plan = planIndexMigration(alembicSet(['a1']), seed, 'sqlite', now, { revisionId: fixedId });
    const content = plan.files[0].content;
    assert.match(content, /\ndef upgrade\(\):\n {4}op\.create_index\('idx_workers_planner_id_task_status', 'workers', \['planner_id', 'task_status'\], unique=False\)\n\n\ndef downgrade\(\):\n {4}op\.drop_index\('idx_workers_planner_id_task_status', table_name='workers'\)\n$/);
    const { up } = compileAndRun(content, 'sqlite');
    assert.deepEqual(up, ['BEGIN', 'CREATE INDEX idx_workers_planner_id_task_status ON workers (planner_id, task_status)', 'COMMIT']);
  });

  it('several heads: down_revision is their tuple, which merges them', () => {
    const plan = planIndexMigration(alembicSet(['e5', 'f6']), seed, 'postgres', now, { revisionId: fixedId });
    const content = plan.files[0].content;
    assert.match(content, /\nRevises: e5, f6\n/);
    assert.match(content, /\n# Revises every head, so this revision also merges the branches\.\ndown_revision = \('e5', 'f6'\)\n/);
    const run = compileAndRun(content);
    assert.deepEqual(run.parents, ['e5', 'f6']);
    assert.ok(run.up.includes('CREATE INDEX CONCURRENTLY idx_workers_planner_id_task_status ON workers (planner_id, task_status)'));
  });

  it('trigram: pg_trgm first, then a gin index with gin_trgm_ops, schema-qualified tables', () => {
    const plan = planIndexMigration(alembicSet(['a1']), { ...trigram, table: 'app.workers' }, 'postgres', now, { revisionId: fixedId });
    const { up, down } = compileAndRun(plan.files[0].content);
    assert.deepEqual(up, [
      'BEGIN',
      'CREATE EXTENSION IF NOT EXISTS pg_trgm',
      'COMMIT',
      'CREATE INDEX CONCURRENTLY idx_workers_name_trgm ON app.workers USING gin (name gin_trgm_ops)',
      'BEGIN',
      'COMMIT',
    ]);
    assert.deepEqual(down, ['BEGIN', 'COMMIT', 'DROP INDEX CONCURRENTLY app.idx_workers_name_trgm', 'BEGIN', 'COMMIT']);
  });

  it('an empty versions folder: down_revision = None', () => {
    const plan = planIndexMigration(alembicSet([]), seed, 'postgres', now, { revisionId: fixedId });
    assert.match(plan.files[0].content, /\nRevises: \nCreate Date/);
    assert.deepEqual(compileAndRun(plan.files[0].content).parents, []);
  });

  it('default ids: 12 hex digits, the same for the same request, never an existing revision', () => {
    const a = path.basename(planIndexMigration(alembicSet(['a1']), seed, 'postgres', now).open);
    assert.match(a, /^[0-9a-f]{12}_add_index_workers_planner_id_task_status\.py$/);
    assert.equal(path.basename(planIndexMigration(alembicSet(['a1']), seed, 'postgres', now).open), a);
    const taken = a.slice(0, 12);
    const again = planIndexMigration({ ...alembicSet(['a1']), migrations: [...alembicSet(['a1']).migrations, { version: taken, description: 'x', upFile: '/x.py' }] }, seed, 'postgres', now);
    assert.notEqual(path.basename(again.open).slice(0, 12), taken);
  });

  it('heads without set.heads: revisions nobody revises', () => {
    const set: MigrationSet = { tool: 'alembic', dir, migrations: [{ version: 'a', description: '', upFile: '/a.py', parents: [] }, { version: 'b', description: '', upFile: '/b.py', parents: ['a'] }] };
    assert.deepEqual(headsOf(set), ['b']);
  });

  it('round trip: the new revision is detected last, as the only head', () => {
    const { root, paths } = makeWorkspace({
      'alembic/env.py': '',
      'alembic/versions/a1_init.py': revisionFile('a1', null),
      'alembic/versions/b2_one.py': revisionFile('b2', 'a1'),
      'alembic/versions/c3_two.py': revisionFile('c3', 'a1'),
    });
    try {
      const [before] = detectMigrations(root, paths, undefined, revisionOfText);
      assert.deepEqual(before.heads, ['b2', 'c3']);
      const plan = planIndexMigration(before, seed, 'postgres', now);
      for (const f of plan.files) fs.writeFileSync(f.file, f.content);
      const [after] = detectMigrations(root, [...paths, plan.open], undefined, revisionOfText);
      const rev = path.basename(plan.open).slice(0, 12);
      assert.deepEqual(after.heads, [rev]);
      assert.equal(after.migrations[after.migrations.length - 1].upFile, plan.open);
      assert.deepEqual(after.migrations[after.migrations.length - 1].parents, ['b2', 'c3']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
