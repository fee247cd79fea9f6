/**
 * A foreign key whose referencing columns no index leads with: every DELETE
 * or key UPDATE on the referenced table scans the referencing table to check
 * the constraint, and joins from parent to children scan too. PostgreSQL and
 * SQLite do not index the referencing side automatically.
 */
import { docsUrl } from '../../../../shared/types';
import type { ForeignKeyInfo, IndexInfo, TableInfo } from '../catalog/types';
import type { Span } from '../sql/model';
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
        if (servedBy(table, fk)) continue;
        const refName = spelledTableName(ctx.catalog, fk.refTable);
        let words = written.get(fk);
        if (words?.table !== table || words.refName !== refName) {
          // A catalog built again (an edit in a DDL statement of the file) has new objects: the words written of the
          // same foreign key, at its statement's own span, are taken while what they say is the same.
          const before = writtenAt.get(fk.origin.span);
          words = before && sameWords(before, table, fk, refName) ? { ...before, table, fk } : write(table, fk, refName);
          written.set(fk, words);
          writtenAt.set(fk.origin.span, words);
        }
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
 * Whether an index of `table` serves `fk` (`tableServes`), kept for the table it was found for (a catalog's tables do
 * not change once built), and over a catalog built again for the foreign key at the same span while its columns and
 * the table's indexes are the same.
 */
function servedBy(table: TableInfo, fk: ForeignKeyInfo): boolean {
  const known = served.get(fk);
  if (known?.table === table) return known.serves;
  const before = servedAt.get(fk.origin.span);
  const serves = before && sameStrings(before.fk.columns, fk.columns) && sameIndexes(before.table.indexes, table.indexes) ? before.serves : tableServes(table, fk.columns);
  const now = { table, fk, serves };
  served.set(fk, now);
  servedAt.set(fk.origin.span, now);
  return serves;
}

const served = new WeakMap<ForeignKeyInfo, { table: TableInfo; fk: ForeignKeyInfo; serves: boolean }>();
const servedAt = new WeakMap<Span, { table: TableInfo; fk: ForeignKeyInfo; serves: boolean }>();

/** A foreign key's message and explanation, with what they were written of. */
interface Words {
  table: TableInfo;
  fk: ForeignKeyInfo;
  refName: string;
  message: string;
  explanation: string;
}

/**
 * The message and explanation written for a foreign key, with the table and referenced name they
 * were written for: typing checks the file's foreign keys at each edit, and while the file's schema
 * statements stay the same the catalog keeps its tables (catalog/build.ts sameTables), whose
 * content does not change once built.
 */
const written = new WeakMap<ForeignKeyInfo, Words>();

/** The words last written of a foreign key by its span (its statement's own, which a parse moves in place: see shiftOwned). */
const writtenAt = new WeakMap<Span, Words>();

/** Whether `write(table, fk, refName)` would write `before`'s words: all it reads is the same. */
function sameWords(before: Words, table: TableInfo, fk: ForeignKeyInfo, refName: string): boolean {
  return (
    before.refName === refName &&
    shownTableName(before.table) === shownTableName(table) &&
    before.fk.name === fk.name &&
    sameStrings(before.fk.columns, fk.columns) &&
    sameStrings(before.fk.refColumns, fk.refColumns) &&
    sameIndexes(before.table.indexes, table.indexes)
  );
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether two lists of indexes read the same in `indexList`. */
function sameIndexes(a: readonly IndexInfo[], b: readonly IndexInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.name !== y.name || x.implicit !== y.implicit || x.unique !== y.unique || x.partial !== y.partial || x.method !== y.method || x.keys.length !== y.keys.length) return false;
    for (let k = 0; k < x.keys.length; k++) {
      const p = x.keys[k]!;
      const q = y.keys[k]!;
      if (p.column !== q.column || p.expression !== q.expression || p.desc !== q.desc) return false;
    }
  }
  return true;
}

function write(table: TableInfo, fk: ForeignKeyInfo, refName: string): Words {
  const name = shownTableName(table);
  const cols = formatColumns(name, fk.columns);
  const message =
    `Foreign key ${cols} → ${formatColumns(refName, fk.refColumns)} has no index leading with ` +
    `${fk.columns.join(', ')}: deleting or re-keying a ${refName} row, and joining ${refName} to ` +
    `${name}, scans ${name}. Add an index on ${cols}.`;
  return { table, fk, refName, message, explanation: explain(table, fk, refName) };
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
