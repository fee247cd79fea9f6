/**
 * What the host-code rules (n-plus-one, commit-in-loop, and the host-aware
 * fixes of the SQL rules) share: reading an extraction (which loop walks the
 * rows of which query, whether a terminal returns many rows) and the layout
 * operations their fixes need in the host file (lines, indentation, string
 * literals: host-text.ts, which the language adapters use too).
 *
 * Rules still never parse SQL or host code: queries, loops and spans come from
 * the extractors. What is read here is layout (line starts, indentation,
 * top-level import lines) and the source text of spans an extractor reported.
 */
import { spelledTableName } from '../catalog/build';
import type { EnclosingFunction, HostExtraction, HostQuery, LoopContext, Terminal } from '../host/types';
import type { Statement } from '../sql/model';
import { adapterOf } from '../host/languages';
import { lineEnd, lineStart, topLevelItems } from './host-text';
import type { FileContext } from './types';
import { snake, userTenantsColumn } from './index-judgement';
import { forLastText } from '../last-text';

export { awaited, indentationAt, lineEnd, lineStart, rewriteLiteral, spanText, startsLine } from './host-text';

/** Terminals that fetch at most one row: no pagination needed, and not a row source for a loop. */
const SINGLE_ROW: ReadonlySet<Terminal> = new Set<Terminal>([
  'first', 'one', 'one_or_none', 'scalar', 'get', 'count', 'fetch_one', 'fetch_optional',
]);
/** Terminals that hand every row to the caller. */
const MULTI_ROW: ReadonlySet<Terminal> = new Set<Terminal>(['all', 'fetch_all', 'scalars', 'fetch', 'iterate']);

export function isSingleRowTerminal(terminal: Terminal): boolean {
  return SINGLE_ROW.has(terminal);
}

/**
 * Whether the call hands every selected row to the code: a multi-row
 * terminal, or Python's `session.execute(select(...))` (a Result over all
 * rows). sqlx's `.execute()` discards rows and `unknown` (a query object
 * passed on) may be paginated by its caller: neither counts.
 */
export function returnsAllRows(query: HostQuery, host: HostExtraction): boolean {
  return MULTI_ROW.has(query.terminal) || (adapterOf(host.language).allRowsTerminals?.includes(query.terminal) ?? false);
}

/** The statement of `ctx.document` that carries host query `index`. */
export function statementOf(ctx: FileContext, index: number): Statement | undefined {
  // Asked per query by file rules (n-plus-one, for every query in a loop): the statements indexed once per document.
  const statements = ctx.document.statements;
  let byQuery = statementsByQuery.get(statements);
  if (!byQuery) {
    byQuery = new Map();
    for (const s of statements) if (s.hostQuery !== undefined && !byQuery.has(s.hostQuery)) byQuery.set(s.hostQuery, s);
    statementsByQuery.set(statements, byQuery);
  }
  return byQuery.get(index);
}

const statementsByQuery = new WeakMap<readonly Statement[], Map<number, Statement>>();

/** The host query behind a statement, when the file is host code. */
export function hostQueryOf(ctx: FileContext, statement: Statement): HostQuery | undefined {
  return statement.hostQuery === undefined ? undefined : ctx.host?.queries[statement.hostQuery];
}

// ---------------------------------------------------------------------------
// Loops

/** A loop of the code, with the query whose rows it walks (when it walks one). */
export interface RowLoop {
  loop: LoopContext;
  /** The loop's bound name that the caller asked about. */
  target: string;
  rowsOf?: { query: HostQuery; index: number };
}

/** Iterables that are many rows even when the extractor did not link them to a query. */
const MULTI_ROW_ITERABLE = /(\.(all|fetchall|scalars)\(\)|\.fetch_all\([^)]*\)(\.await)?\??)\s*$/;

/**
 * The innermost of `loops` that binds one of `names` and walks many rows:
 * the rows of an extracted multi-row query, or an iterable that is visibly a
 * multi-row result (`....all()`, `fetch_all(...)`).
 */
export function rowLoop(host: HostExtraction, loops: LoopContext[], names: string[]): RowLoop | undefined {
  for (let i = loops.length - 1; i >= 0; i--) {
    const loop = loops[i];
    const target = loop.targets.find((t) => names.includes(t));
    if (!target) continue;
    if (loop.iterableQuery !== undefined) {
      const query = host.queries[loop.iterableQuery];
      if (query && !isSingleRowTerminal(query.terminal)) return { loop, target, rowsOf: { query, index: loop.iterableQuery } };
    } else if (loop.iterable && MULTI_ROW_ITERABLE.test(loop.iterable)) {
      return { loop, target };
    }
  }
  return undefined;
}

