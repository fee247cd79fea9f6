/**
 * The review dashboard's requests through the built language server (issue 5),
 * on a database of its own on the real PostgreSQL server: the fixture's
 * golang-migrate migrations pending, applied (with golang-migrate's own
 * tracking row), reverted; the pool with the server's connections; index
 * health; a full benchmark saved to .querylens/benchmarks and listed; the
 * review report in Markdown; server settings for the connection's `ram` with
 * max_connections against the workspace's pool, and table health.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { ResolvedConnection } from '../../shared/connections';
import type { BenchmarkRun, IndexHealthReport, MigrationActionResult, MigrationsReport, PoolReport, SettingsReport, TableHealthReport } from '../../shared/dashboard';
import {
  BenchmarkListRequest,
  BenchmarkRunRequest,
  IndexHealthRequest,
  MigrationActionRequest,
  MigrationsRequest,
  PoolRequest,
  ReportRequest,
  SettingsRequest,
  TableHealthRequest,
} from '../../shared/protocol';
import { buildServerOnce, copyFixture, reportFailure, TestClient } from './client';

const ADMIN_URL = process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const QUERIES = "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending';\n";

describe('language server: review dashboard on PostgreSQL', function () {
  this.timeout(120_000);
  const database = `querylens_dash_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  let client: TestClient;
  let root: string;
  let uri: string;
  let connection: ResolvedConnection;

  before(async function () {
    buildServerOnce();
    try {
      await admin.connect();
    } catch {
      this.skip();
    }
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    connection = { name: 'review-db', driver: 'postgres', url: url.toString() };
    root = copyFixture('lsp-workspace');
    client = await TestClient.start(root);
    uri = await client.open(join(root, 'queries.sql'), QUERIES);
  });

  after(async function () {
    if (this.currentTest) reportFailure(this.currentTest.ctx!, client);
    await client?.dispose();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  });

  const request = <R>(method: string, params: object = {}) => client.sendRequest<R>(method, { connection, ...params });

  it('lists the golang-migrate migrations as pending, applies them with the tool\'s tracking row, and reverts the last', async function () {
    const before = await request<MigrationsReport>(MigrationsRequest.method);
    assert.equal(before.connection, 'review-db');
    assert.equal(before.sets.length, 1);
    const [set] = before.sets;
    assert.equal(set!.tool, 'golang-migrate');
    assert.equal(set!.trackingTable, 'schema_migrations');
    assert.equal(set!.trackingTableFound, false);
    assert.deepEqual(set!.rows.map((r) => [r.version, r.status]), [['000001', 'pending']]);

    const applied = await request<MigrationActionResult>(MigrationActionRequest.method, { dir: set!.dir, action: 'apply' });
    assert.deepEqual(applied.versions, ['000001']);
    const check = new Client({ connectionString: connection.url });
    await check.connect();
    try {
      assert.deepEqual((await check.query('SELECT version, dirty FROM schema_migrations')).rows, [{ version: '1', dirty: false }]);
      const after = await request<MigrationsReport>(MigrationsRequest.method);
      assert.deepEqual(after.sets[0]!.rows.map((r) => r.status), ['applied']);

      // The pool: this test's own connection and QueryLens's pool are among the server's sessions,
      // next to the pool the workspace's code configures.
      await client.open(join(root, 'app_db.py'), 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://app@db/app", pool_size=20, max_overflow=10)\n');
      const pool = await request<PoolReport>(PoolRequest.method);
      assert.ok(pool.postgres, 'a PostgreSQL pool report');
      assert.ok(pool.postgres.maxConnections >= pool.postgres.total && pool.postgres.total >= 1);
      assert.equal(pool.postgres.utilisation, pool.postgres.total / pool.postgres.maxConnections);
      assert.ok(pool.ourPool && pool.ourPool.totalCount >= 1);
      assert.deepEqual(pool.configured, [
        { file: 'app_db.py', line: 3, library: 'sqlalchemy', name: 'create_engine', dialect: 'postgres', size: 20, overflow: 10, defaults: [], settings: {} },
      ]);

      // Index health: the fixture's planner_id index is unused (nothing has read it yet).
      const health = await request<IndexHealthReport>(IndexHealthRequest.method);
      assert.ok(health.items.some((i) => i.kind === 'unused-index' && i.index === 'workers_planner_id_idx'), JSON.stringify(health.items));

      const reverted = await request<MigrationActionResult>(MigrationActionRequest.method, { dir: set!.dir, action: 'revert' });
      assert.deepEqual(reverted.versions, ['000001']);
      assert.equal((await check.query("SELECT to_regclass('workers') AS t")).rows[0].t, null, 'the down file ran');
    } finally {
      await check.end();
    }
  });

  it('runs a full benchmark, saves it in .querylens/benchmarks, lists it, and writes the review report', async function () {
    await request(MigrationActionRequest.method, { dir: join(root, 'migrations'), action: 'apply' });
    const run = await request<BenchmarkRun>(BenchmarkRunRequest.method, { uri, position: { line: 0, character: 0 }, analyze: true, params: [1], iterations: 40, warmup: 3, concurrency: 2 });
    assert.equal(run.iterations, 40);
    assert.equal(run.concurrency, 2);
    assert.deepEqual(run.source, { file: 'queries.sql', line: 1 });
    assert.equal(run.stats.errors, 0);
    const saved = readdirSync(join(root, '.querylens', 'benchmarks'));
    assert.deepEqual(saved, [`${run.id}.json`]);
    const listed = await client.sendRequest<BenchmarkRun[]>(BenchmarkListRequest.method, {});
    assert.deepEqual(listed.map((r) => r.id), [run.id]);

    const { markdown } = await request<{ markdown: string }>(ReportRequest.method);
    const headings = markdown.split('\n').filter((l) => /^## /.test(l));
    assert.deepEqual(headings, ['## Findings by rule', '## Migrations', '## Connections', '## Benchmarks', '## Index health']);
    assert.match(markdown, /missing-composite-index/);
    assert.ok(existsSync(join(root, '.querylens', 'benchmarks', `${run.id}.json`)));
  });

  it('reads server settings for the connection\'s RAM against the pool in the code, and table health', async function () {
    const reserved = Number((await admin.query('SHOW superuser_reserved_connections')).rows[0].superuser_reserved_connections);
    const settings = await request<SettingsReport>(SettingsRequest.method, { connection: { ...connection, ram: '16GB' } });
    assert.deepEqual(settings.ram, { bytes: 16 * 1024 ** 3, source: 'the connection\'s "ram" setting' });
    assert.deepEqual(settings.rows.map((r) => r.advised), ['4GB', '12GB', '128MB', '1GB', `>= ${30 + reserved}`, '128MB', '2', 'try']);
    const tables = await request<TableHealthReport>(TableHealthRequest.method);
    assert.deepEqual(tables.tables.map((t) => t.table).sort(), ['planners', 'schema_migrations', 'workers']);
    assert.deepEqual(tables.thresholds, { retentionBytes: 100 * 1024 * 1024, slowMs: 50 });
  });
});
