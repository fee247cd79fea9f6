/**
 * Rust's driver knowledge for the rules (host/adapter.ts): sqlx queries and
 * macros with `$n` parameters, `QueryBuilder`, streams.
 */
import { rewriteLiteral, spanText } from '../../rules/host-text';
import type { HostAdapter } from '../adapter';

export const rustAdapter: HostAdapter = {
  awaitSyntax: 'postfix',

  batchedSqlPredicate: (column) => `WHERE ${column} = ANY($1)`,
  collectKeys(loop, keys) {
    // A stream (`fetch`) can be walked once only: the fix needs the rows in a Vec.
    if (loop.rowsTerminal !== 'fetch_all') return undefined;
    const targets = loop.targets.join(', ');
    const pattern = loop.targets.length === 1 ? targets : `(${targets})`;
    return [`let ${keys}: Vec<_> = ${loop.iterable}.iter().map(|${pattern}| ${loop.keyExpression}.clone()).collect();`];
  },
  batchSqlQuery(ctx, query, key, site) {
    if ((query.sql!.dialect ?? ctx.dialect) !== 'postgres') return undefined; // sqlx binds arrays on PostgreSQL only
    const prefix = ctx.text.slice(query.span.start, query.sql!.literal.start);
    const call = spanText(ctx.text, query.span);
    const executor = /\.(?:fetch_all|fetch_one|fetch_optional|fetch|execute)\(([^()]*)\)/.exec(call)?.[1];
    if (!/\bquery(_as|_scalar)?(!\s*\(|::<[^>]*>\s*\(|\s*\()/.test(prefix) || !executor) return undefined;
    const sql = rewriteLiteral(ctx, query, key, (column, placeholder) => (placeholder === '$1' ? `${column} = ANY($1)` : undefined));
    if (!sql) return undefined;
    const bound = /!\s*\(/.test(prefix) ? `, &${site.keys}[..])` : `).bind(&${site.keys}[..])`;
    const tried = /\.await\s*\?/.test(ctx.text.slice(query.span.start, query.span.end + 2)) ? '?' : '';
    return { statement: `let ${site.rows} = ${prefix}${sql}${bound}.fetch_all(${executor}).await${tried};` };
  },

  commitOnceAdvice: (dialect) =>
    `Write all items in one transaction and one statement (sqlx QueryBuilder::push_values${dialect === 'postgres' ? ', or INSERT ... SELECT FROM UNNEST($1, ...)' : ''}), then commit once.`,
  batchWriteAdvice(dialect, kind) {
    if (dialect !== 'postgres') {
      // No arrays to bind outside PostgreSQL (UNNEST, ANY($1) are PostgreSQL's); SQLite runs in-process, so the
      // cost per row is the statement, not a network round trip.
      if (kind === 'insert') return 'Build one multi-row INSERT with sqlx::QueryBuilder::push_values, inside one transaction.';
      if (kind === 'update') return 'Run them in one transaction, or build one UPDATE ... FROM (VALUES ...) with sqlx::QueryBuilder.';
      return 'Build one DELETE ... WHERE id IN (...) with sqlx::QueryBuilder (push_tuples / separated).';
    }
    if (kind === 'insert') return 'Build one multi-row INSERT with sqlx::QueryBuilder::push_values, or bind arrays: INSERT ... SELECT * FROM UNNEST($1::type[], ...).';
    if (kind === 'update') return 'Bind arrays and update all rows at once: UPDATE ... FROM UNNEST($1::type[], $2::type[]) AS v(id, value) WHERE t.id = v.id.';
    return 'Bind the keys as an array and delete them at once: DELETE ... WHERE id = ANY($1).';
  },

  streamAdvice: 'stream the rows with .fetch(..) instead of fetch_all, or walk keyset chunks (WHERE id > $last ORDER BY id LIMIT 1000)',
  streamsRows: (_text, query) => query.terminal === 'fetch',
};
