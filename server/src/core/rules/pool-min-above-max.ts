/**
 * A pool asked to keep more connections open than it may hold: sqlx
 * `min_connections(n)` above `max_connections(m)` (10 when not set), both
 * literal numbers. The pool can never reach its minimum, and keeps trying to
 * open connections it is not allowed to have. The fix lowers the minimum to
 * the maximum.
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
  if (pool.library !== 'sqlx' || min?.number === undefined) return;
  if (max && max.number === undefined) return;
  const limit = max?.number ?? POOL_DEFAULTS.sqlx.max;
  if (min.number <= limit) return;
  ctx.report({
    span: min.span,
    message:
      `${poolName(ctx, pool)} asks for at least ${min.number} connections but allows at most ${limit}` +
      `${max ? '' : ` (max_connections is not set: ${limit})`}: the pool can never reach its minimum. ` +
      `Set min_connections to ${limit} or below, or raise max_connections.`,
    fixes: [fileFix(ctx, `Lower min_connections to ${limit}`, [{ span: min.span, newText: `.min_connections(${limit})` }])],
  });
}
