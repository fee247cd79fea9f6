/**
 * The database goes down in the middle of a session and comes back (issue 4):
 * the real PostgreSQL server of this machine is stopped and started again with
 * pg_ctlcluster. While it is down, Explain fails with a message naming the
 * connection (and nothing crashes); once it is back, the same driver (same
 * pool, whose connections all died) explains again without being reopened.
 *
 * Needs root and pg_ctlcluster (CI here has both); skipped elsewhere, or with
 * QUERYLENS_TEST_PG_RESTART=0 on a server others are using at the same time.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { openDriver } from '../../../server/src/db/drivers';
import { explain } from '../../../server/src/db/explain';
import { DbError, type Driver } from '../../../server/src/db/types';
import { PG_URL } from './fixtures';

const cluster = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql')[0] : undefined;
const canRestart = process.getuid?.() === 0 && cluster !== undefined && process.env.QUERYLENS_TEST_PG_RESTART !== '0' && spawnSync('which', ['pg_ctlcluster']).status === 0;

function ctl(action: 'stop' | 'start'): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', cluster!, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'ignore' });
}

/** Resolves once the server accepts connections (pg_isready), polling. */
async function ready(up: boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const r = spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432']);
    if ((r.status === 0) === up) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`the server did not become ${up ? 'ready' : 'unavailable'} in ${timeoutMs} ms`);
}

describe('PostgreSQL down in the middle of a session', function () {
  this.timeout(90_000);
  let driver: Driver;

  before(function () {
    if (!canRestart) this.skip();
  });

  after(async () => {
    // Whatever happened, leave the server running for the next tests.
    if (!canRestart) return;
    if (spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432']).status !== 0) ctl('start');
    await ready(true);
    await driver?.close();
  });

  it('answers with a message naming the connection while it is down, and works again once it is back', async () => {
    driver = await openDriver({ name: 'local-pg', driver: 'postgres', url: PG_URL });
    const query = { sql: 'SELECT count(*) FROM pg_class WHERE relkind = $1', params: ['r'], analyze: true, timeoutMs: 10_000 };
    assert.ok((await explain(driver, query)).pgPlan, 'a plan before the restart');

    ctl('stop');
    await ready(false);
    const down = await explain(driver, query).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(down instanceof DbError, `a DbError, got ${String(down)}`);
    assert.equal(down.kind, 'unreachable');
    assert.match(down.message, /^Connection "local-pg": /);

    ctl('start');
    await ready(true);
    const after = await explain(driver, query);
    assert.ok(after.pgPlan, 'a plan after the server came back, on the same driver');
  });
});
