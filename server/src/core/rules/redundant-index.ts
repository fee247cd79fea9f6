/**
 * An index whose keys are a leading prefix of (or equal to) another index's
 * keys on the same table: the longer index serves every lookup the shorter
 * one does, while both slow down every write and take space.
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import type { IndexInfo, TableInfo } from '../catalog/types';
import type { IndexKey, Span } from '../sql/model';
import { describeIndex, indexList, tablesDeclaringIn } from './query-helpers';
import type { CoreFix, FileContext, Rule } from './types';

const ID = 'redundant-index';

export const redundantIndex: Rule = {
  meta: {
    id: ID,
    description: "An index's keys are a leading prefix of another index on the same table.",
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'schema',
  },
  scope: 'file',
  check(ctx) {
    for (const table of tablesDeclaringIn(ctx.catalog, ctx.file)) {
      for (const index of table.indexes) {
        if (index.origin.file !== ctx.file || !isDroppable(index)) continue;
        const cover = table.indexes.find((other) => other !== index && makesRedundant(other, index));
        if (!cover) continue;
        const same = cover.keys.length === index.keys.length;
        ctx.report({
          span: index.origin.span,
          message:
            `Index ${index.name} on ${shownTableName(table)}(${keyNames(index.keys)}) is redundant: ${cover.name} ` +
            `(${keyNames(cover.keys)}) ${same ? 'has the same keys' : 'starts with the same keys'} and serves the same ` +
            `lookups. It only slows down writes and takes space; ${ctx.migration?.shipped ? `drop it in a new migration (DROP INDEX ${index.name}).` : ctx.migration ? 'drop it (this migration has not shipped yet, so it can still be removed here).' : 'drop it.'}`,
          explanation: explain(table, index, cover),
          fixes: deleteFix(ctx, index),
        });
      }
    }
  },
};

/** Only plain, non-unique column indexes can go without changing behaviour. */
function isDroppable(index: IndexInfo): boolean {
  return !index.unique && !index.implicit && index.keys.every((k) => k.column !== undefined);
}

/**
 * Whether `cover` serves every lookup `index` serves: same method, keys a
 * prefix with the same order and operator class (a `text_pattern_ops` index
 * serves LIKE 'abc%', a plain one does not), and a partial cover only for an
 * index with the very same predicate.
 */
function makesRedundant(cover: IndexInfo, index: IndexInfo): boolean {
  if (methodOf(cover) !== methodOf(index) || cover.keys.length < index.keys.length) return false;
  if ((cover.partial || index.partial) && !(cover.partial && index.partial && samePredicate(cover, index))) return false;
  // Only B-tree keys are ordered: a prefix of a GIN, GiST or hash index does not serve the same lookups.
  if (methodOf(cover) !== 'btree' && cover.keys.length !== index.keys.length) return false;
  if (!index.keys.every((k, i) => sameKey(k, cover.keys[i]))) return false;
  if (cover.keys.length > index.keys.length || cover.unique || cover.implicit) return true;
  // Two identical plain indexes: the one created later is the redundant one.
  return before(cover, index);
}

function methodOf(index: IndexInfo): string {
  return (index.method || 'btree').toLowerCase();
}

function samePredicate(a: IndexInfo, b: IndexInfo): boolean {
  const norm = (w: string | undefined) => (w ?? '').replace(/\s+/g, ' ').replace(/^\(+|\)+$/g, '').trim().toLowerCase();
  return a.where !== undefined && norm(a.where) === norm(b.where);
}

function sameKey(a: IndexKey, b: IndexKey): boolean {
  return a.column === b.column && !!a.desc === !!b.desc && (a.opclass ?? '') === (b.opclass ?? '');
}

function before(a: IndexInfo, b: IndexInfo): boolean {
  if (a.origin.order !== b.origin.order) return a.origin.order < b.origin.order;
  if (a.origin.file !== b.origin.file) return a.origin.file < b.origin.file;
  return a.origin.span.start < b.origin.span.start;
}

function keyNames(keys: IndexKey[]): string {
  return keys.map((k) => (k.column ?? `(${k.expression})`) + (k.desc ? ' DESC' : '')).join(', ');
}

function explain(table: TableInfo, index: IndexInfo, cover: IndexInfo): string {
  return [
    `**Redundant:** ${describeIndex(index)}`,
    `**Made redundant by:** ${describeIndex(cover)}`,
    '',
    indexList(table),
    '',
    'A B-tree index serves any lookup on a leading prefix of its keys, so the longer index answers every query ' +
      'the shorter one does. Each extra index is written on every INSERT and on UPDATEs of its columns, and ' +
      'competes for cache.',
  ].join('\n');
}

/**
 * Deletes the CREATE INDEX statement (with its semicolon and line) when it
 * stands alone in this file; in a shipped migration (history is not edited),
 * or where no statement can be deleted, a new migration drops the index.
 */
function deleteFix(ctx: FileContext, index: IndexInfo): CoreFix[] {
  if (ctx.migration?.shipped) return ctx.dropIndexFixes(index);
  const statement = ctx.document.statements.find(
    (s) =>
      s.kind === 'create_index' &&
      s.changes.length === 1 &&
      s.span.start <= index.origin.span.start &&
      index.origin.span.end <= s.span.end,
  );
  if (!statement) return ctx.migration ? ctx.dropIndexFixes(index) : [];
  return [
    {
      title: `Remove redundant index ${index.name}`,
      isPreferred: false,
      changes: [{ kind: 'edit', file: ctx.file, edits: [{ span: statementLines(ctx.text, statement.span), newText: '' }] }],
    },
  ];
}

/** The statement plus its semicolon, and its whole line(s) when nothing else is on them. */
function statementLines(text: string, span: Span): Span {
  let end = span.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  if (text[end] === ';') end++;
  let lineEnd = end;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t' || text[lineEnd] === '\r')) lineEnd++;
  let start = span.start;
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  const aloneAtStart = lineStart === 0 || text[lineStart - 1] === '\n';
  const aloneAtEnd = lineEnd === text.length || text[lineEnd] === '\n';
  if (aloneAtStart && aloneAtEnd) {
    start = lineStart;
    end = lineEnd < text.length ? lineEnd + 1 : lineEnd;
  }
  return { start, end };
}
