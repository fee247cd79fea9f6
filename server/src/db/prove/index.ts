/**
 * Index proofs: the query's plan before and after the suggested index, inside
 * one transaction that is rolled back, so the index never exists outside it.
 * PostgreSQL with HypoPG installed: a hypothetical index (no lock, no build)
 * and plain EXPLAIN; else EXPLAIN ANALYZE, CREATE INDEX, ANALYZE, EXPLAIN
 * ANALYZE, ROLLBACK. SQLite: the same with EXPLAIN QUERY PLAN and timed runs
 * (its DDL is transactional).
 *
 * Returns raw plans; `indexProofOf` turns them into the shared IndexProof
 * given a plan summariser (server/src/db/plan/), which the integrator passes.
 */
import type { DriverKind } from '../../../../shared/connections';
import type { ParamValue, SuggestedIndex } from '../../../../shared/explain';
import { dbError } from '../drivers/errors';
import { checkCatalogEffects, classifyStatement } from '../explain/classify';
import { statementParams } from '../explain/params';
import { beginPg, genericPgPlan, pgPlan } from '../explain/postgres';
import { rollback, withJob, type Job } from '../explain/run';
import { sqliteMeasure, sqlitePlan, type SqlitePlanRow, type SqliteRun } from '../explain/sqlite';
import { DbError, type DbDialect, type Driver } from '../types';
import { proofIndex, qualified } from './ddl';

export { indexProofOf, type SideSummariser } from './result';

export interface ProveOptions {
  sql: string;
  params?: ParamValue[];
  index: SuggestedIndex;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Read-only connections refuse the transaction method (it creates an index); HypoPG is allowed. */
  readOnlyConnection?: boolean;
  /** `auto` (default): HypoPG when installed, else the transaction; `transaction` measures a real index even where HypoPG is. */
  method?: 'auto' | 'transaction';
  /** The table as the database names it (the schema's `CscSession` for a finding's `cscsession`); as suggested when absent. */
  tableName?: (table: string) => string;
}

export interface RawProofSide {
  analyzed: boolean;
  pgPlan?: unknown;
  sqlitePlan?: SqlitePlanRow[];
  sqliteRun?: SqliteRun;
}

export interface RawProof {
  connection: string;
  driver: DriverKind;
  dialect: DbDialect;
  sql: string;
  params: ParamValue[];
  index: SuggestedIndex;
  method: 'transaction' | 'hypopg';
  /** The index as the database named it: our temporary name, or HypoPG's `<oid>btree_...`. */
  indexName: string;
  /** The CREATE INDEX that ran (or was given to hypopg_create_index). */
  ddl: string;
  before: RawProofSide;
  after: RawProofSide;
  /** Whether the after plan uses the index. */
  indexUsed: boolean;
  /** Planned without values (the query takes parameters and none were given): costs only, no timings. */
  genericPlan: boolean;
  wallMs: number;
  serverVersion: string;
}

export async function proveIndex(driver: Driver, options: ProveOptions): Promise<RawProof> {
  // The proof builds the index in a read-write transaction and runs the statement: it refuses what Explain Analyze refuses.
  const statement = await classifyStatement(options.sql, driver.dialect, driver.name, 'run');
  const index = await proofIndex(options.index, driver.dialect, driver.name, options.tableName);
  const generic = options.params === undefined && statementParams(statement.sql, driver.dialect).length > 0;
  const serverVersion = await driver.serverVersion();
  return withJob(driver, options, async (job) => {
    await checkCatalogEffects(job.q, statement, driver.dialect, 'run', driver.name);
    const hypopg = driver.dialect === 'postgres' && options.method !== 'transaction' ? await hypopgSchema(job) : undefined;
    if (!hypopg && options.readOnlyConnection) {
      throw dbError('refused', driver.name, 'proving an index creates it (inside a transaction that is rolled back), and the connection is read-only', { advice: 'Install HypoPG (hypothetical indexes), or prove on the embedded shadow database.' });
    }
    const analyze = hypopg ? false : !generic;
    const once = async (): Promise<RawProofSide> => {
      // A write runs in a savepoint so that every run finds the same rows as the first.
      if (statement.writes && !generic) await job.q('SAVEPOINT querylens_side');
      try {
        return await planSide(job, driver, statement.sql, options.params, analyze, generic);
      } finally {
        if (statement.writes && !generic) await rollback(job, 'querylens_side');
      }
    };
    // One timed run is at the mercy of caches and the machine: each side is the median of a few.
    const side = async (): Promise<RawProofSide> => {
      const runs: RawProofSide[] = [];
      for (let i = 0; i < (analyze ? PROOF_RUNS : 1); i++) runs.push(await once());
      return medianRun(runs);
    };
    const base = { connection: driver.name, driver: driver.kind, dialect: driver.dialect, sql: statement.sql, params: options.params ?? [], index: options.index, ddl: index.ddl, genericPlan: generic, serverVersion };
    try {
      if (driver.dialect === 'postgres') await beginPg(job, !hypopg, options.timeoutMs);
      else await job.q('BEGIN');
      const before = await side();
      let indexName = index.name;
      if (hypopg) {
        const r = await job.q(`SELECT indexname FROM ${hypopg}.hypopg_create_index($1)`, [index.ddl]);
        indexName = String(r.rows[0].indexname);
      } else {
        await buildIndex(job, driver, index.ddl, index.table);
      }
      const after = await side();
      if (hypopg) await job.q(`SELECT ${hypopg}.hypopg_reset()`);
      return { ...base, method: hypopg ? 'hypopg' : 'transaction', indexName, before, after, indexUsed: usesIndex(after, indexName), wallMs: job.elapsed() };
    } finally {
      await rollback(job);
    }
  });
}

