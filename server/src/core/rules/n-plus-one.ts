/**
 * N+1 queries in host code: one query for a list, then one more per row of
 * it. Two shapes, both read from the extraction (`ctx.host`):
 *
 * - a SELECT executed inside a loop whose parameters come from the loop's
 *   variable while the loop walks the rows of an earlier query; the fix (not
 *   preferred: the loop body still has to use it) inserts one batched query
 *   over the collected keys above the loop (above the statement holding a
 *   loop written as an expression: `await Promise.all(rows.map(..))`);
 * - a lazy SQLAlchemy relationship read on the rows of a multi-row ORM query
 *   inside a loop; the fix (preferred) adds `.options(selectinload(...))` to
 *   that query.
 *
 * Info, saying why: a loop over a scope's rows (a few projects), a job on a
 * timer or a script run by hand (no request waits), a lookup in the table the
 * loop walks, and a query the row feeds a LIKE pattern rather than a key (no
 * list of keys fetches those rows at once).
 */
import { docsUrl } from '../../../../shared/types';
import { spelledTableName } from '../catalog/build';
import type { AttributeAccess, HostExtraction, HostModel, HostQuery } from '../host/types';
import type { Predicate, QueryModel } from '../sql/model';
import { languageDataOf } from '../../../../shared/languages';
import { adapterOf } from '../host/languages';
import type { BatchSite } from '../host/adapter';
import { handRunScript, indentationAt, lineEnd, lineStart, rowLoop, rowsSource, scheduledJob, seedFile, spanText, startsLine, statementOf, userTenantsNote, type RowLoop } from './host-helpers';
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
    host.queries.forEach((query, index) => inLoop(query) && checkQueryInLoop(ctx, host, query, index));
    lazyAccesses(ctx);
  },
  // A query's report reads its function (the loop, the query the loop walks), the catalog and the file's name.
  perHostQuery: {
    concerns: inLoop,
    query: (ctx, index) => checkQueryInLoop(ctx, ctx.host!, ctx.host!.queries[index]!, index),
    rest: lazyAccesses,
  },
};

/** Whether a query is one `checkQueryInLoop` may report: a SELECT inside a loop. */
function inLoop(query: HostQuery): boolean {
  return query.loops.length > 0 && query.statementKind === 'select';
}

function lazyAccesses(ctx: FileContext): void {
  const host = ctx.host;
  if (!host) return;
  const seen = new Set<string>();
  for (const access of host.accesses) checkLazyAccess(ctx, host, access, seen);
}

// ---------------------------------------------------------------------------
// A query per row

/**
 * Reports a SELECT inside a loop (`inLoop`) that runs per row; false when what it read reaches
 * beyond the query's function (an ORM's hooks that read the whole file: `Rule.perHostQuery`).
 */
