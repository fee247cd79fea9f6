/**
 * The slowest statements, from pg_stat_statements when the server preloads it
 * and the database has the extension; otherwise a reason the user can act on.
 */
import type { HealthItem, IndexHealthReport } from '../../../../shared/dashboard';
import { createIndexSql, quoteIdent } from '../../core/migrations/writer';
import type { Job } from '../explain/run';
import { DbError } from '../types';
import type { CodeIndex } from './code';
import { SLOW_CRITICAL_MS } from './thresholds';

export interface SlowStatementOptions {
  /** Mean execution time at least this (ms). */
  minMeanMs: number;
  /** Called at least this often. */
  minCalls: number;
  /** At most this many, slowest mean first. */
  top: number;
  /** Only queries (SELECT, INSERT, UPDATE, DELETE, MERGE, WITH), not DDL and other utility statements. */
  queriesOnly?: boolean;
}

export interface StatementsResult {
  availability: IndexHealthReport['statements'];
  items: HealthItem[];
}

export function slowRule(o: SlowStatementOptions): string {
  return `mean time >= ${o.minMeanMs} ms and >= ${o.minCalls} calls (PgHero's rule at 20 ms / 100 calls), the ${o.top} slowest by mean time`;
}

async function unavailable(job: Job, database: string): Promise<StatementsResult> {
  const preload = String((await job.q(`SELECT current_setting('shared_preload_libraries') AS p`)).rows[0]?.p ?? '');
  const preloaded = preload.split(',').map((s) => s.trim().replace(/"/g, '')).includes('pg_stat_statements');
  const reason = preloaded
    ? `the pg_stat_statements extension is not installed in database "${database}": run CREATE EXTENSION pg_stat_statements;`
    : `the server does not preload pg_stat_statements: set shared_preload_libraries = 'pg_stat_statements' in postgresql.conf, restart the server, then run CREATE EXTENSION pg_stat_statements; in database "${database}"`;
  return { availability: { available: false, reason }, items: [] };
}

export async function slowStatements(job: Job, options: SlowStatementOptions, code?: CodeIndex): Promise<StatementsResult> {
  const ext = (await job.q(`SELECT n.nspname AS schema, e.extversion AS version, current_database() AS db
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`)).rows[0];
  const database = String(ext?.db ?? (await job.q('SELECT current_database() AS db')).rows[0]?.db);
  if (!ext) return unavailable(job, database);
  // 1.8 (PostgreSQL 13) split planning from execution time: mean_time became mean_exec_time.
  const [major, minor] = String(ext.version).split('.').map(Number);
  const newColumns = major! > 1 || (major === 1 && minor! >= 8);
  const mean = newColumns ? 'mean_exec_time' : 'mean_time';
  const total = newColumns ? 'total_exec_time' : 'total_time';
  let rows: Record<string, unknown>[];
  try {
    rows = (await job.q(`SELECT s.query, s.calls::float8 AS calls, s.${mean}::float8 AS mean_ms, s.${total}::float8 AS total_ms, s.rows::float8 AS rows
      FROM ${quoteIdent(String(ext.schema), 'postgres')}.pg_stat_statements s
      WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND s.calls >= $1 AND s.${mean} >= $2${options.queriesOnly ? ` AND s.query ~* '^\\s*(select|insert|update|delete|merge|with|values|table)\\M'` : ''}
      ORDER BY s.${mean} DESC LIMIT $3`, [options.minCalls, options.minMeanMs, options.top])).rows;
  } catch (e) {
    // Installed but not preloaded (after a config change without restart), or not allowed to read it.
    if (!(e instanceof DbError) || e.kind !== 'sql') throw e;
    return { availability: { available: false, reason: `pg_stat_statements cannot be read: ${e.message}` }, items: [] };
  }
  const items = rows.map((r): HealthItem => {
    const query = String(r.query);
    const meanMs = Number(r.mean_ms);
    const calls = Number(r.calls);
    const { code: found, suggestion } = code?.statement(query) ?? { code: [] };
    return {
      kind: 'slow-statement',
      level: meanMs >= SLOW_CRITICAL_MS ? 'critical' : 'warn',
      message: `${oneLine(query)} takes ${meanMs.toFixed(1)} ms on average over ${calls} calls (${Number(r.total_ms).toFixed(0)} ms in all, ${Number(r.rows)} rows). `
        + (suggestion
          ? `QueryLens's rules suggest an index on ${suggestion.table}(${suggestion.columns.join(', ')}) for it.`
          : 'Explain it with Explain Analyze (the CodeLens over the query) to see where the time goes.'),
      ...(suggestion ? { fix: createIndexSql(suggestion, 'postgres', { concurrently: true }), table: suggestion.table } : {}),
      ...(found.length > 0 ? { code: found } : {}),
    };
  });
  return { availability: { available: true, rule: slowRule(options) }, items };
}

function oneLine(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
