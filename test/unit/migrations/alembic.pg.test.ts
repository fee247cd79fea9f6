/**
 * Generated Alembic revisions against a real PostgreSQL server. Alembic and
 * SQLAlchemy cannot be installed on this machine (no PyPI), so `alembic
 * upgrade` itself cannot run: the revision's upgrade()/downgrade() run under
 * python3 with a stub `alembic` (alembic-stub/) that records the statements
 * SQLAlchemy's PostgreSQL dialect would emit, and this test applies them the
 * way Alembic does: statements outside `autocommit_block()` in the migration's
 * transaction, those inside it on their own, outside any transaction.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { planIndexMigration } from '../../../server/src/core/migrations/writer';
import type { IndexSuggestion } from '../../../server/src/core/rules/types';
import { runRevision } from './alembic-stub/run';
import { useTestSchema } from './pg';

const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));

describe('generated Alembic revisions on PostgreSQL', function () {
  const { client, indexes, isValid } = useTestSchema();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-alembic-pg-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function apply(statements: [string, boolean][]): Promise<void> {
    let inTransaction = false;
    for (const [sql, autocommit] of statements) {
      if (autocommit && inTransaction) await client.query('COMMIT'); // what autocommit_block() does first
      if (!autocommit && !inTransaction) await client.query('BEGIN');
      inTransaction = !autocommit;
      await client.query(sql);
    }
    if (inTransaction) await client.query('COMMIT');
  }

  const cases: [IndexSuggestion, string][] = [
    [{ table: 'workers', columns: ['planner_id', 'task_status'] }, 'idx_workers_planner_id_task_status'],
    [{ table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' }, 'idx_workers_name_trgm'],
  ];
  for (const [suggestion, name] of cases) {
    it(`${suggestion.columns.join(', ')}: upgrade creates a valid index, downgrade removes it`, async () => {
      const set: MigrationSet = { tool: 'alembic', dir: tmp, migrations: [{ version: 'a1', description: 'init', upFile: path.join(tmp, 'a1_init.py'), parents: [] }], heads: ['a1'] };
      const plan = planIndexMigration(set, suggestion, 'postgres', now);
      fs.writeFileSync(plan.open, plan.files[0].content);
      await apply(runRevision(plan.open, 'upgrade').statements);
      assert.deepEqual(await indexes(), [name, 'workers_pkey'].sort());
      assert.equal(await isValid(name), true);
      await apply(runRevision(plan.open, 'downgrade').statements);
      assert.deepEqual(await indexes(), ['workers_pkey']);
    });
  }

  it('the same CREATE INDEX CONCURRENTLY inside the migration transaction fails: why the autocommit block', async () => {
    await client.query('BEGIN');
    await assert.rejects(client.query('CREATE INDEX CONCURRENTLY idx_probe ON workers (planner_id)'), /cannot run inside a transaction block/);
    await client.query('ROLLBACK');
  });
});
