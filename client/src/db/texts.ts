/**
 * What the database commands say: titles, the production confirmation, the
 * benchmark summary and failure messages (each naming the connection). Pure.
 */
import type { ConnectionSetting } from '../../../shared/connections';
import { NOT_UNDONE } from '../../../shared/effects';
import type { BenchmarkSummary, QueryInfo } from '../../../shared/protocol';
import { formatMs } from '../plan/format';
import type { QueryAction } from './params';
import { SET_PASSWORD_TITLE } from './settings';

export const ACTION_LABEL: Record<QueryAction, string> = {
  explain: 'EXPLAIN',
  explainAnalyze: 'EXPLAIN ANALYZE',
  benchmark: 'Benchmark',
  benchmarkRun: 'Full benchmark',
  proveIndex: 'Index proof',
};

const WRITES = new Set(['insert', 'update', 'delete', 'merge']);

/** Whether a statement kind (QueryInfo.statementKind) writes rows. */
export function isWrite(statementKind: string): boolean {
  return WRITES.has(statementKind);
}

/**
 * Why a read-only connection refuses this, before anything is asked or sent
 * (the server refuses too); undefined when it may run.
 */
export function readOnlyRefusal(connection: ConnectionSetting, action: QueryAction, statementKind: string): string | undefined {
  if (!connection.readOnly) return undefined;
  if (action === 'proveIndex') {
    return `"${connection.name}" is read-only: an index proof builds an index there. Select another connection (the embedded shadow database proves indexes safely).`;
  }
  if ((action === 'explainAnalyze' || action === 'benchmark' || action === 'benchmarkRun') && isWrite(statementKind)) {
    return `"${connection.name}" is read-only: ${ACTION_LABEL[action]} would execute this ${statementKind.toUpperCase()}. Use Explain (it does not run the statement) or another connection.`;
  }
  return undefined;
}

/** First line of the SQL, shortened, for messages. */
export function sqlExcerpt(sql: string, max = 120): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** The modal question asked before anything runs on a `production` connection: what runs, and what it does there. */
export function productionConfirmation(action: QueryAction, connection: ConnectionSetting, query: QueryInfo, indexDdl?: string): string {
  const write = isWrite(query.statementKind);
  const what: Record<QueryAction, string> = {
    explain: 'EXPLAIN (plans the query, does not run it)',
    explainAnalyze: write
      ? `EXPLAIN ANALYZE — this ${query.statementKind.toUpperCase()} really executes, inside a transaction that is rolled back; ${NOT_UNDONE.write}`
      : 'EXPLAIN ANALYZE — the query really executes (read-only transaction)',
    benchmark: write
      ? `a benchmark — this ${query.statementKind.toUpperCase()} executes many times, each in a rolled-back transaction; ${NOT_UNDONE.write}`
      : 'a benchmark — the query executes many times',
    benchmarkRun: write
      ? `a full benchmark — this ${query.statementKind.toUpperCase()} executes many times, concurrently, each in a rolled-back transaction; ${NOT_UNDONE.write}`
      : 'a full benchmark — the query executes many times, concurrently, over several connections',
    proveIndex:
      `an index proof — ${indexDdl ? sqlExcerpt(indexDdl, 200) : 'the suggested CREATE INDEX'} is built inside a transaction that is rolled back; ` +
      `${NOT_UNDONE.proof} (with HypoPG installed, a hypothetical index is used instead: nothing is built, locked or analysed)`,
  };
  return `"${connection.name}" is a production connection. Run ${what[action]}?\n\n${sqlExcerpt(query.sql, 400)}`;
}

/** Title of the progress notification. */
export function progressTitle(action: QueryAction, connectionName: string): string {
  return `QueryLens: ${ACTION_LABEL[action]} on "${connectionName}"`;
}

/** A failure as the user reads it: always naming the connection, with a hint where one helps. */
export function failureMessage(action: QueryAction | 'test', connectionName: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  const what = action === 'test' ? 'Connection test' : ACTION_LABEL[action];
  const message = raw.includes(`"${connectionName}"`) ? raw : `${what} on "${connectionName}" failed: ${raw}`;
  const hint = /password|authentication/i.test(raw) ? ` Set the password with "${SET_PASSWORD_TITLE}".` : '';
  return `QueryLens: ${message}${hint}`;
}

/** `p50 1.2 ms · p95 3.4 ms · p99 5 ms · mean 1.5 ms · 812 ops/s`. */
export function benchmarkLine(summary: BenchmarkSummary): string {
  const ops = summary.opsPerSec >= 100 ? Math.round(summary.opsPerSec).toLocaleString('en-US') : summary.opsPerSec.toFixed(1);
  return (
    `p50 ${formatMs(summary.p50Ms)} · p95 ${formatMs(summary.p95Ms)} · p99 ${formatMs(summary.p99Ms)} · ` +
    `mean ${formatMs(summary.meanMs)} · ${ops} ops/s`
  );
}

/** The benchmark as an information message and as the output channel's lines. */
export function benchmarkReport(summary: BenchmarkSummary): { message: string; lines: string[] } {
  const runs = `${summary.iterations} runs${summary.errors ? `, ${summary.errors} errors` : ''}${summary.rolledBack ? ', rolled back' : ''}`;
  return {
    message: `QueryLens: benchmark on "${summary.connection}": ${benchmarkLine(summary)} (${runs}).`,
    lines: [
      `Benchmark on "${summary.connection}" (${runs}): ${sqlExcerpt(summary.sql, 200)}`,
      `  ${benchmarkLine(summary)}`,
      `  min ${formatMs(summary.minMs)} · max ${formatMs(summary.maxMs)}`,
    ],
  };
}
