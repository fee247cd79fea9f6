/**
 * The PostgreSQL driver's failures and recovery on real sockets: unreachable
 * port, missing database, unknown role, a wrong password (from a listener that
 * speaks the PostgreSQL protocol's password exchange: the test server trusts
 * 127.0.0.1, so it never asks one), DATABASE_URL / PG* resolution, pool stats,
 * and a session after its server-side connection was killed.
 */
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { openDriver } from '../../../server/src/db/drivers';
import { explain } from '../../../server/src/db/explain';
import { dropPgFixture, failure, PG_URL, pgFixture, type PgFixture } from './fixtures';

/** Asks for a cleartext password, then rejects it as PostgreSQL does (FATAL 28P01). */
function passwordRejectingServer(): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    let phase = 0;
    socket.on('data', (data) => {
      if (phase === 0) {
        phase = 1;
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
        return;
      }
      received.push(data.subarray(5, data.length - 1).toString());
      const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "app"'].map((f) => Buffer.from(`${f}\0`));
      const body = Buffer.concat([...fields, Buffer.from([0])]);
      const header = Buffer.alloc(5);
      header.write('E');
      header.writeInt32BE(body.length + 4, 1);
      socket.end(Buffer.concat([header, body]));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, received })));
}

describe('db/drivers: PostgreSQL connections', function () {
  this.timeout(30_000);
  let f: PgFixture | undefined;
  before(async function () {
    f = await pgFixture(100);
    if (!f) this.skip();
  });
  after(() => dropPgFixture(f));

  it('an unreachable port is kind unreachable, naming the connection', async () => {
    const d = await openDriver({ name: 'nowhere', driver: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'postgres' });
    const e = await failure(d.serverVersion());
    await d.close();
    assert.equal(e.kind, 'unreachable');
    assert.match(e.message, /^Connection "nowhere": cannot reach postgres@127\.0\.0\.1:1\/test \(ECONNREFUSED\)\. Check that the server runs/);
  });

  it('a missing database is kind missing-database', async () => {
    const d = await openDriver({ name: 'typo', driver: 'postgres', url: PG_URL.replace(/\/test$/, '/no_such_db_querylens') });
    const e = await failure(d.serverVersion());
    await d.close();
    assert.equal(e.kind, 'missing-database');
    assert.match(e.message, /^Connection "typo": database "no_such_db_querylens" does not exist/);
  });

  it('an unknown role is kind auth', async () => {
    const d = await openDriver({ name: 'stranger', driver: 'postgres', url: PG_URL.replace('postgres@', 'no_such_role_querylens@') });
    const e = await failure(d.serverVersion());
    await d.close();
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /^Connection "stranger": .*no_such_role_querylens.*Set the password with "QueryLens: Set Connection Password"\.$/);
  });

  it('a wrong password is kind auth, and the password appears nowhere in the error', async () => {
    const { server, port, received } = await passwordRejectingServer();
    const password = 'hunter2-very-secret';
    try {
      const d = await openDriver({ name: 'prod-replica', driver: 'postgres', host: '127.0.0.1', port, database: 'app', user: 'app', password });
      const e = await failure(d.serverVersion());
      await d.close();
      assert.deepEqual(received, [password], 'the driver did send it');
      assert.equal(e.kind, 'auth');
      assert.equal(e.message, 'Connection "prod-replica": password authentication failed for user "app". Set the password with "QueryLens: Set Connection Password".');
      assert.ok(!JSON.stringify({ message: e.message, stack: e.stack, cause: String(e.cause), causeMessage: (e.cause as Error)?.message }).includes(password));
    } finally {
      server.close();
    }
  });

  it('a password inside a URL is blanked out of messages', async () => {
    const d = await openDriver({ name: 'leaky', driver: 'postgres', url: 'postgres://app:s3cr3t-in-url@127.0.0.1:1/app' });
    const e = await failure(d.serverVersion());
    await d.close();
    assert.ok(!e.message.includes('s3cr3t-in-url'));
  });

  it('falls back to DATABASE_URL, then to the PG* variables of the env given', async () => {
    for (const env of [{ DATABASE_URL: PG_URL }, { PGHOST: '127.0.0.1', PGPORT: '5432', PGDATABASE: 'test', PGUSER: 'postgres', PGSSLMODE: 'disable' }]) {
      const d = await openDriver({ name: 'from-env', driver: 'postgres' }, { env });
      try {
        assert.match(await d.serverVersion(), /^PostgreSQL 15\./);
      } finally {
        await d.close();
      }
    }
  });

  it('an ssl connection to a server without TLS is kind ssl', async () => {
    const d = await openDriver({ name: 'tls', driver: 'postgres', url: PG_URL, ssl: 'require' });
    const e = await failure(d.serverVersion());
    await d.close();
    assert.equal(e.kind, 'ssl');
  });

  it('reports pool statistics from the pool', async () => {
    const a = await f!.driver.session();
    const b = await f!.driver.session();
    assert.ok(f!.driver.poolStats!().totalCount >= 2);
    await a.release();
    await b.release();
    const stats = f!.driver.poolStats!();
    assert.equal(stats.waitingCount, 0);
    assert.equal(stats.idleCount, stats.totalCount);
  });

  it('recovers from connections killed on the server: idle ones and the one running a statement', async () => {
    // Only this driver's backends are killed (other test runs share the server).
    const pids = async (): Promise<number[]> => {
      const sessions = await Promise.all([f!.driver.session(), f!.driver.session()]);
      const ids = sessions.map((s) => (s as unknown as { pid: number }).pid);
      await Promise.all(sessions.map((s) => s.release()));
      return ids;
    };
    const kill = (ids: number[]) => f!.admin.query('SELECT count(pg_terminate_backend(pid)) AS n FROM unnest($1::int[]) AS pid', [ids]);
    // Idle pooled connections die while nobody looks.
    assert.equal(Number((await kill(await pids())).rows[0].n), 2);
    const r = await explain(f!.driver, { sql: 'SELECT count(*) FROM workers', analyze: true, timeoutMs: 5_000 });
    assert.ok(r.pgPlan);
    // A connection dies in the middle of a statement: that job fails as unreachable ...
    const marker = `victim_${Date.now()}`;
    const running = explain(f!.driver, { sql: `SELECT pg_sleep(30), '${marker}'`, analyze: true, timeoutMs: 60_000 });
    const active = async () => Number((await f!.admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1", [`%${marker}%`])).rows[0].n);
    while ((await active()) === 0) await new Promise((resolve) => setImmediate(resolve));
    await f!.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()', [`%${marker}%`]);
    const e = await failure(running);
    assert.equal(e.kind, 'unreachable');
    // ... and the next one gets a fresh connection.
    const again = await explain(f!.driver, { sql: 'SELECT count(*) FROM workers', analyze: true, timeoutMs: 5_000 });
    assert.ok(again.pgPlan);
  });
});
