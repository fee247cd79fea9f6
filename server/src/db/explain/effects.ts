/**
 * What a rollback cannot undo (issue 9, item 2). QueryLens runs the user's
 * statement in a transaction it rolls back; some functions act outside that
 * transaction: on another connection (dblink), on the server (terminate a
 * backend, reset statistics, switch WAL), on files, on sequences, on locks
 * other sessions wait for. Those are refused before anything runs:
 *
 * - by name, on the parsed statement (every function call anywhere in it,
 *   subqueries and CTEs included): the deny-list below, kept in this one place;
 * - from the catalog, where connected: a user function that is VOLATILE is
 *   refused when the statement runs (Explain Analyze, index proofs,
 *   benchmarks), and one whose source calls a denied function is refused
 *   always, since planning runs IMMUTABLE functions on constants; so is a
 *   trigger on a table the statement writes to whose function calls one (when
 *   the statement runs); the user functions a function's source calls are
 *   followed, a few levels deep.
 *
 * The views the statement reads are followed into their definitions.
 *
 * What is not seen: functions reached through operators, defaults and
 * policies, and dynamic SQL (EXECUTE of a built string). The
 * README's safety section says so and recommends a read-only role.
 */
import { parseSync } from 'libpg-query';
import type { QueryResult } from '../types';

/** `plan`: plain EXPLAIN (nothing VOLATILE runs); `run`: the statement runs (Explain Analyze, prove-index, bench). */
export type RunMode = 'plan' | 'run';

export interface FunctionCall {
  schema?: string;
  name: string;
}

interface DeniedFunctions {
  names?: string[];
  prefixes?: string[];
  /** Why, completing "it calls f(), which …". */
  why: string;
  /** Only when the statement runs: plain EXPLAIN never calls a VOLATILE built-in. Default: always. */
  onlyWhenRun?: boolean;
}

export const DENIED_FUNCTIONS: readonly DeniedFunctions[] = [
  { names: ['pg_terminate_backend', 'pg_cancel_backend'], why: 'stops another session' },
  { prefixes: ['pg_stat_reset', 'pg_stat_statements_reset'], why: "resets the server's statistics" },
  {
    names: ['pg_switch_wal', 'pg_create_restore_point', 'pg_backup_start', 'pg_backup_stop', 'pg_start_backup', 'pg_stop_backup', 'pg_promote', 'pg_wal_replay_pause', 'pg_wal_replay_resume', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_log_backend_memory_contexts', 'pg_logical_emit_message', 'pg_sync_replication_slots'],
    prefixes: ['pg_create_physical_replication_slot', 'pg_create_logical_replication_slot', 'pg_drop_replication_slot', 'pg_copy_physical_replication_slot', 'pg_copy_logical_replication_slot', 'pg_replication_slot_', 'pg_replication_origin_', 'pg_logical_slot_'],
    why: 'controls the server, its WAL or its replication',
  },
  { prefixes: ['dblink'], why: 'runs SQL on a connection of its own, which commits whatever QueryLens rolls back' },
  { prefixes: ['query_to_xml', 'crosstab'], names: ['cursor_to_xml', 'ts_stat', 'connectby'], why: 'runs SQL given as a string, which QueryLens cannot check' },
  { prefixes: ['postgres_fdw_'], why: "controls postgres_fdw's remote connections" },
  { prefixes: ['lo_'], names: ['lowrite'], why: 'works on large objects and server files (lo_export writes a file no rollback removes)' },
  { prefixes: ['pg_file_'], names: ['pg_logdir_ls', 'pg_truncate_visibility_map'], why: 'writes, renames or removes files on the server' },
  { prefixes: ['pg_advisory_', 'pg_try_advisory_'], why: 'takes or releases an advisory lock, which other sessions wait on' },
  { names: ['nextval', 'setval'], why: 'advances or sets a sequence, which no rollback undoes', onlyWhenRun: true },
];

/** The deny-list entry a function name falls under, if any. */
export function deniedFunction(name: string, mode: RunMode): DeniedFunctions | undefined {
  const n = name.toLowerCase();
  return DENIED_FUNCTIONS.find((d) => (mode === 'run' || !d.onlyWhenRun) && (d.names?.includes(n) || d.prefixes?.some((p) => n.startsWith(p))));
}

export interface TableRef {
  schema?: string;
  name: string;
}

/** libpg-query's nodes of the statements that write rows. */
export const WRITE_NODES: readonly string[] = ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'];

/** Every node of a libpg-query tree held under one of `keys`, in the tree's order. */
function nodesOf(tree: unknown, keys: readonly string[]): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    for (const [key, value] of Object.entries(node)) {
      if (keys.includes(key)) found.push(value as Record<string, unknown>);
      visit(value);
    }
  };
  visit(tree);
  return found;
}

