/**
 * The catalog half of what a rollback cannot undo (effects.ts holds the
 * deny-list): where connected, the user functions a statement calls, the
 * views it reads and the triggers of the tables it writes to, followed a few
 * levels deep through the functions' sources and the views' definitions.
 */
import { parseSync } from '../../core/sql/pg/wasm';
import type { QueryResult } from '../types';
import { deniedFunction, functionCalls, namedRelations, refusedCall, type FunctionCall, type RunMode, type TableRef } from './effects';

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
