/**
 * Prepared-statement caches behind PgBouncer: in transaction mode, each
 * transaction may run on another server connection, where a statement
 * prepared earlier does not exist ("prepared statement ... does not exist",
 * or "already exists"). Reported where the code shows PgBouncer (`pgbouncer`
 * in the URL's host, `?pgbouncer=true`, port 6432; for a URL the code does
 * not write, a mention in the file) and the driver caches prepared statements:
 * - SQLAlchemy on asyncpg without `statement_cache_size: 0` and
 *   `prepared_statement_cache_size: 0` in `connect_args` (or in the URL);
 * - sqlx `PgConnectOptions` without `.statement_cache_capacity(0)`, and a
 *   `PgPoolOptions` connecting to a PgBouncer URL without
 *   `statement-cache-capacity=0` in it.
 * - postgres.js `postgres(url, {...})`, which prepares named statements unless
 *   given `prepare: false`.
 * PgBouncer 1.21+ with `max_prepared_statements` set handles prepared
 * statements itself; the message says so.
 */
import type { HostPool } from '../host/pools';
import { spanText } from './host-helpers';
import { connectArgsEdit, fileFix, insertEdit, poolName, poolRule } from './pool-helpers';
import type { CoreFix, FileContext, Rule } from './types';

const ID = 'statement-cache-behind-pgbouncer';

export const statementCacheBehindPgbouncer: Rule = poolRule(
  ID,
  'A driver caches prepared statements while connecting through PgBouncer, which breaks them in transaction mode.',
  'warning',
  check,
);

function check(ctx: FileContext, pool: HostPool): void {
  // tokio-postgres (deadpool, bb8) prepares unnamed statements unless the code asks for cached ones: not judged.
  if (!pool.proxyEvidence || pool.dialect !== 'postgres') return;
  if (pool.library === 'postgres.js') return postgresJs(ctx, pool);
  if (pool.library !== 'sqlalchemy' && pool.library !== 'sqlx') return;
  const cache = pool.settings.statementCache;
  if (cache && cache.value.trim() === '0') return;
  const fixes = pool.library === 'sqlalchemy' ? sqlalchemyFix(ctx, pool) : sqlxFix(ctx, pool);
  if (!fixes) return;
  const setting = pool.library === 'sqlalchemy' ? 'statement_cache_size=0 (asyncpg) and prepared_statement_cache_size=0 (SQLAlchemy)' : 'statement_cache_capacity(0)';
  ctx.report({
    span: cache?.span ?? pool.anchor,
    message:
      `${poolName(ctx, pool)} caches prepared statements, and ${pool.proxyEvidence} says the connections go through PgBouncer: ` +
      'in transaction mode each transaction may run on another server connection, where the prepared statement does not exist ' +
      `(errors like "prepared statement \\"__asyncpg_stmt_1__\\" does not exist"). Turn the cache off with ${setting}, ` +
      'unless PgBouncer is 1.21+ with max_prepared_statements set.',
    explanation:
      'PgBouncer in transaction mode hands each transaction any free server connection. A statement a driver prepared and ' +
      'cached on one connection is unknown on the others. With the cache off, the driver prepares unnamed statements per ' +
      'query, which PgBouncer passes through.',
    fixes,
  });
}

function sqlalchemyFix(ctx: FileContext, pool: HostPool): CoreFix[] | undefined {
  if (pool.driver !== 'asyncpg' || pool.opaque) return undefined;
  const edit = pool.settings.statementCache ? undefined : connectArgsEdit(pool, ['"statement_cache_size": 0', '"prepared_statement_cache_size": 0']);
  return edit ? [fileFix(ctx, 'Turn the prepared statement caches off in connect_args', [edit])] : [];
}

function sqlxFix(ctx: FileContext, pool: HostPool): CoreFix[] | undefined {
  const cache = pool.settings.statementCache;
  if (pool.kind === 'connect-options') {
    if (cache) return [fileFix(ctx, 'Set statement_cache_capacity(0)', [{ span: cache.span, newText: '.statement_cache_capacity(0)' }])];
    return pool.insertion ? [fileFix(ctx, 'Add .statement_cache_capacity(0)', [insertEdit(pool.insertion, ['.statement_cache_capacity(0)'])])] : [];
  }
  // A pool opened with a URL: the cache is a URL parameter. Only for a URL the code writes.
  if (!pool.url || cache) return pool.url ? [] : undefined;
  const literal = spanText(ctx.text, pool.url.span);
  const close = literal.lastIndexOf('"');
  const parameter = `${pool.url.value.includes('?') ? '&' : '?'}statement-cache-capacity=0`;
  return [fileFix(ctx, 'Add statement-cache-capacity=0 to the URL', [{ span: { start: pool.url.span.start + close, end: pool.url.span.start + close }, newText: parameter }])];
}

/** postgres.js: `prepare: false`. */
function postgresJs(ctx: FileContext, pool: HostPool): void {
  const prepare = pool.settings.statementCache;
  if (prepare && prepare.value.trim() !== 'true') return; // false, or a value set at run time
  if (!prepare && pool.opaque) return;
  const fixes = prepare
    ? [fileFix(ctx, 'Set prepare: false', [{ span: prepare.span, newText: 'prepare: false' }])]
    : pool.insertion ? [fileFix(ctx, 'Add prepare: false', [insertEdit(pool.insertion, ['prepare: false'])])] : [];
  ctx.report({
    span: prepare?.span ?? pool.anchor,
    message:
      `${poolName(ctx, pool)} prepares named statements (postgres.js does unless given prepare: false), and ${pool.proxyEvidence} says the connections go through PgBouncer: ` +
      'in transaction mode each transaction may run on another server connection, where the prepared statement does not exist ' +
      '(errors like "prepared statement \\"x1\\" does not exist"). Turn it off with prepare: false, ' +
      'unless PgBouncer is 1.21+ with max_prepared_statements set.',
    explanation:
      'PgBouncer in transaction mode hands each transaction any free server connection. A statement a driver prepared on one ' +
      'connection is unknown on the others. With `prepare: false`, postgres.js sends unnamed statements, which PgBouncer passes through.',
    fixes,
  });
}
