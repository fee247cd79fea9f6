/**
 * The safe explain runner: one statement, classified by the SQL core first
 * (DDL and anything but SELECT/INSERT/UPDATE/DELETE/MERGE refused), run in a
 * transaction that is always rolled back, under a statement timeout, and
 * cancellable on the database. Returns the plan as the database gave it; the
 * summary and problems are plan analysis's job (server/src/db/plan/).
 */
import type { DriverKind } from '../../../../shared/connections';
import type { ParamValue } from '../../../../shared/explain';
import { dbError } from '../drivers/errors';
import type { DbDialect, Driver } from '../types';
import { checkCatalogEffects, classifyStatement, type ExplainableKind } from './classify';
import { statementParams } from './params';
import { explainPg } from './postgres';
import { withJob } from './run';
import { explainSqlite, type SqlitePlanRow, type SqliteRun } from './sqlite';

export { checkCatalogEffects, classifyStatement, type ClassifiedStatement, type ExplainableKind } from './classify';
export type { RunMode } from './effects';
export { statementParams, sqliteBinding, type StatementParam } from './params';
export type { SqlitePlanRow, SqliteRun } from './sqlite';

export interface ExplainOptions {
  sql: string;
  /** Values in parameter order; `undefined` plans without values (a generic plan). */
  params?: ParamValue[];
  analyze: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The connection is marked readOnly: EXPLAIN ANALYZE of a write is refused. */
  readOnlyConnection?: boolean;
}

export interface RawExplain {
  connection: string;
  driver: DriverKind;
  dialect: DbDialect;
  /** The statement as sent (the core's split: no trailing `;`). */
  sql: string;
  statementKind: ExplainableKind;
  params: ParamValue[];
  analyzed: boolean;
  /** Planned without values: a prepared statement forced to its generic plan. */
  genericPlan: boolean;
  /** Ran inside a transaction that was rolled back (always on PostgreSQL; with analyze on SQLite). */
  rolledBack: boolean;
  /** PostgreSQL: EXPLAIN (FORMAT JSON [, ANALYZE, BUFFERS]) exactly as returned, `[{Plan, ...}]`. */
  pgPlan?: unknown;
  /** SQLite: EXPLAIN QUERY PLAN rows. */
  sqlitePlan?: SqlitePlanRow[];
  /** SQLite with analyze: the statement run through and timed. */
  sqliteRun?: SqliteRun;
  /** Wall time in QueryLens from having the session to the rollback (connecting excluded), ms. */
  wallMs: number;
  serverVersion: string;
}

/**
 * Generic plans cannot be analysed (there is nothing to run the statement
 * with): an `analyze` request without values for a statement that takes
 * parameters is refused with a DbError saying so, rather than silently
 * falling back to a plain EXPLAIN the user did not ask for.
 */
export async function explain(driver: Driver, options: ExplainOptions): Promise<RawExplain> {
  const mode = options.analyze ? 'run' : 'plan';
  const statement = await classifyStatement(options.sql, driver.dialect, driver.name, mode);
  if (options.analyze && statement.writes && options.readOnlyConnection) {
    throw dbError('refused', driver.name, `EXPLAIN ANALYZE runs the ${statement.kind.toUpperCase()}, and the connection is read-only`, {
      advice: 'Use Explain (without Analyze), or a connection that is not marked "readOnly" (it is rolled back either way).',
    });
  }
  const paramNames = statementParams(statement.sql, driver.dialect);
  const generic = options.params === undefined && paramNames.length > 0;
  if (generic && options.analyze) {
    throw dbError('refused', driver.name, `EXPLAIN ANALYZE runs the query and it needs values for ${[...new Set(paramNames.map((p) => p.text))].join(', ')}`, {
      advice: 'Enter the values, or use Explain for a generic plan.',
    });
  }
  const serverVersion = await driver.serverVersion();
  const base = {
    connection: driver.name,
    driver: driver.kind,
    dialect: driver.dialect,
    sql: statement.sql,
    statementKind: statement.kind,
    params: options.params ?? [],
    analyzed: options.analyze,
    genericPlan: generic,
    serverVersion,
  };
  return withJob(driver, options, async (job) => {
    await checkCatalogEffects(job.q, statement, driver.dialect, mode, driver.name);
    if (driver.dialect === 'postgres') {
      const pgPlan = await explainPg(job, statement, options, generic);
      return { ...base, rolledBack: true, pgPlan, wallMs: job.elapsed() };
    }
    const { plan, run } = await explainSqlite(job, statement.sql, statement.writes, options.analyze, options.params);
    return { ...base, rolledBack: options.analyze, sqlitePlan: plan, ...(run ? { sqliteRun: run } : {}), wallMs: job.elapsed() };
  });
}