function checkQueryInLoop(ctx: FileContext, host: HostExtraction, query: HostQuery, index: number): boolean {
  const row = rowLoop(host, query.loops, query.parameterRoots);
  if (!row || row.rowsOf?.index === index) return true;
  // A search that stops at its first match (`if ...: row = query(...); break`): the query runs once per loop, not per row.
  if (query.loops[query.loops.length - 1] === row.loop && leavesLoopAfter(ctx.text, query.span, row.loop.span)) return true;
  // A tokio-postgres execution of a prepared statement: its SQL is the prepare's statement.
  const model = query.model ?? statementOf(ctx, query.preparedFrom ?? index)?.query;
  const written = model?.tables[0]?.name;
  const table = written !== undefined ? spelledTableName(ctx.catalog, written) : (query.entity ?? 'a table');
  const key = keyPredicate(ctx, query, index, row);
  const column = key ? key.column.column : 'the key column';
  // A per-row lookup in the very table the loop walks is often a check against rows the loop itself
  // changes (a duplicate check before an update, seen through autoflush): rows fetched before the
  // loop would miss those changes, so the batched rewrite is not offered and the finding is info.
  const outer = row.rowsOf ? (row.rowsOf.query.model ?? statementOf(ctx, row.rowsOf.query.preparedFrom ?? row.rowsOf.index)?.query) : undefined;
  const selfLookup = !!model?.tables[0] && outer?.tables[0]?.name === model.tables[0].name;
  // The rows of a scope (all projects, all groups): an installation has a few, so the loop runs a few times.
  const scope = outer?.tables[0] && isScopeTable(outer.tables[0].name) ? outer.tables[0].name : undefined;
  // The tenants of one user (the organizations a user owns): a few rows.
  const tenants = scope ? undefined : userTenantsNote(ctx, host, row.loop);
  // A job on a timer (a nightly cleanup): no request waits for its round trips. Nor for a script run by hand's.
  const scheduled = scheduledJob(query);
  // A seed or populate script (development data) too: CTFd's populate.py.
  const script = scheduled ? undefined : (handRunScript(ctx.file) ?? seedFile(ctx.file));
  // The row feeds a pattern (`html LIKE '%' || row.url || '%'`), not a key: no list of keys fetches the rows at once.
  const pattern = key ? undefined : patternFedByRow(ctx, query, index, row);
  // Raw SQL that keeps each key's first rows (ORDER BY ... LIMIT n) or counts them (an aggregate): over all keys,
  // its LIMIT would cut the whole result and its aggregate would add up every key's rows, so the keys' rows must be
  // ranked (or grouped) by key, which the rewrite over an IN list does not do: advice only.
  const perKey = !model ? undefined : query.kind === 'sql' ? perKeyShape(model, column) : ormPerKeyShape(model);
  const adapter = adapterOf(host.language);
  // Only an ORM's query (or its raw SQL) goes through those hooks.
  const withinFunction = !(adapter.ormHooksReadFile && (query.kind === 'orm' || query.orm !== undefined));
  const generic = `WHERE ${column} IN (...)`;
  const batched =
    query.kind === 'orm'
      ? (adapter.batchedOrmPredicate?.(query.entity ?? 'Model', column, query, key ? spanText(ctx.text, key.column.span) : undefined) ?? generic)
      : ctx.dialect !== 'postgres'
        ? generic
        : adapter.batchedSqlPredicate(column);
  // The library's own way to load them with the list (Prisma's include, Drizzle's with), when the loop walks a query's rows.
  const eager = key && row.rowsOf && !selfLookup ? adapter.eagerLoad?.(ctx, row.rowsOf.query, query, column) : undefined;
  ctx.report({
    span: query.span,
    message:
      `Query on ${table} runs once per ${row.target} ${rowsSource(ctx.text, row)}: N+1 round trips (one for the list, ` +
      `one per row), so the time grows with the rows. ` +
      (pattern
        ? `Each query matches ${pattern.column.column} against a pattern made from the row (${pattern.op.toUpperCase()}), not a key: no list of keys ` +
          'fetches them at once, and one query for all would join on the pattern, testing every pair: worth it only when the loop is long (info).'
        : !key
          ? // The row reaches the query other than by a key compared for equality (a relation filter): no batched form to name.
            `Fetch them in one query over the collected keys before the loop${perKey ?? ''} and match the rows inside it.`
          : `Fetch them in one query over the collected keys (${batched}${perKey ?? ''}) before the loop and match rows by ${column} inside it.` + (eager ? ` ${eager.advice}` : '')) +
      (selfLookup
        ? ` It reads ${table}, the table the loop walks: if the loop changes those rows (a duplicate check before an update), rows fetched before the loop would miss the changes, so check that first (info, no automatic rewrite).`
        : '') +
      (scope ? ` (The loop walks ${spelledTableName(ctx.catalog, scope)}, which splits an installation into a few parts: a few round trips, worth batching only if there are many.)` : '') +
      (tenants ?? '') +
      (scheduled ? ` (It runs in the scheduled job ${scheduled}, which no request waits for: worth batching only if the loop is long.)` : '') +
      (script ? ` (It runs in a script run by hand (${script}), which no request waits for: worth batching only if the loop is long.)` : ''),
    ...(selfLookup || scope || tenants || scheduled || script || pattern ? { tentative: true } : {}),
    explanation: [
      `**Loop:** \`${row.target}\` over \`${row.loop.iterable ?? '?'}\``,
      '',
      'Each iteration sends its own query and waits for the answer. With 1,000 rows that is 1,001 round trips; ' +
        'latency, not the database, sets the time. One query over all the keys does the same work in one trip.',
    ].join('\n'),
    fixes: [...(key && !selfLookup && !perKey ? batchFix(ctx, query, index, row, key) : []), ...(eager?.fix ? [eager.fix] : [])],
  });
  return withinFunction;
}