/** The tables a libpg-query tree writes to (its INSERT, UPDATE, DELETE and MERGE targets, CTEs included). */
export function writtenTables(tree: unknown): TableRef[] {
  return nodesOf(tree, WRITE_NODES).flatMap((stmt) => {
    const r = stmt.relation as { relname?: string; schemaname?: string } | undefined;
    if (!r?.relname) return [];
    return [r.schemaname ? { schema: r.schemaname, name: r.relname } : { name: r.relname }];
  });
}

/** Every table or view a libpg-query tree names (FROM, JOIN, subqueries, write targets). */
export function namedRelations(tree: unknown): TableRef[] {
  return nodesOf(tree, ['RangeVar']).flatMap((r) => (typeof r.relname === 'string' ? [typeof r.schemaname === 'string' ? { schema: r.schemaname, name: r.relname } : { name: r.relname }] : []));
}

/** Every function call in a libpg-query tree, wherever it sits. */
export function functionCalls(tree: unknown): FunctionCall[] {
  return nodesOf(tree, ['FuncCall']).flatMap((call) => {
    const parts = ((call.funcname as { String?: { sval?: string } }[] | undefined) ?? []).map((p) => p.String?.sval ?? '');
    const name = parts.at(-1);
    if (!name) return [];
    return [parts.length > 1 ? { schema: parts.at(-2)!, name } : { name }];
  });
}

/** Why QueryLens refuses the calls by name, or undefined. */
export function refusedCall(calls: readonly FunctionCall[], mode: RunMode): string | undefined {
  for (const call of calls) {
    const denied = deniedFunction(call.name, mode);
    if (denied) return `it calls ${call.name}(), which ${denied.why}`;
  }
  return undefined;
}

