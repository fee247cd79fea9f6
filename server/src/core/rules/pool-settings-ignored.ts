/**
 * Pool settings written where the library does not read them: knex's
 * `pool: { min, max }` inside `connection`. knex hands `connection` to the
 * driver (node-postgres, mysql2, sqlite3), which ignores a `pool` entry, and
 * builds its own pool from the top-level `pool` only: the pool keeps knex's
 * defaults (2 to 10 connections), whatever the settings say. Checked with
 * the real knex: `knex({ client: 'pg', connection: { ..., pool: { max: 1 } } })`
 * has `client.pool.max === 10`.
 *
 * The fix moves the entry to the configuration object, where knex reads it;
 * none when the configuration has a `pool` already (the misplaced one is
 * then only dead code to remove by hand).
 */
import { fileFix, poolName, poolRule } from './pool-helpers';
import { POOL_DEFAULTS, type HostPool } from '../host/pools';
import type { FileContext, Rule } from './types';

const ID = 'pool-settings-ignored';

export const poolSettingsIgnored: Rule = poolRule(
  ID,
  "Pool settings written where the library does not read them (knex's pool inside connection): the pool keeps its defaults.",
  'warning',
  check,
);

function check(ctx: FileContext, pool: HostPool): void {
  const misplaced = pool.misplacedPool;
  if (pool.library !== 'knex' || !misplaced) return;
  const { min, max } = POOL_DEFAULTS.knex;
  const insertion = misplaced.insertion;
  const fixes = insertion
    ? [fileFix(ctx, 'Move pool out of connection', [
        { span: misplaced.removal, newText: '' },
        { span: { start: insertion.at, end: insertion.at }, newText: insertion.before + reindented(ctx.text, misplaced.span, insertion.separator) + (insertion.after ?? '') },
      ])]
    : [];
  ctx.report({
    span: misplaced.span,
    message:
      `${poolName(ctx, pool)} has its pool settings inside connection, which knex hands to the database driver, and the driver ignores them: ` +
      `knex builds its pool from the top-level pool option only, so this pool keeps knex's defaults (${min} to ${max} connections) whatever these settings say. ` +
      (insertion ? 'Move pool out of connection, next to it.' : 'The configuration has a top-level pool already: remove this one.'),
    explanation:
      "knex passes `connection` to the driver's connect call as it is (node-postgres, mysql2 and sqlite3 ignore a `pool` entry there) " +
      'and gives the top-level `pool` to tarn, its pool. Checked: `knex({ client: \'pg\', connection: { ..., pool: { max: 1 } } }).client.pool.max` is 10.',
    fixes,
  });
}

/** The entry's text, its continuation lines moved to the indentation of the entries it joins (`separator` ends with it). */
function reindented(text: string, span: { start: number; end: number }, separator: string): string {
  const entry = text.slice(span.start, span.end);
  const lines = entry.split('\n');
  if (lines.length === 1) return entry;
  const target = /[ \t]*$/.exec(separator)![0];
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  const current = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return [lines[0], ...lines.slice(1).map((l) => (l.startsWith(current) ? target + l.slice(current.length) : l))].join('\n');
}
