/**
 * The pool report under a real load on the test server: five pg clients, each
 * with its own application_name, hold a connection idle, idle in a
 * transaction, active in pg_sleep, and one holds a row lock another waits
 * for. The report must show each in its state, the blocked one with its
 * blocker and the lock, the long-running ones over the threshold, and
 * utilisation against the server's max_connections. Other sessions of the
 * shared server may be there too, so the checks are per pid and per
 * application, and the server-wide counts are at least ours.
 */
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import type { PoolReport } from '../../../shared/dashboard';
import { PoolHistory, poolReport, utilisationLevel } from '../../../server/src/db/health';
import { dropPgFixture, pgFixture, type PgFixture } from './fixtures';

/** Polls until `check` returns a value (events, not a fixed sleep); fails with the last report after `ms`. */
async function until<T>(read: () => Promise<PoolReport>, check: (r: PoolReport) => T | undefined, ms = 10_000): Promise<[T, PoolReport]> {
  const deadline = Date.now() + ms;
  let last: PoolReport | undefined;
  for (;;) {
    last = await read();
    const found = check(last);
    if (found !== undefined && found !== false) return [found, last];
    if (Date.now() > deadline) throw new Error(`state not reached; last report: ${JSON.stringify(last.postgres, null, 1)}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('db/health: pool report under a real load (PostgreSQL)', function () {
  this.timeout(60_000);
  let f: PgFixture | undefined;
  const tag = `${process.pid}`;
  const clients: Record<string, Client> = {};
  const pids: Record<string, number> = {};
  const running: Promise<unknown>[] = [];
  // A hostile string from the database: must come back byte for byte (escaping is the renderer's job).
  const xss = '<img src=x onerror=alert(1)>';

  before(async function () {
    f = await pgFixture(10);
    if (!f) return this.skip();
    await f.admin.query('CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL)');
    await f.admin.query('INSERT INTO accounts VALUES (1, 100)');
    for (const role of ['idle', 'intx', 'sleeper', 'blocker', 'blocked']) {
      const c = new Client({ connectionString: f.url, application_name: `ql-${role}-${tag}` });
      await c.connect();
      clients[role] = c;
      pids[role] = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    }
    await clients.intx!.query('BEGIN');
    await clients.intx!.query('SELECT 1');
    running.push(clients.sleeper!.query(`SELECT pg_sleep(60) /* ${xss} */`).catch(() => undefined));
    await clients.blocker!.query('BEGIN');
    await clients.blocker!.query('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
    running.push(clients.blocked!.query('UPDATE accounts SET balance = 0 WHERE id = 1').catch(() => undefined));
  });

  after(async () => {
    if (!f) return;
    // Stop the sleeper and free the lock, then let the waiting statements finish.
    await f.admin.query('SELECT pg_cancel_backend($1)', [pids.sleeper]).catch(() => undefined);
    await clients.blocker?.query('ROLLBACK').catch(() => undefined);
    await Promise.all(running);
    await Promise.all(Object.values(clients).map((c) => c.end().catch(() => undefined)));
    await dropPgFixture(f);
  });

  it('shows every loaded session in its state, the blocked one with its blocker, long-running ones over the threshold', async () => {
    const read = () => poolReport(f!.driver, { longRunningMs: 300 });
    const [, report] = await until(read, (r) => {
      const pg = r.postgres!;
      const long = new Set(pg.longRunning.map((s) => s.pid));
      return pg.blocked.some((b) => b.pid === pids.blocked) && ['intx', 'sleeper', 'blocker', 'blocked'].every((k) => long.has(pids[k]!)) || undefined;
    });
    const pg = report.postgres!;
    console.log(`      pool under load: ${pg.total} of ${pg.maxConnections} connections (${(pg.utilisation * 100).toFixed(1)} %, ${pg.level}); by state ${JSON.stringify(pg.byState)}; ours ${JSON.stringify(report.ourPool)}`);

    const long = new Map(pg.longRunning.map((s) => [s.pid, s]));
    assert.equal(long.get(pids.sleeper!)?.state, 'active');
    assert.equal(long.get(pids.sleeper!)?.query, `SELECT pg_sleep(60) /* ${xss} */`);
    assert.equal(long.get(pids.sleeper!)?.waitEvent, 'Timeout: PgSleep');
    assert.equal(long.get(pids.intx!)?.state, 'idle in transaction');
    assert.equal(long.get(pids.blocker!)?.state, 'idle in transaction');
    assert.equal(long.get(pids.blocker!)?.query, 'UPDATE accounts SET balance = balance + 1 WHERE id = 1');
    assert.equal(long.get(pids.blocked!)?.state, 'waiting');
    assert.ok(!long.has(pids.idle!), 'an idle session is not a long-running query');
    assert.ok(pg.longRunning.every((s) => s.durationMs >= 300 && s.state !== 'idle'));
    assert.equal(pg.longRunningThresholdMs, 300);

    const blocked = pg.blocked.find((b) => b.pid === pids.blocked)!;
    assert.deepEqual(blocked.blockedBy, [pids.blocker]);
    assert.equal(blocked.waitEvent, 'Lock: transactionid');
    assert.equal(blocked.lock, 'ShareLock on transactionid');
    assert.equal(blocked.application, `ql-blocked-${tag}`);
    assert.equal(blocked.query, 'UPDATE accounts SET balance = 0 WHERE id = 1');
    assert.ok(pg.blocking!.some((s) => s.pid === pids.blocker && s.state === 'idle in transaction'));

    for (const role of ['idle', 'intx', 'sleeper', 'blocker', 'blocked']) {
      const app = pg.byApplication.find((a) => a.application === `ql-${role}-${tag}`);
      assert.deepEqual(app, { application: `ql-${role}-${tag}`, client: '127.0.0.1', count: 1 }, role);
    }
    // Server-wide counts: at least our load (others may be connected too); the report's own session is not counted.
    assert.ok(pg.byState.idle! >= 1 && pg.byState.active! >= 1 && pg.byState.waiting! >= 1 && pg.byState['idle in transaction']! >= 2, JSON.stringify(pg.byState));
    assert.equal(Object.values(pg.byState).reduce((a, b) => a + b, 0), pg.total);
    assert.equal(pg.byApplication.reduce((a, b) => a + b.count, 0), pg.total);

    const max = Number((await f!.admin.query('SHOW max_connections')).rows[0].max_connections);
    assert.equal(pg.maxConnections, max);
    assert.equal(pg.utilisation, pg.total / max);
    assert.equal(pg.level, utilisationLevel(pg.total / max));
    // QueryLens's own pool: the monitoring session went back before the stats were read.
    assert.ok(report.ourPool && report.ourPool.totalCount >= 1 && report.ourPool.idleCount === report.ourPool.totalCount && report.ourPool.waitingCount === 0, JSON.stringify(report.ourPool));
  });

  it('no longer lists the blocked session once the blocker rolls back', async () => {
    await clients.blocker!.query('ROLLBACK');
    const [, report] = await until(() => poolReport(f!.driver, { longRunningMs: 300 }), (r) => !r.postgres!.blocked.some((b) => b.pid === pids.blocked) || undefined);
    assert.ok(!report.postgres!.blocking!.some((s) => s.pid === pids.blocker));
  });

  it('the time series keeps the samples of the window, in time order', async () => {
    const history = new PoolHistory(60_000);
    const real = await poolReport(f!.driver);
    const sample = history.add(real)!;
    assert.equal(sample.total, real.postgres!.total);
    assert.equal(sample.active, real.postgres!.byState.active);
    assert.equal(sample.idleInTransaction, real.postgres!.byState['idle in transaction']! + real.postgres!.byState['idle in transaction (aborted)']!);
    assert.equal(sample.utilisation, real.postgres!.utilisation);
    const t0 = Date.parse(real.at);
    const at = (ms: number) => ({ ...real, at: new Date(t0 + ms).toISOString() });
    history.add(at(30_000));
    history.add(at(10_000)); // out of order: slotted in
    assert.deepEqual(history.samples().map((s) => s.t - t0), [0, 10_000, 30_000]);
    history.add(at(65_000)); // the first sample is now older than the window
    assert.deepEqual(history.samples().map((s) => s.t - t0), [10_000, 30_000, 65_000]);
    assert.deepEqual(history.samples(t0 + 125_000).map((s) => s.t - t0), [65_000]);
    assert.equal(history.add({ connection: 'x', driver: 'sqlite', at: real.at, sqlite: { pragmas: [] } }), undefined);
  });
});

describe('db/health: utilisation levels (seed thresholds)', () => {
  it('warns from 70 % and is critical from 90 % of max_connections', () => {
    assert.deepEqual([0, 69 / 100, 70 / 100, 89 / 100, 90 / 100, 1].map(utilisationLevel), ['ok', 'ok', 'warn', 'warn', 'critical', 'critical']);
  });
});



