/**
 * A pool whose connections can wait minutes to connect: SQLAlchemy over libpq
 * (psycopg2, psycopg) without `connect_timeout`. libpq waits for the
 * operating system's TCP timeout (about two minutes on Linux) when the
 * database host does not answer; every request that needs a new connection
 * hangs that long. Only where the URL is written in the code (a URL from the
 * environment may carry `?connect_timeout=`).
 *
 * Not reported where the library's default is sane: SQLAlchemy's
 * `pool_timeout` (30 s to check a connection out), asyncpg's connect
 * `timeout` (60 s), PyMySQL's `connect_timeout` (10 s), sqlx's
 * `acquire_timeout` (30 s, which covers opening the connection too), SQLite.
 * Info by default: a hang needs the host to vanish, and how bad two minutes
 * is depends on the service.
 *
 * deadpool-postgres too: its pools have no timeouts unless set (`PoolConfig::new(n)`
 * says "without any timeouts"), so `Pool::get` waits for a free connection
 * without limit once all are in use, and opening one waits as long as the
 * host takes. Reported at the rule's info: the wait needs the pool to be
 * exhausted (a burst, a leaked connection), where requests then pile up
 * instead of failing. The fix (`.wait_timeout(..)`) only where the chain sets
 * `.runtime(..)`: deadpool refuses timeouts without a runtime at `build()`
 * (`NoRuntimeSpecified`), and the runtime needs a crate feature (`rt_tokio_1`)
 * the code may not enable. bb8's `connection_timeout` is 30 s by default: not reported.
 *
 * node-postgres too: `new Pool()` without `connectionTimeoutMillis` (0 by
 * default: no timeout) waits without limit both for a free client once all
 * `max` are checked out (pg-pool's pending queue) and for a new connection to
 * a host that does not answer. Info, like the others; the fix adds
 * `connectionTimeoutMillis: 10000` (seed 004: "Connection Timeout: 10 seconds").
 * postgres.js (`connect_timeout` 30 s), knex (`acquireConnectionTimeout` 60 s)
 * and mysql2 (`connectTimeout` 10 s) have sane defaults: not reported.
 */
import { connectArgsEdit, fileFix, has, insertEdit, poolName, poolRule } from './pool-helpers';
import type { HostPool } from '../host/pools';
import { spanText } from './host-helpers';
import type { FileContext, Rule } from './types';

const ID = 'pool-without-connect-timeout';

/** Drivers that connect through libpq, whose connect_timeout is off unless set. */
const LIBPQ_DRIVERS = new Set(['psycopg2', 'psycopg', 'psycopg2cffi']);

/** Seed 004: "Connection Timeout: 10 seconds (fast failure detection)". */
const CONNECT_TIMEOUT = 10;

export const poolWithoutConnectTimeout: Rule = poolRule(
  ID,
  'A pool with no connect or wait timeout (SQLAlchemy on libpq, node-postgres, deadpool): an unreachable host or an exhausted pool makes requests wait without limit.',
  'info',
  check,
);

function check(ctx: FileContext, pool: HostPool): void {
  if (pool.library === 'deadpool') return deadpool(ctx, pool);
  if (pool.library === 'node-postgres') return nodePostgres(ctx, pool);
  if (pool.library !== 'sqlalchemy' || pool.dialect !== 'postgres' || !pool.url || pool.opaque || pool.runsMigrations) return;
  if (!pool.driver || !LIBPQ_DRIVERS.has(pool.driver) || has(pool, 'connectTimeout')) return;
  const edit = connectArgsEdit(pool, [`"connect_timeout": ${CONNECT_TIMEOUT}`]);
  ctx.report({
    span: pool.anchor,
    message:
      `${poolName(ctx, pool)} connects through libpq (${pool.driver}) with no connect_timeout: when the database host does not answer, ` +
      `each new connection waits for the operating system's TCP timeout (about 2 minutes on Linux) and the requests that need it wait with it. ` +
      `Add connect_args={"connect_timeout": ${CONNECT_TIMEOUT}} to fail fast.`,
    explanation:
      "SQLAlchemy's `pool_timeout` (30 s) bounds the wait for a free connection, not the time to open one. " +
      'libpq waits without limit unless `connect_timeout` is set, in `connect_args` or in the URL (`?connect_timeout=10`).',
    fixes: edit ? [fileFix(ctx, `Add connect_timeout=${CONNECT_TIMEOUT} to connect_args`, [edit])] : [],
  });
}

