/**
 * Nothing the lenses run over an ORM write changes the user's data: the built
 * language server on a copy of examples/drizzle-agents (plus a file of deletes,
 * one of them unfiltered), connected to the real PostgreSQL server in a schema
 * of its own built from the example's drizzle-kit migration and filled with
 * rows; Explain Analyze, Benchmark and an index proof over each write, then
 * every table's rows (a digest of them), its indexes and the count are those
 * of before.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { CodeLens } from 'vscode-languageserver/node';
import type { ResolvedConnection } from '../../shared/connections';
import type { ExplainResult, IndexProof } from '../../shared/explain';
import { BenchmarkRequest, ExplainRequest, ProveIndexRequest, type BenchmarkSummary } from '../../shared/protocol';
import { PG_URL } from '../unit/db/fixtures';
import { REPO, serverPerTest, TestClient } from './client';

const CLEANUP = `/** Deletes the planner's workers; empties the documents. */
import { eq } from 'drizzle-orm';
import { db } from './db';
import { documents, workers } from './schema';

export async function dropPlanner(plannerId: number): Promise<void> {
  await db.delete(workers).where(eq(workers.plannerId, plannerId));
}

export async function resetDocuments(): Promise<void> {
  await db.delete(documents);
}
`;

/** Each write: file, the line of its lenses, the SQL, values for its parameters, and an index to prove under it. */
const WRITES: { file: string; line: number; sql: string; values: (string | number)[]; index: { table: string; columns: string[] } }[] = [
  { file: 'src/taskManager.ts', line: 34, sql: 'UPDATE workers SET task_status = $1, updated_at = $2 WHERE workers.worker_id = ANY($3)', values: ['completed', '2026-01-01T00:00:00Z', '{1,2,3,4,5}'], index: { table: 'workers', columns: ['task_status', 'planner_id'] } },
  { file: 'src/reports.ts', line: 29, sql: 'INSERT INTO documents (id, agent_id, title, body) VALUES (DEFAULT, $1, $2, $3)', values: [1, 'a title', 'a body'], index: { table: 'documents', columns: ['title'] } },
  { file: 'src/cleanup.ts', line: 6, sql: 'DELETE FROM workers WHERE workers.planner_id = $1', values: [3], index: { table: 'workers', columns: ['planner_id', 'worker_id'] } },
  { file: 'src/cleanup.ts', line: 10, sql: 'DELETE FROM documents', values: [], index: { table: 'documents', columns: ['body'] } },
];

const TABLES = ['agents', 'documents', 'tasks', 'workers'];

describe('language server: ORM writes on PostgreSQL leave the data as it was', function () {
  this.timeout(240_000);
  const state = serverPerTest();
  let admin: Client | undefined;
  const schema = `ormwrites_lens_${process.pid}_${Date.now()}`;

  before(async function () {
    admin = new Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch {
      admin = undefined;
      this.skip();
    }
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`SET search_path TO ${schema}`);
    const migration = readFileSync(join(REPO, 'examples/drizzle-agents/drizzle/0000_init.sql'), 'utf8');
    for (const statement of migration.split('--> statement-breakpoint')) await admin.query(statement.replaceAll('"public".', ''));
    await admin.query(`INSERT INTO agents (tenant_id, name) SELECT g % 10, 'agent ' || g FROM generate_series(1, 50) g`);
    await admin.query(`INSERT INTO documents (agent_id, title, body) SELECT 1 + g % 50, 'doc ' || g, 'body ' || g FROM generate_series(1, 2000) g`);
    await admin.query(`INSERT INTO tasks (agent_id, title) SELECT 1 + g % 50, 'task ' || g FROM generate_series(1, 500) g`);
    await admin.query(`INSERT INTO workers (planner_id, task_status) SELECT g % 20, (ARRAY['pending','running','done'])[1 + g % 3] FROM generate_series(1, 3000) g`);
    await admin.query('ANALYZE');
  });

  after(async () => {
    if (!admin) return;
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  /** Every table's row count and a digest of its rows in key order, and the schema's indexes. */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of TABLES) {
      const { rows } = await admin!.query(`SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${schema}.${table} t`);
      out[table] = `${rows[0].n} ${rows[0].digest}`;
    }
    const { rows } = await admin!.query('SELECT string_agg(indexname, \',\' ORDER BY indexname) AS names FROM pg_indexes WHERE schemaname = $1', [schema]);
    out.indexes = rows[0].names;
    return out;
  }

  it('runs Explain, Explain Analyze, Benchmark and an index proof over each write, and every row is as before', async function () {
    const root = mkdtempSync(join(tmpdir(), 'querylens-ormwrites-'));
    cpSync(join(REPO, 'examples/drizzle-agents'), root, { recursive: true });
    writeFileSync(join(root, 'src/cleanup.ts'), CLEANUP);
    const client = (state.client = await TestClient.start(root));
    const connection: ResolvedConnection = { name: 'local', driver: 'postgres', url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    const before = await snapshot();
    assert.equal(before.workers!.split(' ')[0], '3000');
    for (const write of WRITES) {
      const uri = await client.open(join(root, write.file), readFileSync(join(root, write.file), 'utf8'), 'typescript');
      const lenses = await client.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      const over = lenses.filter((l) => l.range.start.line === write.line).map((l) => l.command?.title);
      assert.deepEqual(over, ['Explain', 'Explain Analyze', 'Benchmark'], `${write.file}:${write.line}`);
      const position = lenses.find((l) => l.range.start.line === write.line)!.range.start;
      const at = { uri, position, connection };
      const plain = await client.sendRequest<ExplainResult>(ExplainRequest.method, { ...at, analyze: false });
      assert.deepEqual([plain.sql, plain.analyzed, plain.rolledBack], [write.sql, false, true]);
      const analyzed = await client.sendRequest<ExplainResult>(ExplainRequest.method, { ...at, analyze: true, params: write.values });
      assert.deepEqual([analyzed.sql, analyzed.analyzed, analyzed.rolledBack], [write.sql, true, true]);
      const top = (analyzed.pgPlan as { Plan: Record<string, unknown> }[])[0]!.Plan;
      assert.equal(top['Node Type'], 'ModifyTable', 'the write really ran');
      const bench = await client.sendRequest<BenchmarkSummary>(BenchmarkRequest.method, { ...at, params: write.values, iterations: 3, warmup: 1 });
      assert.deepEqual([bench.sql, bench.iterations, bench.errors, bench.rolledBack], [write.sql, 3, 0, true]);
      const proof = await client.sendRequest<IndexProof>(ProveIndexRequest.method, { ...at, params: write.values, index: write.index });
      // With HypoPG (the test server has it) a hypothetical index and plain EXPLAIN; without, a real one, rolled back.
      assert.equal(proof.sql, write.sql);
      assert.deepEqual(await snapshot(), before, `after the lenses over ${write.sql}`);
    }
  });
});