/** Words of a loop's iterable (`batched(rows, 1000)`, `chunks`) or target (`batch`, `event_chunk`) that name batches of rows. */
const BATCH_ITERABLE_WORDS = new Set(['batched', 'batches', 'chunked', 'chunks', 'partitions', 'pages', 'windows']);
const BATCH_TARGET_WORDS = new Set(['batch', 'chunk', 'partition', 'page', 'window']);

/**
 * Whether each iteration of the loop handles a batch of rows, not one row: a
 * `while` loop (it walks no collection; its body takes the next batch, as in
 * keyset or LIMIT loops), `range(start, stop, step)` or a counter that steps
 * by more than one (`i += 500`: `stepped`), or an iterable or target
 * that names batches (`batched(...)`, `chunks(...)`, `.chunks(500)`, `for batch in ...`).
 */
export function isBatchLoop(loop: LoopContext): boolean {
  if (loop.kind === 'while' || loop.stepped) return true;
  const iterable = (loop.iterable ?? '').trim();
  if (rangeWithStep(iterable)) return true;
  const names = iterable.match(/[A-Za-z_]\w*(?=\s*\()|[A-Za-z_]\w*$/g) ?? [];
  // `userIdChunks`, `event_chunk`: camelCase and snake_case names alike.
  const words = (name: string) => snake(name).split('_');
  return (
    names.some((n) => words(n).some((w) => BATCH_ITERABLE_WORDS.has(w))) ||
    loop.targets.some((t) => words(t).some((w) => BATCH_TARGET_WORDS.has(w)))
  );
}

/** `range(0, len(rows), size)`: three arguments at the top level. */
function rangeWithStep(iterable: string): boolean {
  const args = /^range\s*\(([\s\S]*)\)$/.exec(iterable)?.[1];
  if (args === undefined) return false;
  let depth = 0;
  let commas = 0;
  for (const ch of args) {
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) commas++;
  }
  return commas >= 2;
}

/**
 * The first other call the loop's body awaits (`load_repository(&url).await`,
 * `await client.post(...)`) that is not database work (a query or write
 * QueryLens extracted, or a transaction, connection or statement call, such as
 * Prisma's `$transaction([...])` or a `.transaction(async (tx) => ...)` around the
 * statement itself: those
 * are part of the per-item cost): each iteration then waits on more than its
 * statement, so batching the statement alone saves only a share of the loop's
 * time. Undefined when the body awaits nothing else.
 */