/**
 * How long the proof's CREATE INDEX and ANALYZE may wait for their locks (ms). While it waits,
 * every writer that comes after queues behind it: behind a long transaction
 * the proof gives up rather than hold up the table's writers.
 */
export const PROOF_LOCK_WAIT_MS = 2_000;

async function buildIndex(job: Job, driver: Driver, ddl: string, table: string): Promise<void> {
  if (driver.dialect === 'postgres') await job.q(`SET LOCAL lock_timeout = ${PROOF_LOCK_WAIT_MS}`);
  try {
    await job.q(ddl);
    await job.q(`ANALYZE ${qualified(table)}`);
  } catch (e) {
    if (e instanceof DbError && (e.cause as { code?: unknown } | undefined)?.code === '55P03') {
      throw dbError('refused', driver.name, `the proof did not build its index: ${table} is locked by another transaction, and waiting for it (over ${PROOF_LOCK_WAIT_MS / 1000} s) would hold up every writer of ${table} behind the proof`, {
        cause: e,
        advice: 'Try again when the table is quieter, install HypoPG (it locks nothing), or prove on the embedded shadow database.',
      });
    }
    throw e;
  }
  if (driver.dialect === 'postgres') await job.q('SET LOCAL lock_timeout = DEFAULT');
}

/** Timed runs per side of a proof (the median is kept). */
export const PROOF_RUNS = 5;

function executionMsOf(side: RawProofSide): number {
  if (side.sqliteRun) return side.sqliteRun.executionMs;
  const top = Array.isArray(side.pgPlan) ? (side.pgPlan[0] as { 'Execution Time'?: number } | undefined) : undefined;
  return top?.['Execution Time'] ?? 0;
}

/** The run with the median execution time (its plan and timing together). */
function medianRun(runs: RawProofSide[]): RawProofSide {
  const sorted = [...runs].sort((a, b) => executionMsOf(a) - executionMsOf(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function planSide(job: Job, driver: Driver, sql: string, params: ParamValue[] | undefined, analyze: boolean, generic: boolean): Promise<RawProofSide> {
  if (driver.dialect === 'postgres') {
    const plan = generic ? await genericPgPlan(job, sql) : await pgPlan(job, sql, analyze, params);
    return { analyzed: analyze, pgPlan: plan };
  }
  const plan = await sqlitePlan(job, sql, params);
  if (!analyze) return { analyzed: false, sqlitePlan: plan };
  return { analyzed: true, sqlitePlan: plan, sqliteRun: await sqliteMeasure(job, sql, params) };
}

/** The schema HypoPG is installed in, when it is. */
async function hypopgSchema(job: Job): Promise<string | undefined> {
  const r = await job.q("SELECT quote_ident(n.nspname) AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'");
  return r.rows.length ? String(r.rows[0].schema) : undefined;
}

/** Whether a plan names the index: PostgreSQL's `Index Name`, SQLite's `USING [COVERING] INDEX name`. */
export function usesIndex(side: RawProofSide, indexName: string): boolean {
  if (side.sqlitePlan) return side.sqlitePlan.some((row) => row.detail.split(/\s+/).includes(indexName));
  let found = false;
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    if (record['Index Name'] === indexName) found = true;
    Object.values(record).forEach(visit);
  };
  visit(side.pgPlan);
  return found;
}
