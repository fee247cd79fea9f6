/**
 * N+1 queries in host code: one query for a list, then one more per row of
 * it. Two shapes, both read from the extraction (`ctx.host`):
 *
 * - a SELECT executed inside a loop whose parameters come from the loop's
 *   variable while the loop walks the rows of an earlier query; the fix (not
 *   preferred: the loop body still has to use it) inserts one batched query
 *   over the collected keys above the loop;
 * - a lazy SQLAlchemy relationship read on the rows of a multi-row ORM query
 *   inside a loop; the fix (preferred) adds `.options(selectinload(...))` to
 *   that query.
 */
import { docsUrl } from '../../../../shared/types';
import type { AttributeAccess, HostExtraction, HostModel, HostQuery } from '../host/types';
import type { Predicate, Span } from '../sql/model';
import {
  awaited, indentationAt, lineStart, pythonImportEdit, rowLoop, rowsSource, spanText,
  startsLine, statementOf, type RowLoop,
} from './host-helpers';
import { isScopeTable } from './index-judgement';
import type { CoreFix, FileContext, Rule } from './types';

const ID = 'n-plus-one';

/** `lazy=` settings that do not load one row's relationship with its own query. */
const NOT_LAZY = new Set(['selectin', 'joined', 'subquery', 'immediate', 'raise', 'raise_on_sql', 'noload', 'False', 'dynamic', 'write_only']);