const DATABASE_CALL = /\.(begin|begin_nested|commit|rollback|acquire|get_async|get_conn|connect|flush|close|execute|executemany|fetch\w*|scalars?|query\w*)\s*\([^]*\)$|^sqlx::|\.\$?transaction\s*\(/;

export function otherAwait(text: string, host: HostExtraction, loop: LoopContext): string | undefined {
  const spans = [...host.queries.map((q) => q.span), ...host.writes.map((w) => w.span)].filter((s) => s.start >= loop.span.start && s.end <= loop.span.end);
  const known = (at: number) => spans.some((s) => s.start <= at && at <= s.end);
  const body = text.slice(loop.span.start, loop.span.end);
  const postfix = adapterOf(host.language).awaitSyntax === 'postfix';
  for (const m of body.matchAll(postfix ? /\.await\b/g : /\bawait\s+/g)) {
    const at = loop.span.start + m.index!;
    // `call.await` (Rust): the awaited call ends at `.await`; `await call` (Python): it starts after `await `.
    if (known(postfix ? at - 1 : at + m[0].length)) continue;
    const line = text.slice(lineStart(text, at), postfix ? at : lineEnd(text, at)).trim();
    const call = (postfix ? line.replace(/^(let\s+[^=]+=\s*|.*\b(if|match|while)\s+(let\s+[^=]+=\s*)?)/, '') : line.replace(/^.*?\bawait\s+/, '')).replace(/[?;:]+$/, '');
    if (call && !DATABASE_CALL.test(call)) return call.length > 60 ? `${call.slice(0, 57)}...` : call;
  }
  return undefined;
}

/**
 * How many times a loop runs when its code fixes it: `range(3)`, `range(1, 4)`,
 * a literal list, tuple or set (`["a", "b"]`), a Rust array (`[a, b]`,
 * `&[a, b]`, `vec![a, b]`, with `.iter()`); undefined otherwise. Work per item
 * there is bounded by the code, not by a table.
 */
export function fixedBound(loop: LoopContext): number | undefined {
  if (loop.kind === 'while' || loop.iterableQuery !== undefined) return undefined;
  const iterable = (loop.iterable ?? '').trim().replace(/^&(mut\s+)?/, '').replace(/\.(iter|into_iter|iter_mut)\(\)$/, '').replace(/^vec!/, '');
  const range = /^range\s*\(\s*(?:(-?\d+)\s*,\s*)?(-?\d+)\s*\)$/.exec(iterable);
  if (range) return Math.max(0, Number(range[2]) - Number(range[1] ?? 0));
  const literal = /^[[({]([\s\S]*)[\])}]$/.exec(iterable);
  if (!literal || /\bfor\b|\.\./.test(literal[1]!)) return undefined;
  const items = topLevelItems(literal[1]!);
  return items.every((item) => /^("[^"]*"|'[^']*'|-?\d+(\.\d+)?|[A-Za-z_][\w.:]*|\([^()]*\))$/.test(item)) ? items.length : undefined;
}

/**
 * Whether the loop walks a collection held by one object (`participant.roles`,
 * `&s.tags`): its size is that object's children, usually a handful, so work
 * per item there is plausible but small.
 */
export function walksChildCollection(loop: LoopContext): boolean {
  if (loop.ownCollection) return true;
  const iterable = (loop.iterable ?? '').replace(/^&(mut\s+)?/, '').replace(/\.(iter|into_iter|iter_mut)\(\)$/, '');
  return /^(?!self\.)[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(iterable) && loop.iterableQuery === undefined;
}

/**
 * Why the loop is likely small, as its code shows (one object's own
 * collection, the values of a fieldless enum), as a note for a message;
 * undefined when it does not show.
 */
export function smallLoopNote(loop: LoopContext): string | undefined {
  const items = loop.iterable ?? 'the loop';
  if (loop.closedSet) {
    return ` (Its items are ${loop.closedSet} values cast to an integer, so ${loop.closedSet} is a fieldless enum: at most one item per variant, worth batching only if the enum grows large.)`;
  }
  if (!walksChildCollection(loop)) return undefined;
  const from = loop.ownCollection && loop.ownCollection !== items ? ` comes from ${loop.ownCollection},` : ' is';
  return ` (${items}${from} one object's own collection, likely a handful of items: worth it only if it grows.)`;
}

/**
 * The note for a loop over the rows of a query of the tenants one user owns
 * or belongs to (`userTenantsColumn`: `organization WHERE owner_id = $1`): it
 * runs a few times. Undefined for other loops.
 */
export function userTenantsNote(ctx: FileContext, host: HostExtraction, loop: LoopContext): string | undefined {
  if (loop.iterableQuery === undefined) return undefined;
  const rows = host.queries[loop.iterableQuery];
  const model = rows?.model ?? statementOf(ctx, rows?.preparedFrom ?? loop.iterableQuery)?.query;
  const column = model ? userTenantsColumn(model, ctx.catalog) : undefined;
  if (!column) return undefined;
  return ` (The loop walks the ${spelledTableName(ctx.catalog, model!.tables[0]!.name)} rows of one ${column}: a user owns or belongs to a few, so it runs a few times, worth batching only if one can have many.)`;
}

/** `of the query on line 12` / `of agents.all()`: where the loop's rows come from. */
export function rowsSource(text: string, row: RowLoop): string {
  if (row.rowsOf) return `of the query on line ${lineNumber(text, row.rowsOf.query.span.start)}`;
  return `of \`${row.loop.iterable}\``;
}

// ---------------------------------------------------------------------------
// Request path or batch path

/** Where host code runs, as the code shows it, and the words that say why. */
export interface CodePath {
  kind: 'request' | 'batch';
  why: string;
  /** What tells: a decorator or attribute, a handler's signature, the function's name, or the file's place. */
  by: 'decorator' | 'signature' | 'name' | 'file';
}

/** Route decorators (`@router.get(...)`, `@app.route(...)`, Slack's `@app.view(...)`) and actix/rocket attributes (`get("/")`). */
const REQUEST_DECORATOR = /(^|\.)(get|post|put|patch|delete|route|api_route|websocket|view|action)\s*\(/;
/** Task, job and CLI decorators: `@actor(...)`, `@celery.task`, `@shared_task`, `@background_task`, `@click.command()`, `@scheduler.add(...)`. */
const BATCH_DECORATOR = /(^|\.)(actor|task|shared_task|\w+_task|command|group|scheduled_job|periodic_task|cron|job)\b|^scheduler\.|^tokio::main\b/;
/** Rust handler parameters: axum and actix extractors. */
const REQUEST_PARAMETER = /^(axum::extract::|web::)?(Path|Query|Json|Form|State|Extension|Data|HttpRequest|OriginalUri)\b/;
/** Words of function names that do work over many rows on purpose. */
const BATCH_NAME_WORDS = new Set(['main', 'backfill', 'export', 'migrate', 'migration', 'cleanup', 'purge', 'reindex', 'rebuild', 'dump', 'archive', 'seed', 'seeds', 'sync', 'import', 'recompute', 'recalculate']);
/** Folders and files of scripts, jobs and command-line tools. */
/** Migration code (Alembic's env.py, revisions) runs once per deploy, like a script. */
const BATCH_FOLDERS = new Set(['scripts', 'commands', 'jobs', 'tasks', 'worker', 'workers', 'cron', 'management', 'migrations', 'alembic', 'revisions']);
const BATCH_FILES = /^(tasks?|jobs?|cli|worker|workers|scheduled|cron|manage|migrations?|__main__|main)\.(py|rs)$/;

/**
 * Whether a query runs on a request path (a route handler) or a batch path (a
 * task, a CLI command, a script, a function named for work over all rows), as
 * far as the file shows; undefined when it does not (a repository method).
 */
export function codePath(file: string, at: { functions?: EnclosingFunction[] }): CodePath | undefined {
  const inBatchFile = batchFile(file);
  for (const fn of at.functions ?? []) {
    // What the extractor already read from the code (TypeScript: route registrations, NestJS decorators, Next.js files).
    if (fn.role) return fn.role;
    const route = fn.decorators.find((d) => REQUEST_DECORATOR.test(d));
    if (route) return { kind: 'request', why: `in the request handler ${fn.name} (${decoratorName(route)})`, by: 'decorator' };
    if (fn.parameterTypes.some((t) => REQUEST_PARAMETER.test(t))) return { kind: 'request', why: `in the request handler ${fn.name}`, by: 'signature' };
    // A function named `handler` in a cron/ or workers/ folder is the job's handler (`const cron = { name, handler: async (con) => .. }`).
    if (/(^|_)handler$/.test(fn.name)) return inBatchFile ?? { kind: 'request', why: `in the request handler ${fn.name}`, by: 'signature' };
    const job = fn.decorators.find((d) => BATCH_DECORATOR.test(d));
    if (job) return { kind: 'batch', why: `in the job ${fn.name} (${decoratorName(job)})`, by: 'decorator' };
    if (fn.name.toLowerCase().split('_').some((w) => BATCH_NAME_WORDS.has(w)) || /^(load|iter|stream)_all/.test(fn.name)) {
      return { kind: 'batch', why: `in ${fn.name}, which by its name works over every row`, by: 'name' };
    }
  }
  return inBatchFile;
}

/** A file of scripts or jobs by its name or folders (`tasks.py`, `src/bin/`, `cron/`, `workers/`). */
function batchFile(file: string): CodePath | undefined {
  const parts = file.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  const folders = parts.slice(0, -1);
  const rustBin = folders.some((p, i) => p === 'bin' && folders[i - 1] === 'src');
  if (BATCH_FILES.test(name) || rustBin || folders.some((p) => BATCH_FOLDERS.has(p)) || handRunScript(file) || seedFile(file) || migrationModule(file)) return { kind: 'batch', why: `in a script or job file (${name})`, by: 'file' };
  return undefined;
}

/** Scheduler decorators: the function runs on a timer (`@Cron(...)`, `@Interval(...)`, `@Timeout(...)`, `@scheduler.scheduled_job(...)`, `@periodic_task(...)`). */
const SCHEDULED_DECORATOR = /^(?:[\w.]*\.)?(Cron|Interval|Timeout|scheduled_job|periodic_task)\s*\(/;

/** The scheduled job a query runs in, by its function's scheduler decorator: `cleanupOldTrash (@Interval)`; undefined otherwise. */
export function scheduledJob(at: { functions?: EnclosingFunction[] }): string | undefined {
  for (const fn of at.functions ?? []) {
    const decorator = fn.decorators.find((d) => SCHEDULED_DECORATOR.test(d));
    if (decorator) return `${fn.name} (${decoratorName(decorator)})`;
  }
  return undefined;
}

/**
 * Seed scripts: a `seed/` or `seeds/` folder, `seed.ts` / `seeds.py` (Prisma's `prisma/seed.ts`), `users.seed.ts`,
 * and fake-data scripts named `populate.py` / `populate_db.py` (CTFd's).
 */
const SEED_FILE = /(?:^|[\\/])((?:seeds?[\\/].+)|(?:seeds?|populate(?:[_-][\w-]*)?|[^\\/]+\.seeds?)\.\w+)$/i;

/**
 * Migration code, else undefined: a module by its name (`migrations.py`, `migration.ts`: freqtrade's
 * schema and data upgrades, lnbits'), or a file of a timestamped migration in a `migration(s)` folder
 * (formbricks' data migrations, `migration/20260401000002_backfill_workspace_id/migration.ts`; knex's
 * `migrations/20240101120000_add_users.ts`), as its path from that folder. It runs once per upgrade of
 * the schema. A feature of that name (linkwarden's `controllers/migration/exportData.ts`, a user's
 * export) is none.
 */
export function migrationModule(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const name = parts[parts.length - 1]!;
  const at = Math.max(parts.lastIndexOf('migration', parts.length - 2), parts.lastIndexOf('migrations', parts.length - 2));
  if (at >= 0 && parts.slice(at + 1).some((p) => /^\d{8,}/.test(p))) return parts.slice(at).join('/');
  return /^migrations?\.(py|[cm]?[jt]s)$/.test(name) ? name : undefined;
}

/** The seed script a file is (its path from the `seed` folder or its name), else undefined: development data written once. */
export function seedFile(file: string): string | undefined {
  return SEED_FILE.exec(file)?.[1]?.replace(/\\/g, '/');
}

/** Folders of scripts someone runs by hand: `scripts/`, and `bin/` (Rust's `src/bin/` holds the crate's programs: not one). */
const HAND_RUN_FOLDERS = new Set(['scripts', 'bin']);

/**
 * The script run by hand a file is (`bin/backfillClaims.ts`, `scripts/fix_dates.py`), as its path from that
 * folder; else undefined. Someone runs it once or now and then (a backfill, a repair, an import): what it
 * does per row, or a scan, costs per run rather than per request, and an index added for it costs every
 * later write to the table.
 */
export function handRunScript(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  for (let i = parts.length - 2; i >= 0; i--) {
    if (HAND_RUN_FOLDERS.has(parts[i]!) && parts[i - 1] !== 'src') return parts.slice(i).join('/');
  }
  return undefined;
}

/** Folders of staff-only tools (an admin panel, a back office). */
const ADMIN_FOLDERS = new Set(['admin', 'backoffice', 'back-office', 'back_office', 'staff', 'superadmin']);

/**
 * The admin folder a file sits in (`server-only/admin/`, `backoffice/`, tRPC's `admin-router/`, a
 * Remix route folder `admin+/`, a Remix flat route `routes/admin.users.tsx`): code staff run, not users on every request. The folder's first
 * word counts (`admin-router`, `admin_tools`), not a word inside it (`team-admin` is a team's own page).
 */
export function adminFolder(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const folder = parts.slice(0, -1).find((p) => ADMIN_FOLDERS.has(p.toLowerCase()) || ADMIN_FOLDERS.has(p.toLowerCase().replace(/^[_+()]+/, '').split(/[-_+.()]/)[0]!));
  if (folder || parts[parts.length - 2] !== 'routes') return folder;
  // A Remix flat route's file names its URL's segments (trigger.dev's routes/admin.api.v1.workers.ts: /admin/api/v1/workers), pathless layouts (`_app.`) aside.
  const segment = parts[parts.length - 1]!.split('.').find((p) => !p.startsWith('_'));
  return segment !== undefined && ADMIN_FOLDERS.has(segment.toLowerCase()) ? segment : undefined;
}

function decoratorName(decorator: string): string {
  return `@${decorator.split('(')[0]!.trim()}`;
}

// ---------------------------------------------------------------------------
// Layout

/** Offsets just after each newline of the text last asked about: a file's findings ask it many lines. */
const newlinesOf = forLastText((text) => {
  const after: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) after.push(i + 1);
  return after;
});

/** 1-based line number of `offset`. */
export function lineNumber(text: string, offset: number): number {
  // Lines before `offset`'s: the newlines strictly before it.
  const after = newlinesOf(text);
  let lo = 0;
  let hi = after.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}
