/**
 * A top-level SELECT that can return every row of a table: no LIMIT/FETCH,
 * no aggregate, not a lookup by primary or unique key. Migration files are
 * skipped (they run once, on purpose over everything).
 *
 * In host code the fix depends on the path (`codePath`): a request handler
 * should paginate (warning); a job, script or CLI command that must see every
 * row should stream them or walk keyset chunks, never truncate (info); where
 * the file does not show the path (a repository method), the finding is
 * `info` and says both. A read of the rows of one parent (a key pinned by equality, on its first table or on
 * a table joined to it) is info, saying so. A read of the rows whose key is in a list it is given
 * (`email IN (...)`, `listBoundKey`) is bounded by that list: info, saying so. A read of the rows in a state work passes through
 * (`status = 'in_progress'`) is bounded by the work under way: info, saying so. A read already streamed (sqlx `fetch`, `yield_per`,
 * `stream`) is not reported. Adding LIMIT drops rows silently, so it is never
 * the preferred fix.
 */
import { docsUrl } from '../../../../shared/types';
import { shownTableName } from '../catalog/build';
import type { Catalog, TableInfo } from '../catalog/types';
import { adapterOf } from '../host/languages';
import type { HostQuery } from '../host/types';
import type { ColumnRef, QueryModel, Statement } from '../sql/model';
import { adminFolder, codePath, hostQueryOf, lineNumber, returnsAllRows, spanText, type CodePath } from './host-helpers';
import { configuredByTenant, isPersonKey, isSelectiveKey } from './index-judgement';
import { catalogName, columnTable, isSingleRowLookup, knownTable, listBoundKey, pinnedBySubquery, spanUnion, tableRefs } from './query-helpers';
import type { CoreFix, FileContext, Rule } from './types';

const ID = 'unpaginated-query';
const DEFAULT_LIMIT = 100;

