/**
 * `SELECT *` at the top level: it reads and sends every column (including
 * wide ones added later) and prevents index-only scans. The fix spells out the
 * columns the catalog knows, in declaration order.
 */
import { docsUrl, type Dialect } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import { embeddedDialect } from '../host/extract';
import { hostQueryOf } from './host-helpers';
import { knownTable, tableRefs } from './query-helpers';
import type { CoreFix, FileContext, Rule } from './types';
import type { Span, Statement } from '../sql/model';

const ID = 'select-star';

export const selectStar: Rule = {
  meta: {
    id: ID,
    description: 'SELECT * reads every column, including ones added later, and rules out index-only scans.',
    defaultSeverity: 'info',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    for (const statement of ctx.document.statements) {
      const query = statement.query;
      if (statement.kind !== 'select' || !query?.selectStar) continue;
      const refs = tableRefs(query);
      const table = refs.length === 1 ? knownTable(ctx.catalog, refs[0].name) : undefined;
      const columns = table ? [...table.columns.keys()] : [];
      // A query builder's `*` (`.select('*')`, `.selectAll()`) is host code, not SQL: the SQL column list would not fit there.
      const fixable = !query.setOp && columns.length > 0 && !statement.orm;
      const fix = fixable ? columnListFix(ctx, statement, query.selectStar, columns) : undefined;
      ctx.report({
        span: query.selectStar,
        message:
          'SELECT * reads and sends every column, including ones added later, and rules out index-only scans. ' +
          (fixable ? `List the columns you need (${shownTableName(table!)} has ${columns.length}).` : 'List the columns you need.'),
        explanation: table
          ? `**Columns of \`${shownTableName(table)}\`:** ${columns.map((c) => `\`${c}\``).join(', ')}\n\nName only the ones the caller reads: less I/O, and an index that contains them can answer without touching the table.`
          : 'Name only the columns the caller reads: less I/O, and an index that contains them can answer without touching the table.',
        fixes: fix ? [fix] : [],
      });
    }
  },
};

/**
 * The column list in place of the `*`, quoted for the SQL's dialect (the code's, for SQL in host code:
 * dub's PlanetScale queries are MySQL's). None when the SQL sits in a host string whose quote a quoted
 * name would close (`"SELECT * FROM Domain ..."` in TypeScript, with `"expiredUrl"`): escaping differs
 * by language and string kind (a raw string keeps the backslash).
 */
function columnListFix(ctx: FileContext, statement: Statement, star: Span, columns: string[]): CoreFix | undefined {
  const written = ctx.text.slice(star.start, star.end);
  // Keep the qualifier of `t.*`.
  const qualifier = written.endsWith('*') ? written.slice(0, -1).trimEnd() : '';
  const sql = hostQueryOf(ctx, statement)?.sql;
  const dialect = sql ? embeddedDialect(sql, ctx.dialect) : ctx.dialect;
  const list = columns.map((c) => qualifier + quoteIdent(c, dialect)).join(', ');
  if (sql) {
    const quote = /["'`]/.exec(ctx.text.slice(sql.literal.start, sql.literal.end))?.[0];
    if (quote === undefined || list.includes(quote)) return undefined;
  }
  return {
    title: 'Replace * with the column list',
    changes: [{ kind: 'edit', file: ctx.file, edits: [{ span: star, newText: list }] }],
  };
}

/** Words that are common column names and reserved in at least one dialect. */
const RESERVED = new Set(['order', 'group', 'user', 'select', 'from', 'where', 'table', 'limit', 'key', 'desc', 'check', 'default', 'column', 'to', 'end']);

function quoteIdent(name: string, dialect: Dialect): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}
