/**
 * A SQLAlchemy pool that hands out connections without checking them: no
 * `pool_pre_ping` and no `pool_recycle`. A connection the server, a proxy
 * (PgBouncer) or a load balancer closed while it sat idle in the pool fails
 * the first statement of the request that checks it out. A warning where
 * the code shows a proxy (PgBouncer, port 6432), which drops idle
 * connections; info otherwise, where it takes a server restart or a network
 * drop. Not reported for pools that keep no connections (NullPool,
 * StaticPool), SQLite (no server), engines of a migration run (Alembic's
 * env.py), engines local to one function call (a script's), or engines
 * whose arguments come from `**options`.
 * sqlx checks every connection before it hands it out (`test_before_acquire`
 * defaults to true), so sqlx pools are not reported.
 */
import { fileFix, has, insertEdit, poolName, poolRule } from './pool-helpers';
import type { HostPool } from '../host/pools';
import type { FileContext, Rule } from './types';

const ID = 'pool-without-pre-ping';

/** Seed 001/002: `pool_pre_ping=True, pool_recycle=3600`. */
const SETTINGS = ['pool_pre_ping=True', 'pool_recycle=3600'];

export const poolWithoutPrePing: Rule = poolRule(
  ID,
  'A SQLAlchemy engine without pool_pre_ping or pool_recycle: connections dropped while idle fail the next request.',
  'warning',
  check,
);

function check(ctx: FileContext, pool: HostPool): void {
  if (pool.library !== 'sqlalchemy' || !pool.pooled || pool.inMemory || pool.dialect === 'sqlite' || pool.opaque || pool.runsMigrations || pool.functionLocal) return;
  if (has(pool, 'prePing', 'maxLifetime')) return;
  const proxy = pool.proxyEvidence;
  ctx.report({
    span: pool.anchor,
    message:
      `${poolName(ctx, pool)} keeps connections without pool_pre_ping or pool_recycle: a connection closed while idle in the pool ` +
      `(by the server, a proxy or a load balancer) fails the first statement of the request that checks it out. ` +
      `Add pool_pre_ping=True (a ping at checkout) and pool_recycle=3600 (reopen connections after an hour).` +
      (proxy
        ? ` Here ${proxy} points to a proxy, and proxies close idle connections.`
        : ' (Info: nothing here shows a proxy or load balancer between this engine and its database, where idle connections get dropped; a direct connection loses them on restarts and network drops.)'),
    ...(proxy ? {} : { tentative: true }),
    explanation:
      '`pool_pre_ping` runs a cheap ping when a connection is checked out and replaces it if it is dead; `pool_recycle` ' +
      'closes connections older than the given seconds, below the idle timeout of whatever sits in between.',
    fixes: pool.insertion ? [fileFix(ctx, 'Add pool_pre_ping=True, pool_recycle=3600', [insertEdit(pool.insertion, SETTINGS)])] : [],
  });
}
