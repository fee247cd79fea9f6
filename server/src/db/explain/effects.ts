/**
 * What a rollback cannot undo (issue 9, item 2). QueryLens runs the user's
 * statement in a transaction it rolls back; some functions act outside that
 * transaction: on another connection (dblink), on the server (terminate a
 * backend, reset statistics, switch WAL), on files, on sequences, on locks
 * other sessions wait for. Those are refused before anything runs:
 *
 * - by name, on the parsed statement (every function call anywhere in it,
 *   subqueries and CTEs included): the deny-list below, kept in this one place;
 * - from the catalog, where connected (catalog-effects.ts): a user function
 *   that is VOLATILE is refused when the statement runs (Explain Analyze,
 *   index proofs, benchmarks); one whose source calls a denied function is
 *   refused always, since planning runs IMMUTABLE functions on constants; the
 *   views the statement reads are followed into their definitions, and the
 *   triggers of the tables it writes to (when it runs) into their functions;
 *   the user functions a function's source calls are followed a few levels deep.
 *
 * What is not seen: functions reached through operators, defaults and
 * policies, and dynamic SQL (EXECUTE of a built string). The
 * README's safety section says so and recommends a read-only role.
 */

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
