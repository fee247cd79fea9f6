/**
 * Applies generated migrations on a real PostgreSQL server, the way each tool
 * would: each file is sent as one (multi-statement) simple query, as
 * golang-migrate, Prisma and psql -f do; sqlx wraps it in BEGIN/COMMIT unless
 * its first line is `-- no-transaction`; Flyway unless the script's
 * `.sql.conf` says `executeInTransaction=false`. Up, check the index, down,
 * check it is gone. Skipped when no server answers.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { planIndexMigration, planMigrations } from '../../../server/src/core/migrations/writer';
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

  async function run(tool: MigrationSet['tool'], file: { file: string; content: string }, all: { file: string; content: string }[]): Promise<void> {
    const sql = file.content;
    const conf = all.find((f) => f.file === `${file.file}.conf`)?.content ?? '';
    const wrapped = (tool === 'sqlx' && !sql.startsWith('-- no-transaction')) || (tool === 'flyway' && !/executeInTransaction=false/.test(conf));
    if (!wrapped) return void (await client.query(sql)); // one simple query per file, like the tools
    await client.query('BEGIN');
    try {
      await client.query(sql);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  const cases: [MigrationSet['tool'], [string, string?][], IndexSuggestion, string][] = [];
  for (const { tool, existing } of layouts) {
    cases.push([tool, existing, { table: 'workers', columns: ['planner_id', 'task_status'] }, 'idx_workers_planner_id_task_status']);
  }
  cases.push(['golang-migrate', [['1_init.up.sql']], { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' }, 'idx_workers_name_trgm']);
  cases.push(['sqlx', [['20240101120000_init.sql']], { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' }, 'idx_workers_name_trgm']);
  cases.push(['prisma', [['20240101000000_init/migration.sql']], { table: 'workers', columns: ['name'], method: 'gin', opclass: 'gin_trgm_ops' }, 'idx_workers_name_trgm']);

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
      const scripts = plan.files.filter((f) => f.file.endsWith('.sql'));
      const ups = scripts.filter((f) => !isDown(f.file));
      const downs = scripts.filter((f) => isDown(f.file)).reverse();
      for (const f of ups) await run(tool, f, plan.files);
      assert.deepEqual(await indexes(), [name, 'workers_pkey'].sort());
      assert.equal(await isValid(name), true);
      if (downs.length === 0) {
        // Tools without down migrations (plain, single-file sqlx, Prisma, Flyway without undo): clean up by hand.
        await client.query(`DROP INDEX ${name}`);
      }
      for (const f of downs) await run(tool, f, plan.files);
      assert.deepEqual(await indexes(), ['workers_pkey']);
    });
  }

  it('sqlx without -- no-transaction, or a Flyway script without its .sql.conf, fails: why the header and the conf', async () => {
    const set: MigrationSet = { tool: 'sqlx', dir, migrations: [{ version: '20240101120000', description: 'init', upFile: path.join(dir, '20240101120000_init.sql') }] };
    const [file] = planIndexMigration(set, { table: 'workers', columns: ['planner_id'] }, 'postgres', now).files;
    const headless = { ...file, content: file.content.replace('-- no-transaction\n', '') };
    await assert.rejects(run('sqlx', headless, [headless]), /cannot run inside a transaction block/);
    await assert.rejects(run('flyway', headless, [headless]), /cannot run inside a transaction block/);
    assert.deepEqual(await indexes(), ['workers_pkey']);
  });

  it('a table and columns spelled in CamelCase, and a column named with a newline, are written as PostgreSQL reads them', async () => {
    await client.query('CREATE TABLE "ApiToken" (id int PRIMARY KEY, "userId" int, "x\nDROP TABLE workers; --" int)');
    const set: MigrationSet = { tool: 'golang-migrate', dir, migrations: [{ version: '1', description: 'init', upFile: path.join(dir, '1_init.up.sql') }] };
    const camel = planMigrations(set, [{ kind: 'createIndex', index: { name: 'idx_apitoken_userid', table: 'ApiToken', keys: [{ column: 'userId' }] } }], 'postgres', now)[0];
    const evil = planMigrations(set, [{ kind: 'createIndex', index: { name: 'idx_apitoken_x', table: 'ApiToken', keys: [{ column: 'x\nDROP TABLE workers; --' }] } }], 'postgres', now)[0];
    for (const plan of [camel, evil]) await run('golang-migrate', plan.files[0], plan.files);
    const r = await client.query(`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'ApiToken' ORDER BY indexname`);
    assert.deepEqual(r.rows.map((row) => row.indexname), ['ApiToken_pkey', 'idx_apitoken_userid', 'idx_apitoken_x']);
    assert.deepEqual(await indexes(), ['workers_pkey'], 'workers is still there');
    await client.query('DROP TABLE "ApiToken"');
  });

  it('a CONCURRENTLY index next to another statement in one query fails, which is why files hold it alone', async () => {
    await assert.rejects(
      client.query('SELECT 1; CREATE INDEX CONCURRENTLY idx_probe ON workers (planner_id);'),
      /cannot run inside a transaction block|pipeline/,
    );
  });
});