export const unpaginatedQuery: Rule = {
  meta: {
    id: ID,
    description: 'A SELECT without LIMIT returns every matching row, however large the table grows.',
    defaultSeverity: 'warning',
    docs: docsUrl(ID),
    fixable: true,
    category: 'query',
  },
  scope: 'statement',
  check(ctx) {
    if (ctx.migration) return;
    for (const statement of ctx.document.statements) {
      const query = statement.query;
      // A similarity search (ORDER BY embedding <=> $1) without LIMIT is vector-search-without-limit's.
      if (statement.kind !== 'select' || !query || !isUnbounded(query) || query.similarity?.length) continue;
      // In host code only calls that hand over every row count (`.all()`, `fetch_all`), not `.first()`/`fetch_one`.
      const hostQuery = hostQueryOf(ctx, statement);
      if (hostQuery && (!returnsAllRows(hostQuery, ctx.host!) || streamsRows(ctx, hostQuery))) continue;
      // A relation the ORM loads with the rows (Prisma's include): as many rows as those rows have, which the call's own
      // query bounds or not (and is reported for); each include of a list would otherwise be one more info of the same call.
      if (hostQuery?.loadsRelation) continue;
      const known = tableRefs(query)
        .map((ref) => ({ ref, table: knownTable(ctx.catalog, ref.name) }))
        .filter((t): t is { ref: (typeof t)['ref']; table: TableInfo } => t.table !== undefined);
      if (known.length === 0) continue;
      if (tableRefs(query).length === 1 && pinsKnownRows(query, known[0].table, ctx.catalog)) continue;
      const first = known[0];
      const names = known.map((k) => shownTableName(k.table)).join(', ');
      const path = hostQuery ? codePath(ctx.file, hostQuery) : undefined;
      const orm = hostQuery?.kind === 'orm';
      const parent =
        parentKey(query, first.table, ctx.catalog) ??
        pinnedJoin(query, first.table, known.map((k) => k.table), ctx.catalog) ??
        keyedJoin(query, first.table, known.map((k) => k.table), ctx.catalog);
      const listed = parent ? undefined : listBoundKey(query, first.table, ctx.catalog);
      const passing = parent || listed ? undefined : transientState(ctx, query, first.table);
      // Integrations each tenant sets up by hand (an organization's SSO providers): a few rows per tenant.
      const configured = parent || listed || passing ? undefined : configuredByTenant(first.table);
      // A staff tool's page (CTFd's admin/ listings of challenges, pages, notifications): staff open it now and then.
      const staff = path?.kind === 'request' ? adminFolder(ctx.file) : undefined;
      // An ORM call chain is underlined whole; SQL from its start to the first table.
      const span = orm ? statement.span : spanUnion([{ start: statement.span.start, end: statement.span.start }, first.ref.span]);
      // Every row of the table read, then filtered by the code (`rows.filter(...)`): the filter belongs in the query.
      const filteredAt = hostQuery?.filteredAt && known.length === 1 && !query.predicates.length ? hostQuery.filteredAt : undefined;
      if (filteredAt) {
        const call = spanText(ctx.text, filteredAt).split('(')[0]!.replace(/\s+/g, '');
        ctx.report({
          span,
          message:
            `Query reads every row of ${names}${path ? ` ${path.why}` : ''}, then the code keeps some of them (\`${call}(...)\` on line ${lineNumber(ctx.text, filteredAt.start)}): ` +
            'each call reads the whole table to return a part of it, and pays more as the table grows. Write that filter into the query, ' +
            'so that the database returns only the rows kept (and paginate those); a LIMIT before the code\'s filter would drop rows it keeps.',
          explanation: [
            `**Tables:** \`${names}\``,
            '',
            'The query has no filter, so every row crosses from the database to the application, which discards the rows its own ' +
              'filter rejects. The database can apply the same condition with an index and send only the rows wanted.',
          ].join('\n'),
          fixes: [],
          ...(path?.kind !== 'request' ? { tentative: true } : {}),
        });
        continue;
      }
      ctx.report({
        span,
        message:
          `Query reads ${names} without LIMIT${path ? ` ${path.why}` : ''}, so it returns every matching row. ${advice(path, hostQuery, ctx)}` +
          (parent ? ` (It reads the rows of one ${parent}, often a bounded set: this matters only if one ${parent} can have many.)` : '') +
          (listed
            ? ` (It reads only the rows whose ${listed} is in the list it is given: as many as the list holds (times the rows per ${listed}), ` +
              'not the whole table. This matters only if the list can be long.)'
            : '') +
          (passing
            ? ` (It reads only the rows whose ${passing.column} is '${passing.value}', a state rows pass through while work on them runs: ` +
              'as many as are in flight at once, not the whole table. This matters only if many can be.)'
            : '') +
          (configured
            ? ` (${shownTableName(first.table)} holds the ${configured.what} one ${configured.tenant} sets up by hand: a few rows per ${configured.tenant}, ` +
              `so it grows only with the ${configured.tenant}s that set them up.)`
            : '') +
          (staff
            ? ` (It runs in a staff tool (folder ${staff}/): staff open it now and then, not users on every request, and a staff page often lists every row on purpose: ` +
              'this matters if the table grows large.)'
            : ''),
        explanation: [
          `**Tables:** ${known.map((k) => `\`${shownTableName(k.table)}\``).join(', ')}`,
          '',
          'Nothing bounds the result: no `LIMIT`/`FETCH FIRST`, no aggregate, and the filter does not pin a primary ' +
            'or unique key. Each call transfers and materialises every matching row, which is fine at 100 rows and ' +
            'a timeout at 10 million. An endpoint pages through results (`LIMIT` plus a keyset: `WHERE id > $last ' +
            'ORDER BY id`); a job that must see every row streams them or walks keyset chunks. A bare `LIMIT` ' +
            'silently drops the rest.',
        ].join('\n'),
        fixes: path?.kind === 'batch' ? [] : hostQuery ? hostLimitFix(ctx, statement, hostQuery) : limitFix(ctx, statement),
        ...((hostQuery && path?.kind !== 'request') || parent || listed || passing || configured || staff ? { tentative: true } : {}),
      });
    }
  },
};

/** What to do, for the path the query is on (host code) or for a query file. */
function advice(path: CodePath | undefined, hostQuery: HostQuery | undefined, ctx: FileContext): string {
  const own = hostQuery && ctx.host ? adapterOf(ctx.host.language).paginationAdvice?.(hostQuery) : undefined;
  const page = own?.page ?? '(LIMIT plus a keyset: WHERE id > $last ORDER BY id)';
  if (!hostQuery || !ctx.host) return `It gets slower and heavier as the table grows: paginate ${page}, or narrow it to one row by key.`;
  const stream = own?.walk ?? adapterOf(ctx.host.language).streamAdvice;
  if (path?.kind === 'request') return `Each request pays for the whole table as it grows: paginate ${page} and return a cursor.`;
  if (path?.kind === 'batch') return `A job that must see every row is right not to truncate it, but it holds them all in memory at once: ${stream}.`;
  return (
    'Whether the caller needs every row is not visible here: on a request path, paginate ' +
    `${page}; in a job, ${stream} rather than truncate.`
  );
}

