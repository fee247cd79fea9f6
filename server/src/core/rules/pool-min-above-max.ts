/**
 * A pool asked to keep more connections open than it may hold: sqlx
 * `min_connections(n)` above `max_connections(m)` (10 when not set), both
 * literal numbers. The pool can never reach its minimum, and keeps trying to
 * open connections it is not allowed to have. The fix lowers the minimum to
 * the maximum.
 *
 * knex the same way: its `pool: { min, max }` goes to tarn (max 10 when not set),
 * which refuses a minimum above the maximum: `knex(config)` throws "Tarn:
 * opt.max is smaller than opt.min" as it creates the pool. The fix
 * lowers `min` to the maximum.
 */
import { fileFix, poolName, poolRule } from './pool-helpers';
import { type HostPool, POOL_DEFAULTS } from '../host/pools';
import type { FileContext, Rule } from './types';

const ID = 'pool-min-above-max';


export const poolMinAboveMax: Rule = poolRule(
  ID,
  'A pool whose minimum number of connections is above its maximum.',
  'warning',
  check,
);

function check(ctx: FileContext, pool: HostPool): void {
  const min = pool.settings.min;
  const max = pool.settings.max;
  if ((pool.library !== 'sqlx' && pool.library !== 'knex') || min?.number === undefined) return;
  if (max && max.number === undefined) return;
  const limit = max?.number ?? POOL_DEFAULTS[pool.library].max;
  if (min.number <= limit) return;
  if (pool.library === 'knex') {
    if (!max && pool.opaque) return;
    ctx.report({
      span: min.span,
      message:
        `${poolName(ctx, pool)} asks its pool for at least ${min.number} connections but allows at most ${limit}` +
        `${max ? '' : ` (pool.max is not set: knex's default, ${limit})`}: tarn refuses that configuration, and knex throws ` +
        `"Tarn: opt.max is smaller than opt.min" as it creates the pool. Set min to ${limit} or below, or raise max.`,
      fixes: [fileFix(ctx, `Lower min to ${limit}`, [{ span: min.span, newText: `min: ${limit}` }])],
    });
    return;
  }
  ctx.report({
    span: min.span,
    message:
      `${poolName(ctx, pool)} asks for at least ${min.number} connections but allows at most ${limit}` +
      `${max ? '' : ` (max_connections is not set: ${limit})`}: the pool can never reach its minimum. ` +
      `Set min_connections to ${limit} or below, or raise max_connections.`,
    fixes: [fileFix(ctx, `Lower min_connections to ${limit}`, [{ span: min.span, newText: `.min_connections(${limit})` }])],
  });
}
