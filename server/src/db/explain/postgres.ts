/**
 * EXPLAIN on PostgreSQL (server or PGlite), inside a transaction that is
 * always rolled back: READ ONLY unless a write is analysed, with a local
 * statement_timeout.
 */
import type { ParamValue } from '../../../../shared/explain';
import type { ClassifiedStatement } from './classify';
import { pgParamCount } from './params';
import { rollback, type Job } from './run';

export interface PgExplainOptions {
  analyze: boolean;
  params?: ParamValue[];
  timeoutMs: number;
}

/** The statements that open a job's transaction. */
export async function beginPg(job: Job, readWrite: boolean, timeoutMs: number): Promise<void> {
  await job.q(readWrite ? 'BEGIN READ WRITE' : 'BEGIN READ ONLY');
  // SET does not take parameters; the value is an integer we made.
  await job.q(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
}

/**
 * Plans without values: a prepared statement forced to its generic plan. Not
 * `EXPLAIN (GENERIC_PLAN)` (16+): in the extended protocol every `$N` must be
 * bound, and the values bound would be folded into the plan.
 */
export async function genericPgPlan(job: Job, sql: string): Promise<unknown> {
  const name = `querylens_generic_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  await job.q(`PREPARE ${name} AS ${sql}`);
  try {
    await job.q('SET LOCAL plan_cache_mode = force_generic_plan');
    const r = await job.q('SELECT cardinality(parameter_types) AS n FROM pg_prepared_statements WHERE name = $1', [name]);
    const nulls = Array.from({ length: Number(r.rows[0]?.n ?? pgParamCount(sql)) }, () => 'NULL').join(', ');
    return planOf(await job.q(`EXPLAIN (FORMAT JSON) EXECUTE ${name}${nulls ? `(${nulls})` : ''}`));
  } catch (e) {
    // An aborted transaction refuses DEALLOCATE: roll back first.
    await rollback(job);
    throw e;
  } finally {
    // PREPARE is not transactional: it would outlive the ROLLBACK on the pooled connection.
    await job.session.query(`DEALLOCATE ${name}`).catch(() => undefined);
  }
}

/** EXPLAIN of one statement with its values (or none when it takes none). */
export async function pgPlan(job: Job, sql: string, analyze: boolean, params?: ParamValue[]): Promise<unknown> {
  const options = analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
  return planOf(await job.q(`EXPLAIN (${options}) ${sql}`, params));
}

export async function explainPg(job: Job, statement: ClassifiedStatement, options: PgExplainOptions, generic: boolean): Promise<unknown> {
  await beginPg(job, options.analyze && statement.writes, options.timeoutMs);
  try {
    return generic ? await genericPgPlan(job, statement.sql) : await pgPlan(job, statement.sql, options.analyze, options.params);
  } finally {
    await rollback(job);
  }
}

/** The `QUERY PLAN` column of EXPLAIN (FORMAT JSON): `[{Plan, Planning Time, Execution Time ...}]`. */
function planOf(result: { rows: Record<string, unknown>[] }): unknown {
  const value = result.rows[0]?.['QUERY PLAN'];
  return typeof value === 'string' ? JSON.parse(value) : value;
}