/**
 * How one query over all keys keeps a per-key query's meaning, as a clause of the advice: each key's first rows
 * ranked by a window function (`ORDER BY ... LIMIT n` per key), or its aggregate grouped by the key; undefined
 * when a plain IN list does.
 */
function perKeyShape(model: QueryModel, column: string): string | undefined {
  if (model.limit) {
    const order = model.orderBy.map((o) => `${o.column.column}${o.desc ? ' DESC' : ''}`).join(', ');
    const rank = `ROW_NUMBER() OVER (PARTITION BY ${column}${order ? ` ORDER BY ${order}` : ''})`;
    const n = model.limit.value;
    const rows = n === 1 ? `each key's first row, ranked by ${rank} = 1` : `each key's first ${n ?? 'n'} rows ranked by ${rank} <= ${n ?? 'n'}`;
    return `, ${rows}: a LIMIT would cut the whole result, not each key's rows`;
  }
  if (model.isAggregate) return `, GROUP BY ${column}: the aggregate would otherwise add up every key's rows`;
  return undefined;
}

/**
 * Whether the statement holding `span` is followed in its own block, before that block ends, by a `break` or
 * `return` (read from the indentation): then the loop ends the first time it runs, whatever guards the block.
 */
function leavesLoopAfter(text: string, span: { start: number; end: number }, loop: { start: number; end: number }): boolean {
  const depth = indentationAt(text, span.start).length;
  for (let at = lineEnd(text, span.end) + 1; at < loop.end && at < text.length; at = lineEnd(text, at) + 1) {
    const line = text.slice(at, lineEnd(text, at));
    const code = line.trim();
    if (code === '' || code.startsWith('#') || code.startsWith('//')) continue;
    const indentation = line.length - line.trimStart().length;
    if (indentation < depth) return false;
    // Deeper lines, and the closing brackets of the statement itself (`)` of a call written over lines).
    if (indentation > depth || /^[)\]}]+[;,)]*$/.test(code)) continue;
    if (/^(break|return)\b/.test(code)) return true;
    if (/^continue\b/.test(code)) return false;
  }
  return false;
}

/**
 * An ORM query that keeps a number of rows per row of the loop (`take: n`): one query over all keys would cut
 * the whole result. Not a lookup of one row (`.first()`, `findFirst`): the rows of all keys, matched by key, hold it.
 */
function ormPerKeyShape(model: QueryModel): string | undefined {
  if (!model.limit || model.limit.value === 1) return undefined;
  return `, keeping each key's first ${model.limit.value ?? 'n'} rows apart (a limit over all keys would cut the whole result, not each key's rows)`;
}

/** The predicates the loop variable feeds: ORM, those whose value mentions it; SQL, the only parameter. */
function rowFed(ctx: FileContext, query: HostQuery, index: number, row: RowLoop): Predicate[] {
  if (query.kind === 'orm') {
    const mentions = (p: Predicate) => new RegExp(`\\b${row.target}\\b`).test(ctx.text.slice(p.column.span.end, p.span.end));
    return (query.model?.predicates ?? []).filter((p) => !p.disjunctive && mentions(p));
  }
  const params = (statementOf(ctx, query.preparedFrom ?? index)?.query?.predicates ?? []).filter((p) => p.valueKind === 'param');
  return params.length === 1 && !params[0]!.disjunctive ? params : [];
}

/** The key comparison fed by the loop variable (`agent_id = agent.id`): what one query over the collected keys replaces. */
function keyPredicate(ctx: FileContext, query: HostQuery, index: number, row: RowLoop): Predicate | undefined {
  return rowFed(ctx, query, index, row).find((p) => p.op === 'eq');
}

