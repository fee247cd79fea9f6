/**
 * Applies generated migrations on a real PostgreSQL server, the way each tool
 * would: every file is sent as one simple query (as sqlx, golang-migrate and
 * psql -f do), Prisma's inside BEGIN/COMMIT. Up, check the index, down, check
 * it is gone. Skipped when no server answers.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { planIndexMigration } from '../../../server/src/core/migrations/writer';
import type { IndexSuggestion } from '../../../server/src/core/rules/types';
import { useTestSchema } from './pg';

const dir = path.resolve('/ws/migrations');
const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));

const layouts: { tool: MigrationSet['tool']; existing: [string, string?][] }[] = [
  { tool: 'sqlx', existing: [['20240101120000_init.sql']] },
  { tool: 'sqlx', existing: [['20240101120000_init.up.sql', '20240101120000_init.down.sql']] },
  { tool: 'golang-migrate', existing: [['000001_init.up.sql', '000001_init.down.sql']] },
  { tool: 'flyway', existing: [['V1__init.sql', 'U1__init.sql']] },
  { tool: 'plain', existing: [['001_init.sql']] },
  { tool: 'prisma', existing: [['20240101000000_init/migration.sql']] },
];

describe('generated migrations on PostgreSQL', function () {
  const { client, indexes, isValid } = useTestSchema();

  async function run(tool: MigrationSet['tool'], sql: string): Promise<void> {
    if (tool === 'prisma') {
      await client.query('BEGIN');
      await client.query(sql);
      await client.query('COMMIT');
    } else {
      await client.query(sql); // one simple query per file, like the tools
    }
  }

  const cases: [MigrationSet['tool'], [string, string?][], IndexSuggestion, string][] = [];
  for (const { tool, existing } of layouts) {
    cases.push([tool, existing, { table: 'workers', columns: ['planner_id', 'task_status'] }, 'idx_workers_planner_id_task_status']);
  }
  cases.push(['golang-migrate', [['1_init.up.sql']], { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' }, 'idx_workers_name_trgm']);
  cases.push(['sqlx', [['20240101120000_init.sql']], { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' }, 'idx_workers_name_trgm']);

  for (const [tool, existing, suggestion, name] of cases) {
    const label = `${tool} (${existing[0][0]}) ${suggestion.columns.join(', ')}`;
    it(`${label}: up creates the index, down removes it`, async () => {
      const set: MigrationSet = {
        tool,
        dir,
        migrations: existing.map(([up, down]) => ({
          version: /^[VU]?(\d+)/.exec(up)![1],
          description: 'init',
          upFile: path.join(dir, up),
          ...(down ? { downFile: path.join(dir, down) } : {}),
        })),
      };
      const plan = planIndexMigration(set, suggestion, 'postgres', now);
      const isDown = (f: string) => /\.down\.sql$/.test(f) || /^U\d/.test(path.basename(f));
      const ups = plan.files.filter((f) => !isDown(f.file));
      const downs = plan.files.filter((f) => isDown(f.file)).reverse();
      for (const f of ups) await run(tool, f.content);
      assert.deepEqual(await indexes(), [name, 'workers_pkey'].sort());
      assert.equal(await isValid(name), true);
      if (downs.length === 0) {
        // Tools without down migrations (plain, single-file sqlx, Prisma, Flyway without undo): clean up by hand.
        await client.query(`DROP INDEX ${name}`);
      }
      for (const f of downs) await run(tool, f.content);
      assert.deepEqual(await indexes(), ['workers_pkey']);
    });
  }

  it('a CONCURRENTLY index next to another statement in one query fails, which is why files hold it alone', async () => {
    await assert.rejects(
      client.query('SELECT 1; CREATE INDEX CONCURRENTLY idx_probe ON workers (planner_id);'),
      /cannot run inside a transaction block|pipeline/,
    );
  });
});
