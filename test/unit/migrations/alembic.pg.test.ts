/**
 * Generated Alembic revisions run by real Alembic (`python3 -m alembic`,
 * Debian's python3-alembic with SQLAlchemy and psycopg2) against the
 * PostgreSQL server, in a database of its own: a fixture project whose first
 * revision creates a table (with a redundant index), then every kind of
 * revision QueryLens writes, planned in one run so they chain: a B-tree index,
 * a trigram index (extension, then the index in an autocommit block), and the
 * drop of the redundant index. `alembic heads` shows one head; `upgrade head`
 * builds valid indexes; `downgrade` takes each back.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import type { MigrationChange } from '../../../shared/types';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { planMigrations } from '../../../server/src/core/migrations/writer';
import { ownDatabase, type OwnDatabase } from '../db/fixtures';
import { alembicProject } from './alembic-cli';

const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));

const BASE = `from alembic import op
import sqlalchemy as sa

revision = 'b0'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('Worker', sa.Column('id', sa.Integer, primary_key=True), sa.Column('plannerId', sa.Integer, nullable=False), sa.Column('name', sa.Text))
    op.execute('INSERT INTO "Worker" ("plannerId", name) SELECT g % 10, \\'worker \\' || g FROM generate_series(1, 100) g')
    op.create_index('worker_planner', 'Worker', ['plannerId', 'name'])
    op.create_index('worker_planner_only', 'Worker', ['plannerId'])


def downgrade():
    op.drop_table('Worker')
`;

describe('generated Alembic revisions, run by real Alembic on PostgreSQL', function () {
  this.timeout(120_000);
  const project = alembicProject();
  let own: OwnDatabase | undefined;
  /** The database's URL as SQLAlchemy spells the scheme. */
  let url = '';
  let db: Client | undefined;

  before(async function () {
    own = await ownDatabase('querylens_alembic');
    if (!own) return this.skip();
    url = own.url.replace(/^postgres:/, 'postgresql:');
    db = new Client({ connectionString: own.url });
    await db.connect();
  });

  after(async () => {
    await db?.end();
    await own?.drop().catch(() => undefined);
    project.remove();
  });

  async function indexes(): Promise<string[]> {
    const r = await db!.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'Worker' ORDER BY indexname`);
    return r.rows.map((row) => row.indexname as string);
  }

  it('several fixes of one run chain to one head; upgrade builds valid indexes, downgrade takes them back', async () => {
    fs.writeFileSync(path.join(project.versions, 'b0_base.py'), BASE);
    const set: MigrationSet = { tool: 'alembic', dir: project.versions, migrations: [{ version: 'b0', description: 'base', upFile: path.join(project.versions, 'b0_base.py'), parents: [] }], heads: ['b0'] };
    const changes: MigrationChange[] = [
      { kind: 'createIndex', index: { name: 'idx_worker_plannerid_name', table: 'Worker', keys: [{ column: 'name' }, { column: 'plannerId' }] } },
      { kind: 'createIndex', index: { name: 'idx_worker_name_trgm', table: 'Worker', keys: [{ column: 'name', opclass: 'gin_trgm_ops' }], method: 'gin' } },
      { kind: 'dropIndex', index: { name: 'worker_planner_only', table: 'Worker', keys: [{ column: 'plannerId' }] } },
    ];
    const plans = planMigrations(set, changes, 'postgres', now);
    for (const plan of plans) for (const f of plan.files) fs.writeFileSync(f.file, f.content);
    const revisions = plans.map((p) => path.basename(p.open).slice(0, 12));
    assert.equal(new Set(revisions).size, 3);

    const heads = project.run(['heads'], url).trim();
    assert.equal(heads, `${revisions[2]} (head)`);

    project.run(['upgrade', 'b0'], url);
    assert.deepEqual(await indexes(), ['Worker_pkey', 'worker_planner', 'worker_planner_only']);
    project.run(['upgrade', 'head'], url);
    assert.deepEqual(await indexes(), ['Worker_pkey', 'idx_worker_name_trgm', 'idx_worker_plannerid_name', 'worker_planner']);
    const invalid = await db!.query(`SELECT count(*)::int AS n FROM pg_index WHERE indrelid = '"Worker"'::regclass AND NOT indisvalid`);
    assert.equal(invalid.rows[0].n, 0);
    const version = await db!.query('SELECT version_num FROM alembic_version');
    assert.deepEqual(version.rows, [{ version_num: revisions[2] }]);

    project.run(['downgrade', revisions[1]], url);
    assert.deepEqual(await indexes(), ['Worker_pkey', 'idx_worker_name_trgm', 'idx_worker_plannerid_name', 'worker_planner', 'worker_planner_only']);
    project.run(['downgrade', 'b0'], url);
    assert.deepEqual(await indexes(), ['Worker_pkey', 'worker_planner', 'worker_planner_only']);
  });

  it('the same CREATE INDEX CONCURRENTLY inside a transaction fails: why the autocommit block', async () => {
    await db!.query('BEGIN');
    await assert.rejects(db!.query('CREATE INDEX CONCURRENTLY idx_probe ON "Worker" ("plannerId")'), /cannot run inside a transaction block/);
    await db!.query('ROLLBACK');
  });
});
