/**
 * An ORM or query-builder write with no filter: `prisma.user.deleteMany()`,
 * `deleteMany({})`, `updateMany({ data })` without `where`, knex's
 * `knex('t').del()`, Kysely's `db.deleteFrom('t').execute()`, Drizzle's
 * `db.delete(t)`: one call changes every row of the table. In host code a
 * whole-table write is almost always a filter that got lost (a `where` built
 * elsewhere, a spread that came out empty, a forgotten condition), and it
 * cannot be undone.
 *
 * Only queries whose filter the reader saw whole count: the readers the
 * language's adapter vouches for (`readsWritesWhole`) leave a write with a
 * dynamic filter unread (core/prisma/client.ts) or say it has one
 * (`unreadFilter`: builders.ts's `.where(match)`, `.where(cond ? 'a' : 'b', '=', x)`,
 * `.whereRaw(..)`), so "no predicate" means none is written. SQLAlchemy's and TypeORM's readers keep
 * the readable part of a filter, so their writes are not judged. A chain handed on unexecuted (its
 * caller may add `.where`) is not reported. In a script, seed or job file
 * (host-helpers.ts `codePath`) emptying a table is often the point (resetting
 * data): info, saying so.
 */
import { docsUrl } from '../../../../shared/types';
import { spelledTableName } from '../catalog/build';
import { adapterOf } from '../host/languages';
import type { HostQuery } from '../host/types';
import { codePath, seedFile, spanText, statementOf } from './host-helpers';
import type { Rule } from './types';

const ID = 'unfiltered-write';


export const unfilteredWrite: Rule = {
  meta: {
    id: ID,
    description: 'An ORM DELETE or UPDATE with no WHERE changes every row of the table.',
    defaultSeverity: 'error',
    docs: docsUrl(ID),
    fixable: false,
    category: 'query',
  },
  scope: 'file',
  check(ctx) {
    const host = ctx.host;
    if (!host || ctx.migration) return;
    const adapter = adapterOf(host.language);
    host.queries.forEach((query, index) => {
      if (!isUnfilteredWrite(query) || !adapter.readsWritesWhole?.(query)) return;
      const model = statementOf(ctx, index)?.query ?? query.model!;
      const written = model.tables[0]?.name;
      const table = written !== undefined ? spelledTableName(ctx.catalog, written) : (query.entity ?? 'the table');
      const verb = query.statementKind === 'delete' ? 'deletes' : 'updates';
      const seed = seedFile(ctx.file);
      const path = seed ? { kind: 'batch' as const, why: `in a seed script (${seed})` } : codePath(ctx.file, query);
      const batch = path?.kind === 'batch';
      // Prisma Client's filter is an argument: a call with no `where` at all (`deleteMany()`, `updateMany({ data })`)
      // did not lose one on the way, it asks for every row (rallly's one-row license table, replaced in a transaction).
      const asked = !batch && query.orm === 'prisma' && !/\bwhere\b/.test(spanText(ctx.text, query.span));
      ctx.report({
        span: query.span,
        message:
          `This ${query.statementKind.toUpperCase()} has no WHERE: it ${verb} every row of ${table}. ` +
          'If that is not the intent, add the filter (a where built elsewhere or left empty here sends none).' +
          (batch ? ` It runs ${path.why}, where emptying or resetting a table is often the point (info, not error).` : '') +
          (asked ? ' The call names no where at all, the way Prisma Client is asked for every row on purpose (a reset, a table of one row): info, not error.' : ''),
        ...(batch || asked ? { tentative: true } : {}),
        explanation: [
          `**Table:** \`${table}\``,
          '',
          'A write without a filter touches the whole table in one statement: it locks or rewrites every row, ' +
            'and a lost condition cannot be undone. When the whole table is meant, say so in the code ' +
            "(a `// querylens-ignore unfiltered-write` comment) or use `TRUNCATE` for a delete.",
        ].join('\n'),
      });
    });
  },
};

/** An executed ORM/builder UPDATE or DELETE whose model has no condition at all. */
function isUnfilteredWrite(query: HostQuery): boolean {
  const model = query.model;
  if (query.kind !== 'orm' || !model || (query.statementKind !== 'delete' && query.statementKind !== 'update')) return false;
  if (query.terminal === 'unknown' || query.unreadFilter) return false;
  return model.predicates.length === 0 && model.equalities.length === 0 && model.joins.length === 0 && model.subqueries.length === 0 && !model.limit;
}
