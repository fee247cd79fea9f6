/**
 * PostgreSQL: `CREATE INDEX` on a table that already exists blocks writes to
 * it for the whole build. In a migration, index existing tables CONCURRENTLY.
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import { concurrentIndexEdit } from '../host/python/concurrent-index';
import type { Span, Statement } from '../sql/model';
import type { CoreFix, FileContext, Rule, RuleReport } from './types';

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
  // Its fix depends on the file's other statements (CONCURRENTLY must stand alone).
  scope: 'file',
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
          ctx.report(alembicReport(ctx.file, ctx.text, change.span, change.keywordSpan, shownTableName(table), change.name));
          continue;
        }
        if (migration.set.tool === 'drizzle') {
          ctx.report(drizzleReport(change.keywordSpan, shownTableName(table), change.name));
          continue;
        }
        if (migration.set.tool === 'knex' || migration.set.tool === 'kysely' || migration.set.tool === 'typeorm') {
          ctx.report(scriptReport(migration.set.tool, migration.set.noTransaction === true, change.keywordSpan, shownTableName(table), change.name));
          continue;
        }
        const transaction = statement.inTransaction
          ? ' This statement is inside a BEGIN ... COMMIT block in this file: move it out, since CREATE INDEX CONCURRENTLY cannot run inside a transaction block.'
          : ' CREATE INDEX CONCURRENTLY cannot run inside a transaction block: make sure your migration tool runs this file without one.';
        ctx.report({
          span: change.keywordSpan,
          message:
            `CREATE INDEX${change.name ? ` ${change.name}` : ''} on existing table ${shownTableName(table)} without CONCURRENTLY ` +
            `blocks every write to ${shownTableName(table)} until the index is built. Use CREATE INDEX CONCURRENTLY.${transaction}`,
          explanation: [
            `**Table:** \`${shownTableName(table)}\`, created by an earlier migration (\`${table.origin.file}\`).`,
            '',
            'A plain `CREATE INDEX` takes a `SHARE` lock: reads go on, but INSERT, UPDATE and DELETE wait for the ' +
              'whole build, minutes on a large table. `CONCURRENTLY` builds without blocking writes, at the price of ' +
              'two table scans; it cannot run in a transaction block, and a failed build leaves an INVALID index to drop.',
          ].join('\n'),
          fixes: concurrentlyFix(ctx, statement, change.keywordSpan),
        });
      }
    }
  },
};

/**
 * CONCURRENTLY cannot run in a transaction block nor next to another statement
 * of the same query: the edit is offered only where the statement stands alone
 * in its file, in the form its tool runs outside a transaction (sqlx: the
 * `-- no-transaction` first line). Elsewhere the message says what to do.
 */
function concurrentlyFix(ctx: FileContext, statement: Statement, keyword: Span): CoreFix[] {
  const alone = ctx.document.statements.length === 1 && !statement.inTransaction;
  if (!alone) return [];
  const edits = [{ span: { start: keyword.end, end: keyword.end }, newText: ' CONCURRENTLY' }];
  if (ctx.migration?.set.tool === 'sqlx' && !ctx.text.startsWith('-- no-transaction')) edits.unshift({ span: { start: 0, end: 0 }, newText: '-- no-transaction\n' });
  return [{ title: 'Add CONCURRENTLY', isPreferred: true, changes: [{ kind: 'edit', file: ctx.file, edits }] }];
}

/**
 * knex and Kysely: a schema-builder index (`table.index(...)`, `db.schema.createIndex(...)`)
 * or a raw CREATE INDEX, in a migration that runs in the tool's transaction.
 * The message says how that tool runs the statement concurrently; no edit is
 * offered (the index fix writes a new migration in that form).
 */
function scriptReport(tool: 'knex' | 'kysely' | 'typeorm', noTransaction: boolean, keyword: Span, table: string, name?: string): RuleReport {
  const how =
    tool === 'knex'
      ? "Build it with knex.raw('CREATE INDEX CONCURRENTLY ...') in a migration that exports config = { transaction: false } (knex runs that file outside its migration transaction)."
      : tool === 'typeorm'
        ? noTransaction
          ? "Build it with queryRunner.query('CREATE INDEX CONCURRENTLY ...') in a migration whose class sets transaction = false (your migrationsTransactionMode lets it run outside a transaction)."
          : "TypeORM runs migrations in one transaction by default, where CONCURRENTLY cannot run: set migrationsTransactionMode: 'each' in the DataSource, then build it with queryRunner.query('CREATE INDEX CONCURRENTLY ...') in a migration whose class sets transaction = false."
      : noTransaction
        ? 'Your Migrator runs without transactions (disableTransactions: true): build it with sql`CREATE INDEX CONCURRENTLY ...`.execute(db).'
        : "Kysely's Migrator runs migrations in a transaction, where CONCURRENTLY cannot run: create it with disableTransactions: true and build the index with sql`CREATE INDEX CONCURRENTLY ...`.execute(db).";
  return {
    span: keyword,
    message: `CREATE INDEX${name ? ` ${name}` : ''} on existing table ${table} without CONCURRENTLY blocks every write to ${table} until the index is built. ${how}`,
    fixes: [],
  };
}

/**
 * drizzle-kit: drizzle-orm's migrator runs every pending migration in one
 * transaction, where CONCURRENTLY fails; no edit is offered.
 */
function drizzleReport(keyword: Span, table: string, name?: string): RuleReport {
  return {
    span: keyword,
    message:
      `CREATE INDEX${name ? ` ${name}` : ''} on existing table ${table} without CONCURRENTLY blocks every write to ${table} until the index is built. ` +
      "drizzle-kit's migrator runs pending migrations in one transaction, where CONCURRENTLY cannot run: on a large table, build the index with " +
      'CREATE INDEX CONCURRENTLY outside the migrator first (and write this statement with IF NOT EXISTS).',
    fixes: [],
  };
}

/**
 * Alembic runs each revision in a transaction, where CREATE INDEX CONCURRENTLY
 * fails: the fix (made on the syntax tree, host/python/concurrent-index.ts)
 * wraps the call in `autocommit_block()` and passes `postgresql_concurrently=True`.
 */
function alembicReport(file: string, text: string, call: Span, keyword: Span, table: string, name?: string): RuleReport {
  const edit = concurrentIndexEdit(text, call.start);
  return {
    span: keyword,
    message:
      `op.create_index${name ? ` ${name}` : ''} on existing table ${table} without postgresql_concurrently=True blocks every ` +
      `write to ${table} until the index is built. Pass postgresql_concurrently=True inside ` +
      `\`with op.get_context().autocommit_block():\` (CONCURRENTLY cannot run in Alembic's migration transaction).`,
    fixes: edit
      ? [{ title: 'Create the index concurrently in an autocommit block', isPreferred: true, changes: [{ kind: 'edit', file, edits: [edit] }] }]
      : [],
  };
}
