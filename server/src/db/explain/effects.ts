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
 *   always, since planning runs IMMUTABLE functions on constants; the user
 *   functions a function's source calls are followed, a few levels deep.
 *
 * What is not seen: functions reached through views, operators, defaults,
 * triggers and policies, and dynamic SQL (EXECUTE of a built string). The
 * README's safety section says so and recommends a read-only role.
 */
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

/** Every function call in a libpg-query tree, wherever it sits. */
export function functionCalls(tree: unknown): FunctionCall[] {
  const calls: FunctionCall[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'FuncCall') {
        const parts = ((value as { funcname?: { String?: { sval?: string } }[] }).funcname ?? []).map((p) => p.String?.sval ?? '');
        const name = parts.at(-1);
        if (name) calls.push(parts.length > 1 ? { schema: parts.at(-2)!, name } : { name });
      }
      visit(value);
    }
  };
  visit(tree);
  return calls;
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

/**
 * The user functions (outside pg_catalog and information_schema) the calls
 * may resolve to, looked up in the catalog, and, from their source, the user
 * functions they call in turn (MAX_DEPTH levels); why one of them is refused.
 */
export async function refusedByCatalog(run: (sql: string, params: unknown[]) => Promise<QueryResult>, calls: readonly FunctionCall[], mode: RunMode): Promise<string | undefined> {
  // A call in the statement resolves through the search path; one inside a function's source may name any schema.
  let frontier = calls.map((call) => ({ call, via: [] as string[], anySchema: false }));
  const seen = new Set<string>();
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const found = await userFunctions(run, [...new Set(frontier.map((f) => f.call.name))]);
    const next: typeof frontier = [];
    for (const { call, via, anySchema } of frontier) {
      for (const f of found.filter((f) => f.name === call.name && (call.schema ? f.schema === call.schema : anySchema || f.visible))) {
        const chain = [...via, `${f.schema}.${f.name}()`];
        const what = chain.join(', which calls ');
        const body = f.language === 'c' || f.language === 'internal' ? [] : calledNames(f.source);
        const inside = body.map((name) => ({ name, denied: deniedFunction(name, 'run') })).find((c) => c.denied);
        if (inside) return `it calls ${what}, whose source calls ${inside.name}(), which ${inside.denied!.why}`;
        if (mode === 'run' && f.volatility === 'v' && !(f.language === 'c' && HARMLESS_VOLATILE_C.has(f.name))) {
          return `it calls ${what}, a VOLATILE function: it may change data in ways a rollback does not undo (another connection, a sequence, a file)`;
        }
        const key = `${f.schema}.${f.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(...body.map((name) => ({ call: { name }, via: chain, anySchema: true })));
      }
    }
    frontier = next;
  }
  return undefined;
}

async function userFunctions(run: (sql: string, params: unknown[]) => Promise<QueryResult>, names: string[]): Promise<CatalogFunction[]> {
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