/** `.wait_timeout(..)`: seed 000's `acquire_timeout: 30` (seconds). */
const WAIT_TIMEOUT = 30;

function deadpool(ctx: FileContext, pool: HostPool): void {
  if (pool.opaque || has(pool, 'acquireTimeout')) return;
  const builder = spanText(ctx.text, pool.anchor).endsWith('builder');
  const withRuntime = builder && /\.runtime\s*\(/.test(spanText(ctx.text, pool.span));
  const call = `.wait_timeout(Some(std::time::Duration::from_secs(${WAIT_TIMEOUT})))`;
  const size = pool.settings.max?.number;
  ctx.report({
    span: pool.anchor,
    message:
      `${poolName(ctx, pool)} (deadpool) sets no wait timeout: once ${size === undefined ? 'all its' : `its ${size}`} connections are in use, ` +
      'Pool::get waits for a free one without limit, and requests pile up instead of failing. ' +
      (builder
        ? `Add ${call}${withRuntime ? '' : ' with .runtime(Runtime::Tokio1) (deadpool refuses timeouts without a runtime)'}.`
        : `Set its timeouts (PoolConfig { timeouts: Timeouts::wait_millis(${WAIT_TIMEOUT * 1000}), ..PoolConfig::new(${size ?? 'n'}) }) and pass a runtime to create_pool (Some(Runtime::Tokio1)).`),
    explanation:
      "deadpool's pools have no timeouts unless set: neither for waiting on a free connection (`wait`) nor for opening one (`create`). " +
      'Timeouts need a runtime (`Runtime::Tokio1`, the `rt_tokio_1` feature of deadpool-postgres); without one `build()` fails with `NoRuntimeSpecified`.',
    fixes: withRuntime && pool.insertion ? [fileFix(ctx, `Add a ${WAIT_TIMEOUT} s wait timeout`, [insertEdit(pool.insertion, [call])])] : [],
  });
}

/** node-postgres: seed 004's 10 seconds, in milliseconds. */
const CONNECTION_TIMEOUT_MILLIS = CONNECT_TIMEOUT * 1000;

function nodePostgres(ctx: FileContext, pool: HostPool): void {
  if (pool.opaque || pool.functionLocal || has(pool, 'acquireTimeout', 'connectTimeout')) return;
  const size = pool.settings.max?.number;
  ctx.report({
    span: pool.anchor,
    message:
      `${poolName(ctx, pool)} sets no connectionTimeoutMillis (node-postgres's default is 0: no timeout): once ${size === undefined ? 'all its clients' : `its ${size} clients`} ` +
      'are checked out, pool.connect() and pool.query() wait for a free one without limit, and opening a connection to a host that does not answer ' +
      `waits for the operating system's TCP timeout; requests pile up instead of failing. Add connectionTimeoutMillis: ${CONNECTION_TIMEOUT_MILLIS} to fail fast.`,
    explanation:
      "pg-pool queues a request for a client when every client is in use and, without `connectionTimeoutMillis`, never gives up on it; " +
      'the same setting bounds the time to open a new connection. With it, the request fails with "timeout exceeded when trying to connect".',
    fixes: pool.insertion ? [fileFix(ctx, `Add connectionTimeoutMillis: ${CONNECTION_TIMEOUT_MILLIS}`, [insertEdit(pool.insertion, [`connectionTimeoutMillis: ${CONNECTION_TIMEOUT_MILLIS}`])])] : [],
  });
}
