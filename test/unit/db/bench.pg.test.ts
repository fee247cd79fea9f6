// The benchmark engine on the real PostgreSQL server (a schema per run, dropped after):
// statistics of known latencies, errors counted, concurrency really parallel, writes rolled
// back, and the engine's own overhead against a plain driver loop and a raw pg Client.
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { engineOverhead, runBenchmark } from '../../../server/src/db/bench';
import { dropPgFixture, pgFixture, type PgFixture } from './fixtures';

describe('benchmark engine on PostgreSQL', function () {
  this.timeout(120_000);
  let f: PgFixture | undefined;

  before(async function () {
    f = await pgFixture(2_000);
    if (!f) this.skip();
  });
  after(() => dropPgFixture(f));

  const base = { params: [], warmup: 2, concurrency: 1, timeoutMs: 30_000 };

  it('measures known latencies: pg_sleep(5 ms) gives p50 >= 5 ms, a histogram and a timeline', async () => {
    const run = await runBenchmark(f!.driver, { ...base, sql: 'SELECT pg_sleep(0.005)', iterations: 40 });
    assert.equal(run.iterations, 40);
    assert.equal(run.stats.errors, 0);
    assert.equal(run.rolledBack, false);
    assert.ok(run.stats.p50Ms >= 5, `p50 ${run.stats.p50Ms}`);
    assert.ok(run.stats.minMs >= 5 && run.stats.minMs <= run.stats.p50Ms && run.stats.p50Ms <= run.stats.p95Ms);
    assert.ok(run.stats.p95Ms <= run.stats.p99Ms && run.stats.p99Ms <= run.stats.maxMs);
    // 40 sequential iterations of >= 5 ms: at most 200 per second.
    assert.ok(run.stats.opsPerSec > 0 && run.stats.opsPerSec <= 200, `ops/s ${run.stats.opsPerSec}`);
    assert.equal(run.histogram.counts.reduce((a, b) => a + b, 0), 40);
    assert.ok(run.histogram.bucketsMs[0]! >= 5, `first bucket ${run.histogram.bucketsMs[0]}`);
    assert.equal(run.timeline.length, 40);
    assert.ok(run.timeline.every(([, ms], i) => ms >= 5 && (i === 0 || run.timeline[i - 1]![0] <= run.timeline[i]![0])));
  });

  it('samples the timeline to at most 300 points', async () => {
    const run = await runBenchmark(f!.driver, { ...base, sql: 'SELECT 1', iterations: 1_000 });
    assert.equal(run.stats.errors, 0);
    assert.ok(run.timeline.length <= 300 && run.timeline.length >= 250, `${run.timeline.length} points`);
  });

  it('counts the statements the database rejects and goes on', async () => {
    // A session setting counts the iterations inside the lane's read-only transaction; the
    // third one divides by zero, and the rollback after the error resets the count: 1 in 3 fails.
    const sql = `SELECT 1 / (set_config('ql.n', (coalesce(nullif(current_setting('ql.n', true), ''), '0')::int + 1)::text, false)::int % 3)`;
    const run = await runBenchmark(f!.driver, { ...base, warmup: 0, sql, iterations: 30 });
    assert.equal(run.stats.errors, 10);
    assert.equal(run.histogram.counts.reduce((a, b) => a + b, 0), 20);
    assert.match(run.firstError ?? '', /division by zero/);
  });

  it('runs C sessions in parallel: all visible in pg_stat_activity, wall time a third of sequential', async () => {
    // A literal marks the statement (the SQL core drops comments).
    const sql = "SELECT pg_sleep(0.1), 'querylens-bench-parallel'";
    const seen = new Set<number>();
    let done = false;
    const running = runBenchmark(f!.driver, { ...base, warmup: 0, sql, iterations: 9, concurrency: 3 }).finally(() => (done = true));
    // Watch the server while the run goes: the three backends run the statement at the same time.
    while (!done && seen.size < 3) {
      const r = await f!.admin.query(`SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%querylens-bench-parallel%' AND pid <> pg_backend_pid()`);
      if (r.rows.length === 3) r.rows.forEach((row: { pid: number }) => seen.add(row.pid));
    }
    const run = await running;
    assert.equal(seen.size, 3, 'three sessions active at once');
    assert.equal(run.concurrency, 3);
    assert.equal(run.notes, undefined);
    // 9 x 100 ms sequentially is 900 ms; over three sessions about 300 ms.
    assert.ok(run.wallMs! < 700, `wall ${run.wallMs} ms`);
    assert.ok(run.stats.opsPerSec > 12, `ops/s ${run.stats.opsPerSec}`);
  });

  it('clamps the concurrency to the pool and says so', async () => {
    const run = await runBenchmark(f!.driver, { ...base, sql: 'SELECT 1', iterations: 20, concurrency: 50 });
    const max = f!.driver.maxSessions!;
    assert.equal(run.concurrency, max);
    assert.deepEqual(run.notes, [`concurrency 50 asked, ${max} used: the connection's pool holds ${max} sessions`]);
  });

  it('rolls every write back, at concurrency 2', async () => {
    const before = Number((await f!.admin.query('SELECT count(*) AS n FROM workers')).rows[0].n);
    const run = await runBenchmark(f!.driver, { ...base, sql: 'DELETE FROM workers WHERE planner_id = $1', params: [7], iterations: 20, concurrency: 2 });
    assert.equal(run.rolledBack, true);
    assert.equal(run.stats.errors, 0);
    assert.equal(Number((await f!.admin.query('SELECT count(*) AS n FROM workers')).rows[0].n), before);
  });

  it('refuses a write on a read-only connection and DDL anywhere', async () => {
    await assert.rejects(runBenchmark(f!.driver, { ...base, sql: 'DELETE FROM workers', iterations: 5, readOnlyConnection: true }), /read-only/);
    await assert.rejects(runBenchmark(f!.driver, { ...base, sql: 'DROP TABLE workers', iterations: 5 }), { name: 'DbError', kind: 'refused' });
  });

  it('stops at a timeout with the DbError', async () => {
    await assert.rejects(runBenchmark(f!.driver, { ...base, sql: 'SELECT pg_sleep(2)', iterations: 3, timeoutMs: 200 }), { name: 'DbError', kind: 'timeout' });
  });

  it('cancels on the server when the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const running = runBenchmark(f!.driver, { ...base, sql: 'SELECT pg_sleep(5)', iterations: 2, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(running, { name: 'DbError', kind: 'cancelled' });
    assert.ok(performance.now() - started < 4_000);
  });

  it('measures its own overhead against a plain session loop and a raw pg Client (numbers reported)', async function () {
    // The statement is cheap on purpose: the faster the query, the larger the engine's share.
    const sql = 'SELECT id, name FROM workers WHERE id = $1';
    const params = [42];
    const overhead = await engineOverhead(f!.driver, { sql, params, perSide: 1_000, timeoutMs: 30_000 });
    assert.ok(Number.isFinite(overhead.overheadPct));
    assert.equal(overhead.iterations, 1_000);

    // The same statement on a raw node-postgres Client, in the same read-only transaction.
    const raw = new Client({ connectionString: f!.url });
    await raw.connect();
    let rawMs: number;
    try {
      await raw.query('BEGIN READ ONLY');
      for (let i = 0; i < 200; i++) await raw.query(sql, params);
      const t = performance.now();
      for (let i = 0; i < 1_000; i++) await raw.query(sql, params);
      rawMs = (performance.now() - t) / 1_000;
      await raw.query('ROLLBACK');
    } finally {
      await raw.end();
    }
    const vsRaw = ((overhead.engineMsPerIteration - rawMs) / rawMs) * 100;
    // The bookkeeping alone, without a database: what the lane adds per iteration (two clock
    // reads, two stores into preallocated arrays, a counter), timed over a million rounds.
    const latency = new Float64Array(1_000);
    const startedAt = new Float64Array(1_000);
    const t0 = performance.now();
    for (let i = 0; i < 1_000_000; i++) {
      const started = performance.now();
      latency[i % 1_000] = performance.now() - started;
      startedAt[i % 1_000] = started - t0;
    }
    const bookkeepingUs = ((performance.now() - t0) / 1_000_000) * 1000;
    const run = await runBenchmark(f!.driver, { ...base, sql, params, iterations: 400, measureOverhead: true });
    assert.ok(typeof run.overheadPct === 'number' && Number.isFinite(run.overheadPct));
    const line =
      `engine overhead: ${overhead.overheadPct.toFixed(2)} % vs the same session's plain loop ` +
      `(engine ${(overhead.engineMsPerIteration * 1000).toFixed(1)} µs, plain ${(overhead.plainMsPerIteration * 1000).toFixed(1)} µs per iteration, ${overhead.iterations} each); ` +
      `${vsRaw.toFixed(2)} % vs a raw pg Client (${(rawMs * 1000).toFixed(1)} µs); in a full run: ${run.overheadPct} %; ` +
      `bookkeeping alone ${bookkeepingUs.toFixed(3)} µs = ${((bookkeepingUs / (overhead.plainMsPerIteration * 1000)) * 100).toFixed(3)} % of a plain iteration`;
    console.log(`      ${line}`);
    this.test!.title += ` — ${line}`;
  });
});
