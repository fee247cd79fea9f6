/**
 * PostgreSQL: `CREATE INDEX` on a table that already exists blocks writes to
 * it for the whole build. In a migration, index existing tables CONCURRENTLY.
 */
import { docsUrl } from '../../../../shared/types';
import type { Span } from '../sql/model';
import type { Rule, RuleReport } from './types';

const ID = 'non-concurrent-index-creation';

export const nonConcurrentIndexCreation: Rule = {
  meta: {
    id: ID,
    description: 'A migration creates an index on an existing PostgreSQL table without CONCURRENTLY, blocking writes.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'migration',
  },
  scope: 'statement',
  check(ctx) {
    const migration = ctx.migration;
    if (ctx.dialect !== 'postgres' || !migration || migration.isDown) return;
    for (const statement of ctx.document.statements) {
      for (const change of statement.changes) {
        if (change.kind !== 'createIndex' || change.concurrently) continue;
        const table = ctx.catalog.getTable(change.table);
        // Unknown tables, and tables created by this very migration, are empty: nothing to lock.
        if (!table || table.origin.order >= migration.order) continue;
        if (ctx.host?.alembic) {
          ctx.report(alembicReport(ctx.file, ctx.text, change.span, change.keywordSpan, table.name, change.name));
          continue;
        }
        const transaction = statement.inTransaction
          ? ' This statement is inside a BEGIN ... COMMIT block in this file: move it out, since CREATE INDEX CONCURRENTLY cannot run inside a transaction block.'
          : ' CREATE INDEX CONCURRENTLY cannot run inside a transaction block: make sure your migration tool runs this file without one.';
        ctx.report({
          span: change.keywordSpan,
          message:
            `CREATE INDEX${change.name ? ` ${change.name}` : ''} on existing table ${table.name} without CONCURRENTLY ` +
            `blocks every write to ${table.name} until the index is built. Use CREATE INDEX CONCURRENTLY.${transaction}`,
          explanation: [
            `**Table:** \`${table.name}\`, created by an earlier migration (\`${table.origin.file}\`).`,
            '',
            'A plain `CREATE INDEX` takes a `SHARE` lock: reads go on, but INSERT, UPDATE and DELETE wait for the ' +
              'whole build, minutes on a large table. `CONCURRENTLY` builds without blocking writes, at the price of ' +
              'two table scans; it cannot run in a transaction block, and a failed build leaves an INVALID index to drop.',
          ].join('\n'),
          fixes: [
            {
              title: 'Add CONCURRENTLY',
              // Inside a transaction the edit alone would make the migration fail: let the user choose.
              isPreferred: !statement.inTransaction,
              changes: [
                {
                  kind: 'edit',
                  file: ctx.file,
                  edits: [{ span: { start: change.keywordSpan.end, end: change.keywordSpan.end }, newText: ' CONCURRENTLY' }],
                },
              ],
            },
          ],
        });
      }
    }
  },
};

/**
 * Alembic runs each revision in a transaction, where CREATE INDEX CONCURRENTLY
 * fails: the fix wraps the call in `autocommit_block()` and passes
 * `postgresql_concurrently=True`, re-indenting a call that spans lines.
 */
function alembicReport(file: string, text: string, call: Span, keyword: Span, table: string, name?: string): RuleReport {
  const source = text.slice(call.start, call.end);
  let lineStart = call.start;
  while (lineStart > 0 && text[lineStart - 1] !== '\n') lineStart--;
  const indent = text.slice(lineStart, call.start);
  const onlyCallOnLine = /^[ \t]*$/.test(indent) && source.endsWith(')');
  const inner = `${indent}    `;
  const rewritten =
    `with op.get_context().autocommit_block():\n${inner}` +
    source.slice(0, -1).replace(/\n/g, '\n    ') +
    `, postgresql_concurrently=True)`;
  return {
    span: keyword,
    message:
      `op.create_index${name ? ` ${name}` : ''} on existing table ${table} without postgresql_concurrently=True blocks every ` +
      `write to ${table} until the index is built. Pass postgresql_concurrently=True inside ` +
      `\`with op.get_context().autocommit_block():\` (CONCURRENTLY cannot run in Alembic's migration transaction).`,
    fixes: onlyCallOnLine
      ? [
          {
            title: 'Create the index concurrently in an autocommit block',
            isPreferred: true,
            changes: [{ kind: 'edit', file, edits: [{ span: call, newText: rewritten }] }],
          },
        ]
      : [],
  };
}
