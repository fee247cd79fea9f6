/**
 * A pool larger than the PostgreSQL server can hold: its most connections
 * (size + overflow) times the instances running the code, against the
 * server's `max_connections` minus the connections reserved for superusers,
 * as configured in `.querylens.json` (`"server": { "maxConnections": 100,
 * "reservedConnections": 3, "instances": 3 }`). The core knows no database:
 * without a configured `maxConnections` the rule is silent.
 *
 * Warning when the pools can ask for more than the server has: under load
 * the last ones are refused ("sorry, too many clients already"). Info from
 * 90 % (seed 004's critical level of pool utilisation): everything else that
 * connects (migrations, psql, monitoring, a second deploy during a rolling
 * update) shares what is left.
 *
 * SQLAlchemy's `max_overflow=-1` (no limit) is a warning whatever the numbers.
 *
 * Each pool alone: two pools in different files may belong to different
 * services, so they are not summed here (the Pool tab and `querylens pool`
 * sum them). `"server"` is one server: a pool to a read replica is judged
 * against it too. Not reported for a pool whose URL goes through PgBouncer (its
 * connections are the proxy's), nor where the size is set at run time, nor for
 * a knexfile environment that is not production's (`development`, `test`). No
 * fix: a smaller pool or a pooler in front are both right answers, and which
 * depends on the load.
 */
import type { ServerLimits } from '../config/types';
import { POOL_DEFAULTS, type HostPool, type PoolDefaults, type PoolSetting } from '../host/pools';
import { poolName, poolRule } from './pool-helpers';
import type { FileContext, Rule } from './types';

const ID = 'pool-exceeds-server-connections';

/** PostgreSQL's superuser_reserved_connections by default. */
export const DEFAULT_RESERVED_CONNECTIONS = 3;

/** Seed 004's critical level of pool utilisation. */
const CRITICAL = 0.9;

export const poolExceedsServerConnections: Rule = poolRule(
  ID,
  "A pool whose connections times the configured instances exceed the server's max_connections minus the reserved ones.",
  'warning',
  check,
  false,
);

/** A size as written (a literal), the library's default when not written, or undefined when the code sets it at run time. */
function size(pool: HostPool, setting: PoolSetting | undefined, fallback: number | undefined): { value: number; defaulted: boolean } | undefined {
  if (setting) return setting.number === undefined ? undefined : { value: setting.number, defaulted: false };
  if (fallback === undefined || pool.opaque) return undefined;
  return { value: fallback, defaulted: true };
}

function check(ctx: FileContext, pool: HostPool): void {
  const server: ServerLimits | undefined = ctx.server;
  if (server?.maxConnections === undefined) return;
  if (pool.kind !== 'pool' || !pool.pooled || pool.inMemory || pool.runsMigrations || pool.functionLocal) return;
  if ((pool.dialect !== undefined && pool.dialect !== 'postgres') || pool.proxyEvidence) return;
  if (pool.environment !== undefined && !/prod/i.test(pool.environment)) return; // a developer's or a test run's database
  const defaults: PoolDefaults = POOL_DEFAULTS[pool.library];
  const max = size(pool, pool.settings.max, defaults.max);
  if (!max) return;
  const instances = server.instances ?? 1;
  const reserved = server.reservedConnections ?? DEFAULT_RESERVED_CONNECTIONS;
  const available = server.maxConnections - reserved;
  const advice = ' Lower the pool size, or put PgBouncer in transaction mode in front of the server (seed 004: max_connections 200 serving 2,000 clients).';
  const unlimited = pool.library === 'sqlalchemy' && pool.settings.overflow?.value.replace(/\s+/g, '') === '-1' ? pool.settings.overflow : undefined;
  if (unlimited) {
    ctx.report({
      span: unlimited.span,
      message:
        `${poolName(ctx, pool)}: max_overflow=-1 lets the pool open connections without limit, so under load it takes all ${available} available ` +
        `(max_connections ${server.maxConnections} − ${reserved} reserved) and the server refuses the rest ("sorry, too many clients already"). ` +
        `Set a max_overflow (seed 002: pool_size=20, max_overflow=10).${advice}`,
    });
    return;
  }
  const overflow = defaults.overflow === undefined && !pool.settings.overflow ? { value: 0, defaulted: false } : size(pool, pool.settings.overflow, defaults.overflow);
  if (!overflow) return;
  const total = (max.value + overflow.value) * instances;
  if (total <= CRITICAL * available) return;
  const mark = (s: { defaulted: boolean }) => (s.defaulted ? ' (default)' : '');
  const sum =
    `configured ${max.value}${mark(max)}${overflow.value > 0 || pool.settings.overflow ? ` + ${overflow.value} overflow${mark(overflow)}` : ''}` +
    ` × ${instances} instance${instances === 1 ? '' : 's'} = ${total} of ${available} available` +
    ` (max_connections ${server.maxConnections} − ${reserved} reserved)`;
  const over = total > available;
  ctx.report({
    span: pool.settings.max?.span ?? pool.anchor,
    message:
      `${poolName(ctx, pool)}: ${sum}` +
      (over
        ? ': under load the server refuses the rest ("sorry, too many clients already").'
        : `: ${Math.round((total / available) * 100)} %, above the 90 % at which seed 004 calls pool utilisation critical; migrations, psql and monitoring share what is left.`) +
      advice,
    explanation:
      'Every instance of the code opens its own pool, so the server must hold all of them at once; `reservedConnections` are kept for superusers. ' +
      'The numbers come from `"server"` in `.querylens.json`; pools in other files are not added in (they may be other services), the Pool tab sums them.',
    ...(over ? {} : { tentative: true }),
  });
}
