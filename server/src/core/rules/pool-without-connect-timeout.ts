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
 */
import { connectArgsEdit, fileFix, has, poolName, poolRule } from './pool-helpers';
import type { HostPool } from '../host/pools';
import type { FileContext, Rule } from './types';

const ID = 'pool-without-connect-timeout';

/** Drivers that connect through libpq, whose connect_timeout is off unless set. */
const LIBPQ_DRIVERS = new Set(['psycopg2', 'psycopg', 'psycopg2cffi']);

/** Seed 004: "Connection Timeout: 10 seconds (fast failure detection)". */
const CONNECT_TIMEOUT = 10;

export const poolWithoutConnectTimeout: Rule = poolRule(
  ID,
  'A SQLAlchemy engine on libpq (psycopg) with no connect_timeout: connecting to an unreachable host waits for the TCP timeout.',
  'info',
  check,
);

function check(ctx: FileContext, pool: HostPool): void {
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