/** A LIKE/ILIKE the loop variable feeds (`html LIKE '%' || row.url || '%'`): a pattern per row, not a key. */
function patternFedByRow(ctx: FileContext, query: HostQuery, index: number, row: RowLoop): Predicate | undefined {
  return rowFed(ctx, query, index, row).find((p) => p.op === 'like' || p.op === 'ilike');
}

/** Where and how the batched query goes: above the loop, collecting the keys from its iterable. */
interface Batch extends BatchSite {
  indent: string;
  at: number;
  collect: string[];
}

function batchSetup(ctx: FileContext, query: HostQuery, index: number, row: RowLoop, key: Predicate): Batch | undefined {
  const { loop } = row;
  const iterable = (loop.iterable ?? '').replace(/^&(mut\s+)?/, '');
  // Above a loop statement, or above the statement holding a loop written as an expression (`await Promise.all(rows.map(..))`).
  const before = ['for', 'async-for'].includes(loop.kind) ? loop.span.start : loop.kind === 'iterator-closure' ? loop.statementStart : undefined;
  if (before === undefined || !startsLine(ctx.text, before)) return undefined;
  if (!/^[\w.]+$/.test(iterable) || !row.rowsOf) return undefined;
  const keyExpr = keyExpression(ctx, query, row.target, key);
  if (!keyExpr) return undefined;
  const attr = /(\w+)\W*$/.exec(keyExpr)?.[1] ?? row.target;
  const keys = attr === row.target || attr === 'id' ? `${row.target}_ids` : `${attr}s`;
  const table = (query.model ?? statementOf(ctx, index)?.query)?.tables[0]?.name ?? 'rows';
  const collect = adapterOf(ctx.host!.language).collectKeys?.({ iterable, targets: loop.targets, keyExpression: keyExpr, rowsTerminal: row.rowsOf.query.terminal }, keys);
  if (!collect) return undefined;
  return { indent: indentationAt(ctx.text, before), at: lineStart(ctx.text, before), keys, collect, rows: `all_${table}` };
}

/**
 * The loop variable's expression the query binds (`agent.id`), read from the call's arguments
 * (an ORM's: from its key predicate's value, not its key: `{ agent: { id: agent.id } }`),
 * else from the key comparison's value as written in the SQL text (a template's hole: `= ${agent.id}`).
 */
function keyExpression(ctx: FileContext, query: HostQuery, target: string, key: Predicate): string | undefined {
  const pattern = new RegExp(`\\b${target}\\b(?:\\.\\w+|\\[[^\\]\\n]+\\])*`);
  if (query.kind === 'orm' && key.column.span.end <= key.span.end) {
    const inValue = pattern.exec(ctx.text.slice(key.column.span.end, key.span.end))?.[0];
    if (inValue) return inValue;
  }
  let text = spanText(ctx.text, query.span);
  if (query.sql) {
    const { start, end } = query.sql.literal;
    text = ctx.text.slice(query.span.start, start) + ctx.text.slice(end, query.span.end);
    if (key.span.start >= start && key.span.end <= end) text += ` ${ctx.text.slice(key.column.span.end, key.span.end)}`;
  }
  return pattern.exec(text)?.[0];
}

function batchFix(ctx: FileContext, query: HostQuery, index: number, row: RowLoop, key: Predicate): CoreFix[] {
  const language = ctx.host!.language;
  const adapter = adapterOf(language);
  const batch = batchSetup(ctx, query, index, row, key);
  if (!batch) return [];
  const built = query.kind === 'orm' ? adapter.batchOrmQuery?.(ctx, query, row.loop.targets, key, batch) : adapter.batchSqlQuery?.(ctx, query, key, batch);
  const comment = languageDataOf(ctx.file)?.comments?.line[0];
  if (!built || !comment) return [];
  const note = `${comment} QueryLens n-plus-one: one query for every ${row.target}; use these rows in the loop instead of its query.`;
  const lines = [note, ...batch.collect, built.statement];
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
    fixes: adapterOf(host.language).eagerLoadFix?.(ctx, outer, path) ?? [],
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
