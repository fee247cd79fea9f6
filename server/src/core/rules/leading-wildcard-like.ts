/**
 * `col LIKE '%abc'`: a pattern that starts with a wildcard cannot use a
 * B-tree index, so every call scans the table. On PostgreSQL a trigram GIN
 * index serves it; elsewhere the answer is full-text search. In a job or
 * script (a batch path, host-helpers.ts `codePath`) the scan is paid per run,
 * not per request: info, saying so. So in a staff tool (an `admin/` or
 * `backoffice/` folder): staff search it, not every user's request.
 */
import { docsUrl } from '../../../../shared/types';
import { spelledTableName } from '../catalog/build';
import type { TableInfo } from '../catalog/types';
import type { Predicate, Span } from '../sql/model';
import { adminFolder, codePath, hostQueryOf, spanText } from './host-helpers';
import { columnTable, eachQuery, indexList, knownTable, siftedReason, startsWithWildcard } from './query-helpers';
import type { Rule } from './types';

const ID = 'leading-wildcard-like';

export const leadingWildcardLike: Rule = {
  meta: {
    id: ID,
    description: 'LIKE/ILIKE with a pattern that starts with a wildcard cannot use a B-tree index.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    const postgres = ctx.dialect === 'postgres';
    for (const { query, statement } of eachQuery(ctx.document.statements)) {
      const bound = hostQueryOf(ctx, statement)?.boundPatterns ?? [];
      for (const p of query.predicates) {
        // `LIKE $1` where the code binds `format!("%{}%", q)` to $1: that text is the pattern.
        const pattern = p.pattern ?? (p.valueKind === 'param' ? bound.find((b) => within(b.span, p.span))?.pattern : undefined);
        if (!isLeadingWildcard(p.op, pattern) || withoutTrigram(pattern)) continue;
        const tableName = columnTable(query, p.column, ctx.catalog);
        const table = tableName ? knownTable(ctx.catalog, tableName) : undefined;
        if (postgres && table && hasTrigramIndex(table, p.column.column)) continue;
        if (table && isContainer(table.columns.get(p.column.column)?.type)) continue; // `.contains(x)` on an array/JSON column is `@>`
        const shown = tableName ? spelledTableName(ctx.catalog, tableName) : undefined;
        const column = shown ? `${shown}.${p.column.column}` : p.column.column;
        const operator = p.op === 'ilike' ? 'ILIKE' : 'LIKE';
        // ORM code (`Agent.name.contains("x")`): quote the call as written, then the SQL it sends.
        const orm = hostQueryOf(ctx, statement)?.kind === 'orm';
        const what = `${column} ${operator} '${pattern}'`;
        const how = postgres
          ? `Add a trigram index: CREATE INDEX ... USING gin (${p.column.column} gin_trgm_ops) (needs the pg_trgm extension).`
          : `Use full-text search (${ctx.dialect === 'sqlite' ? 'an FTS5 table' : 'a FULLTEXT index with MATCH ... AGAINST'}) or anchor the pattern at the start${orm ? ` (${ctx.host?.language === 'python' ? '.startswith()' : 'startsWith'})` : ''}.`;
        // Under an OR with conditions on other columns, the scan goes only when every arm can use an
        // index (a BitmapOr): this column's index alone may change nothing.
        const otherArms = p.disjunctive ? query.predicates.filter((o) => o.disjunctive && o !== p && o.column.column !== p.column.column) : [];
        const orNote = otherArms.length
          ? ` It sits in an OR with ${otherArms.map((o) => o.column.column).filter((c, i, all) => all.indexOf(c) === i).join(', ')}: the scan goes only when every arm of the OR can use an index, so this index alone may not remove it (info, not warning).`
          : '';
        const hostQuery = hostQueryOf(ctx, statement);
        const path = hostQuery ? codePath(ctx.file, hostQuery) : undefined;
        const jobNote =
          path?.kind === 'batch' && !orNote
            ? ` It runs ${path.why}: a scan per run of the job, not per request, so the index pays off only if the job runs often (info, not warning).`
            : '';
        const sifted = !orNote && !jobNote && table ? siftedReason(query, table, ctx.catalog) : undefined;
        const siftNote = sifted ? ` But ${sifted}: the index pays off only if those rows are many (info, not warning).` : '';
        const admin = !orNote && !jobNote && !siftNote ? adminFolder(ctx.file) : undefined;
        const adminNote = admin
          ? ` It runs in a staff tool (folder ${admin}/): searches by staff, not by users on every request, so the index pays off only if they search often (info, not warning).`
          : '';
        ctx.report({
          span: p.span,
          message: `${orm ? `${spanText(ctx.text, p.span)} sends ${what}, which` : what} starts with a wildcard, so no B-tree index can serve it: ${sifted ? 'alone it would scan' : 'every call scans'} ${shown ?? 'the table'}. ${how}${orNote}${jobNote}${siftNote}${adminNote}`,
          ...(orNote || jobNote || siftNote || adminNote ? { tentative: true } : {}),
          explanation: [
            `**Column:** \`${column}\` — ${operator} with pattern \`${pattern}\` (leading \`${pattern[0]}\`)`,
            '',
            table ? indexList(table) : 'The table is not in the schema catalog.',
            '',
            'A B-tree index is sorted by the value from its first character, so only patterns anchored at the start ' +
              "(`'abc%'`) can seek into it. A leading `%` or `_` makes the database test every row." +
              (postgres ? ' A `gin_trgm_ops` index indexes three-letter pieces of the value and serves any LIKE/ILIKE pattern.' : ''),
          ].join('\n'),
          ...(postgres && table
            ? { indexFixes: { suggestion: { table: table.name, columns: [p.column.column], method: 'gin', opclass: 'gin_trgm_ops' }, near: statement.span } }
            : {}),
        });
      }
    }
  },
};

function isLeadingWildcard(op: Predicate['op'], pattern: string | undefined): pattern is string {
  return (op === 'like' || op === 'ilike') && pattern !== undefined && startsWithWildcard(pattern);
}

/**
 * Whether a pattern the code spells out whole is open at both ends and holds no three characters
 * between its wildcards (langfuse's telemetry: `email ILIKE '%@%'`): a trigram index draws no
 * trigram from it to seek by (pg_trgm pads only the ends a pattern anchors), and full-text search
 * no word, so no index serves the query: it reads every row by design. A pattern with a hole
 * (`%{q}%`, a bound value's) may hold any text.
 */
function withoutTrigram(pattern: string): boolean {
  if (pattern.includes('{') || !pattern.startsWith('%') || !/(?<!\\)%$/.test(pattern)) return false;
  return pattern.split(/(?<!\\)[%_]/).every((run) => run.replace(/\\(.)/g, '$1').length < 3);
}

function within(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

function hasTrigramIndex(table: TableInfo, column: string): boolean {
  return table.indexes.some(
    (i) => ['gin', 'gist'].includes(i.method) && i.keys.some((k) => k.column === column && /trgm/i.test(k.opclass ?? '')),
  );
}

/** Array and JSON columns: the ORM's `.contains()` on them is containment, never LIKE. */
function isContainer(type: string | undefined): boolean {
  return !!type && /^(array|jsonb?|hstore|list\b|list\[)|\[\]$/i.test(type);
}