/** A read that already streams its rows: sqlx `.fetch(..)`, SQLAlchemy `yield_per`, `stream(...)`, `partitions()`. */
function streamsRows(ctx: FileContext, hostQuery: HostQuery): boolean {
  return ctx.host ? adapterOf(ctx.host.language).streamsRows(ctx.text, hostQuery) : false;
}

function isUnbounded(query: QueryModel): boolean {
  return (
    !query.limit &&
    !query.isAggregate &&
    !query.fromless &&
    !query.setOp &&
    // GROUP BY and DISTINCT results are as many as the groups or values: usually a bounded set.
    query.groupBy.length === 0 &&
    !query.distinct
  );
}

/**
 * A selective key (a foreign key, an id) or a person's key (an email: `isPersonKey`) the query pins by
 * equality to a value on its first table, or to the one row a subquery returns (Prisma: `organisation: { teams: { some: { id } } }`):
 * it reads the rows of one parent or one person (with whatever it joins to them).
 */
function parentKey(query: QueryModel, table: TableInfo, catalog: Catalog, depth = 0): string | undefined {
  const pinned = query.predicates.find(
    (p) =>
      !p.disjunctive &&
      ((p.op === 'eq' && p.valueKind !== 'subquery') || pinnedBySubquery(p, query, catalog)) &&
      columnTable(query, p.column, catalog) === table.name &&
      (isSelectiveKey(table, p.column.column) || isPersonKey(p.column.column)),
  );
  if (pinned || depth > 0) return pinned?.column.column;
  // A key in the rows a subquery takes of one parent (Prisma: `members: { some: { userId } }`, trigger.dev's
  // organizations of one user): as many rows as that parent links to. One step only: the rows of the rows a
  // parent links to (the emails of every organisation a user is in) multiply.
  for (const p of query.predicates) {
    if (p.disjunctive || (p.op !== 'in' && p.op !== 'eq') || p.valueKind !== 'subquery' || p.subquery === undefined) continue;
    if (columnTable(query, p.column, catalog) !== table.name || !isSelectiveKey(table, p.column.column)) continue;
    const sub = query.subqueries[p.subquery];
    const subTable = sub && sub !== query && sub.tables.length === 1 ? knownTable(catalog, sub.tables[0]!.name) : undefined;
    const key = subTable && parentKey(sub!, subTable, catalog, depth + 1);
    if (key) return key;
  }
  return undefined;
}

/** Values of a status column that name work under way: rows hold them only while it runs. */
const IN_FLIGHT = /^(in[_ -]?progress|running|processing|building|executing|in[_ -]?flight|started)$/i;

/**
 * `status = 'in_progress'` on the query's first table (a status or state
 * column, a literal naming work under way): the rows in flight, bounded by how
 * much work runs at once rather than by the table. Not a backlog state
 * (`pending`, `queued`): those can pile up.
 */
function transientState(ctx: FileContext, query: QueryModel, table: TableInfo): { column: string; value: string } | undefined {
  for (const p of query.predicates) {
    if (p.op !== 'eq' || p.disjunctive || p.valueKind !== 'literal' || columnTable(query, p.column, ctx.catalog) !== table.name) continue;
    const words = p.column.column.toLowerCase().split('_');
    if (!words.includes('status') && !words.includes('state')) continue;
    const value = /'([^']*)'\s*$/.exec(spanText(ctx.text, p.span))?.[1];
    if (value !== undefined && IN_FLIGHT.test(value)) return { column: p.column.column, value };
  }
  return undefined;
}

/**
 * A joined table pinned to one row by a key (`JOIN plugin ... WHERE plugin.slug = 'x'`,
 * slug unique) that the first table joins to: the query reads the rows of
 * that one parent. Its name, for the message.
 */
function pinnedJoin(query: QueryModel, first: TableInfo, tables: TableInfo[], catalog: Catalog): string | undefined {
  for (const other of tables) {
    if (other === first) continue;
    const keyed = query.predicates
      .filter((p) => p.op === 'eq' && !p.disjunctive && p.valueKind !== 'subquery' && p.valueKind !== 'column' && columnTable(query, p.column, catalog) === other.name)
      .map((p) => p.column.column);
    if (keyed.length === 0 || !isSingleRowLookup(other, keyed)) continue;
    if (joinedTo(query, first, other, catalog)) return other.name;
  }
  return undefined;
}

/**
 * A joined table narrowed by equality on a key to a value the query is given (dokploy's session list:
 * `JOIN member ON member.user_id = session.user_id AND member.organization_id = $1`) that the first table joins
 * to: the query reads the rows linked to one parent's rows. The key, for the message.
 */