export const nPlusOne: Rule = {
  meta: {
    id: ID,
    description: 'A query (or a lazy relationship load) runs once per row of an earlier query, inside a loop.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'file',
  check(ctx) {
    const host = ctx.host;
    if (!host) return;
    host.queries.forEach((query, index) => checkQueryInLoop(ctx, host, query, index));
    const seen = new Set<string>();
    for (const access of host.accesses) checkLazyAccess(ctx, host, access, seen);
  },
};

// ---------------------------------------------------------------------------
// A query per row

function checkQueryInLoop(ctx: FileContext, host: HostExtraction, query: HostQuery, index: number): void {
  if (query.loops.length === 0 || query.statementKind !== 'select') return;
  const row = rowLoop(host, query.loops, query.parameterRoots);
  if (!row || row.rowsOf?.index === index) return;
  // A tokio-postgres execution of a prepared statement: its SQL is the prepare's statement.
  const model = query.model ?? statementOf(ctx, query.preparedFrom ?? index)?.query;
  const table = model?.tables[0]?.name ?? query.entity ?? 'a table';
  const key = keyPredicate(ctx, query, index, row);
  const column = key ? key.column.column : 'the key column';
  // A per-row lookup in the very table the loop walks is often a check against rows the loop itself
  // changes (a duplicate check before an update, seen through autoflush): rows fetched before the
  // loop would miss those changes, so the batched rewrite is not offered and the finding is info.
  const outer = row.rowsOf ? (row.rowsOf.query.model ?? statementOf(ctx, row.rowsOf.query.preparedFrom ?? row.rowsOf.index)?.query) : undefined;
  const selfLookup = !!model?.tables[0] && outer?.tables[0]?.name === model.tables[0].name;
  // The rows of a scope (all projects, all groups): an installation has a few, so the loop runs a few times.
  const scope = outer?.tables[0] && isScopeTable(outer.tables[0].name) ? outer.tables[0].name : undefined;
  const batched =
    query.kind === 'orm'
      ? `${query.entity ?? 'Model'}.${column}.in_(keys)`
      : ctx.dialect !== 'postgres'
        ? `WHERE ${column} IN (...)`
        : host.language === 'python'
          ? `WHERE ${column} = ANY(:keys)`
          : `WHERE ${column} = ANY($1)`;
  ctx.report({
    span: query.span,
    message:
      `Query on ${table} runs once per ${row.target} ${rowsSource(ctx.text, row)}: N+1 round trips (one for the list, ` +
      `one per row), so the time grows with the rows. Fetch them in one query over the collected keys (${batched}) ` +
      `before the loop and match rows by ${column} inside it.` +
      (selfLookup
        ? ` It reads ${table}, the table the loop walks: if the loop changes those rows (a duplicate check before an update), rows fetched before the loop would miss the changes, so check that first (info, no automatic rewrite).`
        : '') +
      (scope ? ` (The loop walks ${scope}, which splits an installation into a few parts: a few round trips, worth batching only if there are many.)` : ''),
    ...(selfLookup || scope ? { tentative: true } : {}),
    explanation: [
      `**Loop:** \`${row.target}\` over \`${row.loop.iterable ?? '?'}\``,
      '',
      'Each iteration sends its own query and waits for the answer. With 1,000 rows that is 1,001 round trips; ' +
        'latency, not the database, sets the time. One query over all the keys does the same work in one trip.',
    ].join('\n'),
    fixes: key && !selfLookup ? batchFix(ctx, query, index, row, key) : [],
  });
}

/** The predicate fed by the loop variable: ORM, the one whose value mentions it; SQL, the only parameter. */
function keyPredicate(ctx: FileContext, query: HostQuery, index: number, row: RowLoop): Predicate | undefined {
  if (query.kind === 'orm') {
    const mentions = (p: Predicate) => new RegExp(`\\b${row.target}\\b`).test(ctx.text.slice(p.column.span.end, p.span.end));
    return query.model?.predicates.find((p) => !p.disjunctive && p.op === 'eq' && mentions(p));
  }
  const params = (statementOf(ctx, query.preparedFrom ?? index)?.query?.predicates ?? []).filter((p) => p.valueKind === 'param');
  return params.length === 1 && params[0].op === 'eq' && !params[0].disjunctive ? params[0] : undefined;
}

/** Where and how the batched query goes: above the loop, collecting the keys from its iterable. */
interface Batch {
  indent: string;
  at: number;
  keys: string;
  collect: string[];
  rows: string;
}

function batchSetup(ctx: FileContext, query: HostQuery, index: number, row: RowLoop, rust: boolean): Batch | undefined {
  const { loop } = row;
  const iterable = (loop.iterable ?? '').replace(/^&(mut\s+)?/, '');
  if (!['for', 'async-for'].includes(loop.kind) || !startsLine(ctx.text, loop.span.start)) return undefined;
  if (!/^[\w.]+$/.test(iterable) || !row.rowsOf) return undefined;
  const keyExpr = keyExpression(ctx, query, row.target);
  if (!keyExpr) return undefined;
  const attr = /(\w+)\W*$/.exec(keyExpr)?.[1] ?? row.target;
  const keys = attr === row.target || attr === 'id' ? `${row.target}_ids` : `${attr}s`;
  const table = (query.model ?? statementOf(ctx, index)?.query)?.tables[0]?.name ?? 'rows';
  const targets = loop.targets.join(', ');
  const collect: string[] = [];
  if (rust) {
    // A stream (`fetch`) can be walked once only: the fix needs the rows in a Vec.
    if (row.rowsOf.query.terminal !== 'fetch_all') return undefined;
    const pattern = loop.targets.length === 1 ? targets : `(${targets})`;
    collect.push(`let ${keys}: Vec<_> = ${iterable}.iter().map(|${pattern}| ${keyExpr}.clone()).collect();`);
  } else {
    // A Result/ScalarResult is consumed by one pass: keep its rows in a list for both passes.
    if (row.rowsOf.query.terminal !== 'all') collect.push(`${iterable} = list(${iterable})`);
    collect.push(`${keys} = [${keyExpr} for ${targets} in ${iterable}]`);
  }
  return { indent: indentationAt(ctx.text, loop.span.start), at: lineStart(ctx.text, loop.span.start), keys, collect, rows: `all_${table}` };
}

/** The loop variable's expression the query binds (`agent.id`), read from the call's arguments. */
function keyExpression(ctx: FileContext, query: HostQuery, target: string): string | undefined {
  let text = spanText(ctx.text, query.span);
  if (query.sql) {
    const { start, end } = query.sql.literal;
    text = ctx.text.slice(query.span.start, start) + ctx.text.slice(end, query.span.end);
  }
  return new RegExp(`\\b${target}\\b(?:\\.\\w+|\\[[^\\]\\n]+\\])*`).exec(text)?.[0];
}

function batchFix(ctx: FileContext, query: HostQuery, index: number, row: RowLoop, key: Predicate): CoreFix[] {
  const rust = ctx.host!.language === 'rust';
  const batch = batchSetup(ctx, query, index, row, rust);
  if (!batch) return [];
  const built = query.kind === 'orm' ? ormBatch(ctx, query, row, key, batch) : rust ? sqlxBatch(ctx, query, key, batch) : pythonSqlBatch(ctx, query, key, batch);
  if (!built) return [];
  const comment = `${rust ? '//' : '#'} QueryLens n-plus-one: one query for every ${row.target}; use these rows in the loop instead of its query.`;
  const lines = [comment, ...batch.collect, built.statement];
  const edits = [{ span: { start: batch.at, end: batch.at }, newText: lines.map((l) => `${batch.indent}${l}\n`).join('') }];
  if (built.importEdit) edits.push(built.importEdit);
  return [
    {
      title: `Insert one query for all ${row.target} rows above the loop (review, then use its rows)`,
      isPreferred: false,
      changes: [{ kind: 'edit', file: ctx.file, edits }],
    },
  ];
}

interface Built {
  statement: string;
  importEdit?: { span: Span; newText: string };
}

/**
 * The query's string literal as written (quotes, escapes, driver parameters
 * such as `:agent_id` kept) with the key predicate replaced, or undefined when
 * the predicate's spans do not sit inside the literal.
 */
function rewriteLiteral(
  ctx: FileContext,
  query: HostQuery,
  key: Predicate,
  replacement: (column: string, placeholder: string) => string | undefined,
): string | undefined {
  const { literal } = query.sql!;
  const { span, column } = key;
  if (span.start < literal.start || span.end > literal.end || column.span.end > span.end) return undefined;
  const placeholder = /(\$\d+|\?|:\w+|%\(\w+\)s|%s)\s*$/.exec(ctx.text.slice(column.span.end, span.end))?.[1];
  const predicate = placeholder && replacement(spanText(ctx.text, column.span), placeholder);
  return predicate ? ctx.text.slice(literal.start, span.start) + predicate + ctx.text.slice(span.end, literal.end) : undefined;
}

function pythonSqlBatch(ctx: FileContext, query: HostQuery, key: Predicate, batch: Batch): Built | undefined {
  const postgres = (query.sql!.dialect ?? ctx.dialect) === 'postgres';
  // SQLAlchemy text() binds `:name`; other driver styles are left to the user.
  const sql = rewriteLiteral(ctx, query, key, (column, placeholder) =>
    !placeholder.startsWith(':') ? undefined : postgres ? `${column} = ANY(:${batch.keys})` : `${column} IN :${batch.keys}`,
  );
  const prefix = ctx.text.slice(query.span.start, query.sql!.literal.start).replace(/^await\s+/, '');
  const opens = [...prefix].filter((c) => c === '(').length - [...prefix].filter((c) => c === ')').length;
  if (!sql || opens < 1) return undefined;
  const params = `{"${batch.keys}": ${batch.keys}}`;
  let call: string;
  let importEdit: Built['importEdit'];
  if (postgres) {
    call = `${prefix}${sql}${')'.repeat(opens - 1)}, ${params})`;
  } else {
    // `IN :ids` needs an expanding bind parameter: SQLAlchemy writes one placeholder per key.
    if (!/\btext\($/.test(prefix) || opens < 2) return undefined;
    call = `${prefix}${sql}).bindparams(bindparam("${batch.keys}", expanding=True))${')'.repeat(opens - 2)}, ${params})`;
    importEdit = pythonImportEdit(ctx.text, 'sqlalchemy', 'bindparam');
  }
  const rows = awaited(ctx.text, query.span) ? `(await ${call}).all()` : `${call}.all()`;
  return { statement: `${batch.rows} = ${rows}`, importEdit };
}

function sqlxBatch(ctx: FileContext, query: HostQuery, key: Predicate, batch: Batch): Built | undefined {
  if ((query.sql!.dialect ?? ctx.dialect) !== 'postgres') return undefined; // sqlx binds arrays on PostgreSQL only
  const prefix = ctx.text.slice(query.span.start, query.sql!.literal.start);
  const call = spanText(ctx.text, query.span);
  const executor = /\.(?:fetch_all|fetch_one|fetch_optional|fetch|execute)\(([^()]*)\)/.exec(call)?.[1];
  if (!/\bquery(_as|_scalar)?(!\s*\(|::<[^>]*>\s*\(|\s*\()/.test(prefix) || !executor) return undefined;
  const sql = rewriteLiteral(ctx, query, key, (column, placeholder) => (placeholder === '$1' ? `${column} = ANY($1)` : undefined));
  if (!sql) return undefined;
  const bound = /!\s*\(/.test(prefix) ? `, &${batch.keys}[..])` : `).bind(&${batch.keys}[..])`;
  const tried = /\.await\s*\?/.test(ctx.text.slice(query.span.start, query.span.end + 2)) ? '?' : '';
  return { statement: `let ${batch.rows} = ${prefix}${sql}${bound}.fetch_all(${executor}).await${tried};` };
}

function ormBatch(ctx: FileContext, query: HostQuery, row: RowLoop, key: Predicate, batch: Batch): Built | undefined {
  const entity = query.entity;
  const call = spanText(ctx.text, query.span).replace(/^await\s+/, '');
  const receiver = /^([\w.]+?)\.(?:execute|scalars|scalar|query|get|get_one)\(/.exec(call)?.[1];
  if (!entity || !receiver) return undefined;
  const written = spanText(ctx.text, key.column.span);
  const column = /^\w+(\.\w+)+$/.test(written) ? written : `${entity}.${key.column.column}`;
  const loopNames = new RegExp(`\\b(${row.loop.targets.join('|')})\\b`);
  const others = (query.model?.predicates ?? []).filter((p) => p !== key).map((p) => spanText(ctx.text, p.span));
  // Other conditions are kept as written: only when they are ORM expressions free of the loop variable.
  if (others.some((o) => loopNames.test(o) || !/^\w+\.\w+/.test(o))) return undefined;
  const conditions = [`${column}.in_(${batch.keys})`, ...others].join(', ');
  if (/\.query\(/.test(call)) return { statement: `${batch.rows} = ${receiver}.query(${entity}).filter(${conditions}).all()` };
  const execute = `${receiver}.execute(select(${entity}).where(${conditions}))`;
  const rows = awaited(ctx.text, query.span) ? `(await ${execute}).scalars().all()` : `${execute}.scalars().all()`;
  return { statement: `${batch.rows} = ${rows}`, importEdit: pythonImportEdit(ctx.text, 'sqlalchemy', 'select') };
}

// ---------------------------------------------------------------------------
// A lazy relationship per row

function checkLazyAccess(ctx: FileContext, host: HostExtraction, access: AttributeAccess, seen: Set<string>): void {
  const row = rowLoop(host, access.loops, [access.object]);
  const outer = row?.rowsOf?.query;
  if (!row || !outer || outer.kind !== 'orm' || !outer.entity) return;
  const entity = outer.entity;
  const models = host.workspaceModels ?? host.models;
  const model = models.find((m) => m.className === entity);
  const relationship = model?.relationships.find((r) => r.attribute === access.attribute);
  if (!relationship || NOT_LAZY.has(relationship.lazy)) return;
  const scalar = isManyToOne(ctx, model!, relationship.attribute, models.find((m) => m.className === relationship.target)?.table);
  const path = `${entity}.${relationship.attribute}`;
  if (outer.eagerLoads.includes(path)) return;
  const once = `${row.rowsOf!.index}:${path}`;
  if (seen.has(once)) return; // one report per query and relationship: its fix covers every access
  seen.add(once);
  ctx.report({
    span: access.span,
    message: scalar
      ? `${access.object}.${access.attribute} lazy-loads ${path} (many-to-one) on each ${row.target} ${rowsSource(ctx.text, row)}: ` +
        `SQLAlchemy answers a parent it already loaded from the session's identity map, so this is one query per distinct ` +
        `${relationship.target}, up to one per row. Load it with the rows if they have many distinct ones: add .options(selectinload(${path})) to that query.`
      : `${access.object}.${access.attribute} lazy-loads ${path} once per ${row.target} ${rowsSource(ctx.text, row)}: ` +
        `N+1 queries (one per row). Load it with the rows: add .options(selectinload(${path})) to that query.`,
    ...(scalar ? { tentative: true } : {}),
    explanation: [
      `**Relationship:** \`${path}\` → \`${relationship.target}\` (lazy=\`${relationship.lazy}\`)`,
      '',
      'A lazy relationship is fetched by its own SELECT the first time it is read on each object. Reading it in ' +
        'a loop over N rows sends N more queries. `selectinload` fetches it for all rows in one extra query ' +
        '(`WHERE ... IN (...)`); `joinedload` joins it into the first one.',
    ].join('\n'),
    fixes: selectinFix(ctx, outer, path),
  });
}

/**
 * Whether the relationship from `model` to the table `target` is many-to-one: the model's
 * table holds a foreign key to `target` (and it is not a self-reference, where the direction
 * is unknown). The catalog's foreign keys count, and the model's own (a table no migration
 * creates, made by `create_all`, or a key the migrations add elsewhere).
 */
function isManyToOne(ctx: FileContext, model: HostModel, attribute: string, target: string | undefined): boolean {
  const table = model.table;
  if (!table || target === table) return false;
  const foreignKeys = [...(ctx.catalog.getTable(table)?.foreignKeys ?? []), ...model.changes.flatMap((c) => (c.kind === 'createTable' ? c.foreignKeys : []))];
  // By the referenced table, or by the key column named for the relationship (`plugin` → `plugin_id`), when the
  // referenced class's table was not known where the key was read (a name a base class computes).
  return foreignKeys.some((fk) => (!!target && fk.refTable.toLowerCase() === target.toLowerCase()) || (fk.columns.length === 1 && fk.columns[0] === `${attribute}_id`));
}

function selectinFix(ctx: FileContext, outer: HostQuery, path: string): CoreFix[] {
  if (outer.beforeTerminal === undefined || ctx.host!.language !== 'python') return [];
  const at = outer.beforeTerminal;
  const edits = [{ span: { start: at, end: at }, newText: `.options(selectinload(${path}))` }];
  const importEdit = pythonImportEdit(ctx.text, 'sqlalchemy.orm', 'selectinload');
  if (importEdit) edits.push(importEdit);
  return [{ title: `Load ${path} with the query (selectinload)`, isPreferred: true, changes: [{ kind: 'edit', file: ctx.file, edits }] }];
}
