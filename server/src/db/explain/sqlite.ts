/**
 * EXPLAIN QUERY PLAN on SQLite, and with `analyze` the statement really run
 * (inside BEGIN ... ROLLBACK; a SELECT under `PRAGMA query_only`) and timed
 * next to the database.
 */
import type { ParamValue } from '../../../../shared/explain';
import type { HostSession } from '../drivers/host/driver';
import type { DbSession } from '../types';
import { rollback, type Job } from './run';

export interface SqlitePlanRow {
  id: number;
  parent: number;
  detail: string;
}

export interface SqliteRun {
  /** Time of running the statement through, measured in the database host (ms). */
  executionMs: number;
  /** Rows it returned. */
  rows: number;
  /** Rows it changed (writes; rolled back). */
  changes?: number;
}

export async function sqlitePlan(job: Job, sql: string, params?: ParamValue[]): Promise<SqlitePlanRow[]> {
  const r = await job.q(`EXPLAIN QUERY PLAN ${sql}`, params ?? []);
  return r.rows.map((row) => ({ id: Number(row.id), parent: Number(row.parent), detail: String(row.detail) }));
}

function canMeasure(session: DbSession): session is HostSession {
  return typeof (session as Partial<HostSession>).measure === 'function';
}

/** Runs the statement once and times it; the caller has opened the transaction. */
export async function sqliteMeasure(job: Job, sql: string, params?: ParamValue[]): Promise<SqliteRun> {
  if (canMeasure(job.session)) {
    const m = await job.session.measure(sql, params ?? []);
    return { executionMs: m.elapsedMs, rows: m.rows, changes: m.rowCount };
  }
  const start = performance.now();
  const r = await job.q(sql, params ?? []);
  return { executionMs: r.elapsedMs ?? performance.now() - start, rows: r.rows.length, changes: r.rowCount };
}

/** BEGIN, with SELECTs made unable to write; undone by `endSqlite`. */
export async function beginSqlite(job: Job, writes: boolean): Promise<void> {
  await job.q('BEGIN');
  if (!writes) await job.q('PRAGMA query_only = ON');
}

export async function endSqlite(job: Job, writes: boolean): Promise<void> {
  await rollback(job);
  if (!writes) await job.session.query('PRAGMA query_only = OFF').catch(() => undefined);
}

export async function explainSqlite(job: Job, sql: string, writes: boolean, analyze: boolean, params?: ParamValue[]): Promise<{ plan: SqlitePlanRow[]; run?: SqliteRun }> {
  const plan = await sqlitePlan(job, sql, params);
  if (!analyze) return { plan };
  await beginSqlite(job, writes);
  try {
    return { plan, run: await sqliteMeasure(job, sql, params) };
  } finally {
    await endSqlite(job, writes);
  }
}
