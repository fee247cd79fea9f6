/**
 * A foreign key whose referencing columns no index leads with: every DELETE
 * or key UPDATE on the referenced table scans the referencing table to check
 * the constraint, and joins from parent to children scan too. PostgreSQL and
 * SQLite do not index the referencing side automatically.
 */
import { docsUrl } from '../../../../shared/types';
import type { ForeignKeyInfo, TableInfo } from '../catalog/types';
import { shownTableName, spelledTableName } from '../catalog/build';
import { formatColumns, indexList, tableServes, tablesDeclaringIn } from './query-helpers';
import type { Rule } from './types';

const ID = 'unindexed-foreign-key';

export const unindexedForeignKey: Rule = {
  meta: {
    id: ID,
    description: 'A foreign key has no index on its referencing columns.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'schema',
  },
  scope: 'file',
  check(ctx) {
    // MySQL's InnoDB creates the index itself when a foreign key is declared.
    if (ctx.dialect === 'mysql') return;
    for (const table of tablesDeclaringIn(ctx.catalog, ctx.file)) {
      for (const fk of table.foreignKeys) {
        if (fk.origin.file !== ctx.file || fk.columns.length === 0) continue;
        if (tableServes(table, fk.columns)) continue;
        const refName = spelledTableName(ctx.catalog, fk.refTable);
        let words = written.get(fk);
        if (words?.table !== table || words.refName !== refName) written.set(fk, (words = write(table, fk, refName)));
        ctx.report({
          span: fk.origin.span,
          message: words.message,
          explanation: words.explanation,
          indexFixes: { suggestion: { table: table.name, columns: fk.columns }, near: fk.origin.span },
        });
      }
    }
  },
};

/**
 * The message and explanation written for a foreign key, with the table and referenced name they
 * were written for: typing checks the file's foreign keys at each edit, and while the file's schema
 * statements stay the same the catalog keeps its tables (catalog/build.ts sameTables), whose
 * content does not change once built.
 */
const written = new WeakMap<ForeignKeyInfo, { table: TableInfo; refName: string; message: string; explanation: string }>();

function write(table: TableInfo, fk: ForeignKeyInfo, refName: string): { table: TableInfo; refName: string; message: string; explanation: string } {
  const name = shownTableName(table);
  const cols = formatColumns(name, fk.columns);
  const message =
    `Foreign key ${cols} → ${formatColumns(refName, fk.refColumns)} has no index leading with ` +
    `${fk.columns.join(', ')}: deleting or re-keying a ${refName} row, and joining ${refName} to ` +
    `${name}, scans ${name}. Add an index on ${cols}.`;
  return { table, refName, message, explanation: explain(table, fk, refName) };
}

function explain(table: TableInfo, fk: ForeignKeyInfo, refName: string): string {
  const name = shownTableName(table);
  return [
    `**Foreign key** ${fk.name ? `\`${fk.name}\` ` : ''}\`${formatColumns(name, fk.columns)}\` references \`${formatColumns(refName, fk.refColumns)}\`.`,
    '',
    indexList(table),
    '',
    'The referenced side is indexed by its key; the referencing side is not indexed automatically. Each ' +
      `DELETE or key UPDATE on \`${refName}\` must find the \`${name}\` rows that point at it, and ` +
      'without an index leading with the foreign-key columns (in any order) that is a full scan, often while holding locks.',
  ].join('\n');
}