/** Volatile extension functions that only make a value: allowed where they are C code of that name. */
const HARMLESS_VOLATILE_C = new Set(['uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'gen_random_uuid', 'gen_random_bytes', 'gen_salt', 'crypt']);

interface CatalogFunction {
  schema: string;
  name: string;
  volatility: string;
  language: string;
  source: string;
  visible: boolean;
}

/** How deep the catalog check follows calls from function to function. */
const MAX_DEPTH = 4;

/** A function to look up: where the chain to it started, and whether being VOLATILE refuses it. */
interface Lookup {
  call: FunctionCall;
  /** `calls`, or `fires trigger t on public.workers, which calls`: how the statement reaches the chain. */
  lead: string;
  /** The user functions that led here, `public.f()`. */
  via: string[];
  /** A call inside a function's source may name a function of any schema. */
  anySchema: boolean;
  /** VOLATILE refuses it (a call the statement makes when it runs); not for trigger functions, whose writes are rolled back with the statement. */
  volatileRefused: boolean;
}

/**
 * The user functions (outside pg_catalog and information_schema) the calls
 * may resolve to, and the functions of the triggers on the tables the
 * statement writes to, looked up in the catalog; from their source, the user
 * functions they call in turn (MAX_DEPTH levels). Why one of them is refused.
 */
export async function refusedByCatalog(run: Run, statement: StatementReach, mode: RunMode): Promise<string | undefined> {
  const views = await viewCalls(run, statement.relations, mode);
  if (typeof views === 'string') return views;
  let frontier: Lookup[] = [
    ...statement.functions.map((call) => ({ call, lead: 'calls', via: [], anySchema: false, volatileRefused: mode === 'run' })),
    ...views,
    ...(mode === 'run' ? await triggerFunctions(run, statement.targets) : []),
  ];
  const seen = new Set<string>();
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const found = await userFunctions(run, [...new Set(frontier.map((f) => f.call.name))]);
    const next: Lookup[] = [];
    for (const item of frontier) {
      const { call } = item;
      for (const f of found.filter((f) => f.name === call.name && (call.schema ? f.schema === call.schema : item.anySchema || f.visible))) {
        const via = [...item.via, `${f.schema}.${f.name}()`];
        const what = `${item.lead} ${via.join(', which calls ')}`;
        const body = f.language === 'c' || f.language === 'internal' ? [] : calledNames(f.source);
        const inside = body.map((name) => ({ name, denied: deniedFunction(name, 'run') })).find((c) => c.denied);
        if (inside) return `it ${what}, whose source calls ${inside.name}(), which ${inside.denied!.why}`;
        if (item.volatileRefused && f.volatility === 'v' && !(f.language === 'c' && HARMLESS_VOLATILE_C.has(f.name))) {
          return `it ${what}, a VOLATILE function: it may change data in ways a rollback does not undo (another connection, a sequence, a file)`;
        }
        const key = `${f.schema}.${f.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(...body.map((name) => ({ ...item, call: { name }, via, anySchema: true })));
      }
    }
    frontier = next;
  }
  return undefined;
}

type Run = (sql: string, params: unknown[]) => Promise<QueryResult>;

/** What the parsed statement reaches: the functions it calls, the tables it writes to, every relation it names. */
export interface StatementReach {
  functions: readonly FunctionCall[];
  targets: readonly TableRef[];
  relations: readonly TableRef[];
}

/**
 * The function calls in the definitions of the views the statement reads
 * (planning inlines a view, so its calls are the statement's), views of views
 * included; or why one of them is refused by name.
 */
async function viewCalls(run: Run, relations: readonly TableRef[], mode: RunMode): Promise<Lookup[] | string> {
  const lookups: Lookup[] = [];
  const seen = new Set<string>();
  let frontier = relations.map((relation) => ({ relation, anySchema: false }));
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const { rows } = await run(
      `SELECT n.nspname AS schema, c.relname AS name, pg_table_is_visible(c.oid) AS visible, pg_get_viewdef(c.oid) AS definition
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND c.relname = ANY($1::text[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
      [[...new Set(frontier.map((f) => f.relation.name))]],
    );
    const next: typeof frontier = [];
    for (const { relation, anySchema } of frontier) {
      for (const view of rows.filter((v) => v.name === relation.name && (relation.schema ? v.schema === relation.schema : anySchema || v.visible))) {
        const key = `${String(view.schema)}.${String(view.name)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        let tree: unknown;
        try {
          tree = parseSync(String(view.definition));
        } catch {
          continue; // the server's own text of a view it accepted; nothing to read if it does not parse here
        }
        const calls = functionCalls(tree);
        const denied = refusedCall(calls, mode);
        if (denied) return `it reads view ${key}, which ${denied.replace(/^it /, '')}`;
        lookups.push(...calls.map((call) => ({ call, lead: `reads view ${key}, which calls`, via: [], anySchema: false, volatileRefused: mode === 'run' })));
        next.push(...namedRelations(tree).map((r) => ({ relation: r, anySchema: false })));
      }
    }
    frontier = next;
  }
  return lookups;
}

/** The enabled user triggers of the tables written to, as lookups of their functions. */
async function triggerFunctions(run: Run, targets: readonly TableRef[]): Promise<Lookup[]> {
  if (targets.length === 0) return [];
  const { rows } = await run(
    `SELECT t.tgname AS trigger, n.nspname AS schema, c.relname AS table, pg_table_is_visible(c.oid) AS visible, fn.nspname AS fschema, p.proname AS fname
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = p.pronamespace
      WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relname = ANY($1::text[])`,
    [[...new Set(targets.map((t) => t.name))]],
  );
  return rows
    .filter((r) => targets.some((t) => t.name === r.table && (t.schema ? t.schema === r.schema : r.visible)))
    .map((r) => ({
      call: { schema: String(r.fschema), name: String(r.fname) },
      lead: `fires trigger ${String(r.trigger)} on ${String(r.schema)}.${String(r.table)}, which calls`,
      via: [],
      anySchema: true,
      volatileRefused: false,
    }));
}

async function userFunctions(run: Run, names: string[]): Promise<CatalogFunction[]> {
  const { rows } = await run(
    `SELECT n.nspname AS schema, p.proname AS name, p.provolatile AS volatility, l.lanname AS language, p.prosrc AS source, pg_function_is_visible(p.oid) AS visible
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
      WHERE p.proname = ANY($1::text[]) AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
    [names],
  );
  return rows as unknown as CatalogFunction[];
}

/**
 * The names a function's source calls (`name(`), lower-cased as PostgreSQL
 * folds them: read from the text, so a comment or a keyword before `(` counts
 * too, which can only make the check stricter.
 */
function calledNames(source: string): string[] {
  return [...new Set([...source.matchAll(/([A-Za-z_][A-Za-z0-9_$]*)\s*\(/g)].map((m) => m[1]!.toLowerCase()))];
}