function keyedJoin(query: QueryModel, first: TableInfo, tables: TableInfo[], catalog: Catalog): string | undefined {
  for (const other of tables) {
    if (other === first || !joinedTo(query, first, other, catalog)) continue;
    const keyed = query.predicates.find(
      (p) =>
        p.op === 'eq' &&
        !p.disjunctive &&
        p.valueKind !== 'subquery' &&
        p.valueKind !== 'column' &&
        columnTable(query, p.column, catalog) === other.name &&
        (isSelectiveKey(other, p.column.column) || isPersonKey(p.column.column)),
    );
    if (keyed) return keyed.column.column;
  }
  return undefined;
}

/** Whether a join of the query links `first` and `other` (by a condition naming both, or an ORM join by `first`'s foreign key). */
function joinedTo(query: QueryModel, first: TableInfo, other: TableInfo, catalog: Catalog): boolean {
  const sides = (c: { left: ColumnRef; right: ColumnRef }) => [columnTable(query, c.left, catalog), columnTable(query, c.right, catalog)];
  // An ORM join by relationship (`.join(Plugin)`) names no columns: the first table's foreign key to it links them.
  return query.joins.some((j) =>
    j.conditions.length === 0 ? catalogName(catalog, j.table.name) === other.name && first.foreignKeys.some((fk) => catalogName(catalog, fk.refTable) === other.name) : j.conditions.some((c) => sides(c).includes(first.name) && sides(c).includes(other.name)),
  );
}

/**
 * Equality on a primary or unique key pins one row; `key IN (...)` / `key = ANY($1)`
 * pins as many rows as the list the caller passes (the batched form of a lookup).
 */
function pinsKnownRows(query: QueryModel, table: TableInfo, catalog: Catalog): boolean {
  const keyed = query.predicates
    .filter((p) => (p.op === 'eq' || p.op === 'in') && !p.disjunctive && p.valueKind !== 'subquery' && columnTable(query, p.column, catalog) === table.name)
    .map((p) => p.column.column);
  return keyed.length > 0 && isSingleRowLookup(table, keyed);
}

/** Appends ` LIMIT n` to the statement, unless it ends with a locking clause LIMIT must precede. */
function limitFix(ctx: FileContext, statement: Statement, limit = DEFAULT_LIMIT, preferred = false): CoreFix[] {
  if (/\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b[^;]*$/i.test(statement.text)) return [];
  return [insertion(ctx, `Add LIMIT ${limit}`, statement.span.end, ` LIMIT ${limit}`, preferred)];
}

/** The LIMIT fix of a statement in a SQL file or host code (`.limit(n)` on an ORM chain). */
export function addLimitFixes(ctx: FileContext, statement: Statement, limit: number, preferred: boolean): CoreFix[] {
  const hostQuery = hostQueryOf(ctx, statement);
  return hostQuery ? hostLimitFix(ctx, statement, hostQuery, limit, preferred) : limitFix(ctx, statement, limit, preferred);
}

/**
 * Host code: `.limit(100)` before the ORM call's terminal, or ` LIMIT 100`
 * at the end of the embedded SQL. The statement's end is mapped into the file;
 * the edit is made only when that offset is one the SQL string's own
 * characters come from (so it lands inside the quotes).
 */
function hostLimitFix(ctx: FileContext, statement: Statement, hostQuery: HostQuery, limit = DEFAULT_LIMIT, preferred = false): CoreFix[] {
  if (hostQuery.kind === 'orm') {
    const own = ctx.host ? adapterOf(ctx.host.language).ormLimitFix?.(ctx, hostQuery, limit) : undefined;
    if (own) return [{ ...own, isPreferred: preferred }];
    if (hostQuery.beforeTerminal === undefined) return [];
    return [insertion(ctx, `Add .limit(${limit})`, hostQuery.beforeTerminal, `.limit(${limit})`, preferred)];
  }
  if (!hostQuery.sql?.offsets.includes(statement.span.end)) return [];
  return limitFix(ctx, statement, limit, preferred);
}

/** Not preferred here: a LIMIT alone silently drops the rows past it (a similarity search wants one: see vector-search-without-limit). */
function insertion(ctx: FileContext, title: string, at: number, newText: string, preferred = false): CoreFix {
  return {
    title,
    isPreferred: preferred,
    changes: [{ kind: 'edit', file: ctx.file, edits: [{ span: { start: at, end: at }, newText }] }],
  };
}
