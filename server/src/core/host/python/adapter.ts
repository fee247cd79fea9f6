/**
 * Python's ORM and driver knowledge for the rules (host/adapter.ts):
 * SQLAlchemy sessions, `text()` queries with `:name` parameters, `selectinload`.
 */
import { awaited, rewriteLiteral, spanText } from '../../rules/host-text';
import type { Span } from '../../sql/model';
import { py, pyDict } from '../../migrations/alembic';
import type { BuiltStatement, HostAdapter } from '../adapter';
import { modelIndexEdits } from './model-index';

export const pythonAdapter: HostAdapter = {
  awaitSyntax: 'prefix',
  allRowsTerminals: ['execute'],

  batchedSqlPredicate: (column) => `WHERE ${column} = ANY(:keys)`,
  batchedOrmPredicate: (entity, column) => `${entity}.${column}.in_(keys)`,
  collectKeys(loop, keys) {
    const collect: string[] = [];
    // A Result/ScalarResult is consumed by one pass: keep its rows in a list for both passes.
    if (loop.rowsTerminal !== 'all') collect.push(`${loop.iterable} = list(${loop.iterable})`);
    collect.push(`${keys} = [${loop.keyExpression} for ${loop.targets.join(', ')} in ${loop.iterable}]`);
    return collect;
  },
  batchSqlQuery(ctx, query, key, site) {
    const postgres = (query.sql!.dialect ?? ctx.dialect) === 'postgres';
    // SQLAlchemy text() binds `:name`; other driver styles are left to the user.
    const sql = rewriteLiteral(ctx, query, key, (column, placeholder) =>
      !placeholder.startsWith(':') ? undefined : postgres ? `${column} = ANY(:${site.keys})` : `${column} IN :${site.keys}`,
    );
    const prefix = ctx.text.slice(query.span.start, query.sql!.literal.start).replace(/^await\s+/, '');
    const opens = [...prefix].filter((c) => c === '(').length - [...prefix].filter((c) => c === ')').length;
    if (!sql || opens < 1) return undefined;
    const params = `{"${site.keys}": ${site.keys}}`;
    let call: string;
    let importEdit: BuiltStatement['importEdit'];
    if (postgres) {
      call = `${prefix}${sql}${')'.repeat(opens - 1)}, ${params})`;
    } else {
      // `IN :ids` needs an expanding bind parameter: SQLAlchemy writes one placeholder per key.
      if (!/\btext\($/.test(prefix) || opens < 2) return undefined;
      call = `${prefix}${sql}).bindparams(bindparam("${site.keys}", expanding=True))${')'.repeat(opens - 2)}, ${params})`;
      importEdit = pythonImportEdit(ctx.text, 'sqlalchemy', 'bindparam');
    }
    const rows = awaited(ctx.text, query.span) ? `(await ${call}).all()` : `${call}.all()`;
    return { statement: `${site.rows} = ${rows}`, importEdit };
  },
  batchOrmQuery(ctx, query, loopTargets, key, site) {
    const entity = query.entity;
    const call = spanText(ctx.text, query.span).replace(/^await\s+/, '');
    const receiver = /^([\w.]+?)\.(?:execute|scalars|scalar|query|get|get_one)\(/.exec(call)?.[1];
    if (!entity || !receiver) return undefined;
    const written = spanText(ctx.text, key.column.span);
    const column = /^\w+(\.\w+)+$/.test(written) ? written : `${entity}.${key.column.column}`;
    const loopNames = new RegExp(`\\b(${loopTargets.join('|')})\\b`);
    const others = (query.model?.predicates ?? []).filter((p) => p !== key).map((p) => spanText(ctx.text, p.span));
    // Other conditions are kept as written: only when they are ORM expressions free of the loop variable.
    if (others.some((o) => loopNames.test(o) || !/^\w+\.\w+/.test(o))) return undefined;
    const conditions = [`${column}.in_(${site.keys})`, ...others].join(', ');
    if (/\.query\(/.test(call)) return { statement: `${site.rows} = ${receiver}.query(${entity}).filter(${conditions}).all()` };
    const execute = `${receiver}.execute(select(${entity}).where(${conditions}))`;
    const rows = awaited(ctx.text, query.span) ? `(await ${execute}).scalars().all()` : `${execute}.scalars().all()`;
    return { statement: `${site.rows} = ${rows}`, importEdit: pythonImportEdit(ctx.text, 'sqlalchemy', 'select') };
  },
  eagerLoadFix(ctx, query, path) {
    if (query.beforeTerminal === undefined) return [];
    const at = query.beforeTerminal;
    const edits = [{ span: { start: at, end: at }, newText: `.options(selectinload(${path}))` }];
    const importEdit = pythonImportEdit(ctx.text, 'sqlalchemy.orm', 'selectinload');
    if (importEdit) edits.push(importEdit);
    return [{ title: `Load ${path} with the query (selectinload)`, isPreferred: true, changes: [{ kind: 'edit', file: ctx.file, edits }] }];
  },

  commitOnceAdvice: (_dialect, receiver, items, adds) => (adds ? `Add them all with ${receiver}.add_all(${items}) and commit once after the loop.` : `Commit once after the loop.`),
  movesCommitAfterLoop: true,
  batchWriteAdvice(_dialect, kind, entity, table) {
    if (kind === 'insert') return `Insert all rows in one statement: session.execute(insert(${entity}), rows) or insert(${table ?? 'table'}).values([...]).`;
    if (kind === 'update') return `Update all rows in one call: session.execute(update(${entity}), [{"id": ..., ...}, ...]) (bulk UPDATE by primary key), or one UPDATE with WHERE id IN (...) when the values are the same.`;
    return `Delete all rows in one statement: delete(${entity}).where(${entity}.id.in_(ids)).`;
  },

  modelIndexEdits(text, origin, s, index, dialect) {
    const postgres = dialect === 'postgres';
    const method = postgres ? index.method : undefined;
    const args = [py(index.name), ...s.columns.map(py)];
    if (method && method.toLowerCase() !== 'btree') args.push(`postgresql_using=${py(method.toLowerCase())}`);
    if (postgres && s.opclass) args.push(`postgresql_ops={${s.columns.map((c) => `${py(c)}: ${py(s.opclass!)}`).join(', ')}}`);
    if (postgres && s.options) args.push(`postgresql_with=${pyDict(Object.entries(s.options))}`);
    return modelIndexEdits(text, origin, args);
  },

  paginationAdvice: (query) => (query.kind === 'orm' ? { page: '(.limit(...) plus a keyset: .where(T.id > last_id).order_by(T.id))' } : undefined),
  streamAdvice: 'stream them (.execution_options(yield_per=1000), session.stream_scalars(...)) or walk keyset chunks (WHERE id > :last ORDER BY id LIMIT 1000)',
  streamsRows: (text, query) => /\b(yield_per|stream|stream_scalars|partitions)\b/.test(spanText(text, query.span)),
};

/**
 * The edit that adds `from <module> import <name>` after the file's last
 * top-level import statement (or at the top), or undefined when `name` is
 * already imported.
 */
export function pythonImportEdit(text: string, module: string, name: string): { span: Span; newText: string } | undefined {
  const imported = new RegExp(`^(from\\s+[\\w.]+\\s+import\\s+(\\([^)]*|[^\\n]*)\\b${name}\\b|import\\s+[^\\n]*\\b${name}\\b)`, 'm');
  if (imported.test(text)) return undefined;
  const line = `from ${module} import ${name}`;
  let after = -1;
  for (const m of text.matchAll(/^(from\s+[\w.]+\s+import\s+\([^)]*\)|from\s+[\w.]+\s+import\b[^\n]*|import\s+[^\n]*)/gm)) {
    after = m.index! + m[0].length;
  }
  if (after >= 0) return { span: { start: after, end: after }, newText: `\n${line}` };
  // No imports: below a shebang / encoding line, else at the very top.
  const header = /^(#![^\n]*\n)?(#[^\n]*coding[:=][^\n]*\n)?/.exec(text)![0].length;
  return { span: { start: header, end: header }, newText: `${line}\n` };
}
