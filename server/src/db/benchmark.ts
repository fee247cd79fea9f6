/**
 * The CodeLens's quick benchmark (issue 4; the full benchmark view is the
 * dashboard's): the statement run `warmup` times untimed, then `iterations`
 * times timed, on one session. Like Explain, it only ever runs inside a
 * transaction that is rolled back: a read-only one for queries, a fresh
 * read-write one per iteration for writes, so every iteration sees the same
 * data and nothing is kept.
 */
import type { ParamValue } from '../../../shared/explain';
import type { BenchmarkSummary } from '../../../shared/protocol';
import { latencyStats } from './bench/stats';
import { dbError } from './drivers/errors';
import { classifyStatement } from './explain';
import { rollback, withJob } from './explain/run';
import { beginSqlite, endSqlite } from './explain/sqlite';
import type { Driver } from './types';

export interface BenchmarkOptions {
  sql: string;
  params: ParamValue[];
  iterations: number;
  warmup: number;
  timeoutMs: number;
  readOnlyConnection: boolean;
  signal?: AbortSignal;
}

export async function runBenchmark(driver: Driver, options: BenchmarkOptions): Promise<BenchmarkSummary> {
  const statement = await classifyStatement(options.sql, driver.dialect, driver.name);
  if (statement.writes && options.readOnlyConnection) {
    throw dbError('refused', driver.name, `the benchmark runs the ${statement.kind.toUpperCase()}, and the connection is read-only`, {
      advice: 'Benchmark it on a connection that is not marked "readOnly" (every run is rolled back).',
    });
  }
  const begin = driver.dialect === 'postgres' ? (statement.writes ? 'BEGIN' : 'BEGIN READ ONLY') : 'BEGIN';
  return withJob(driver, options, async (job) => {
    const once = async () => {
      if (statement.writes) await job.q(begin);
      const started = performance.now();
      try {
        await job.q(statement.sql, options.params);
        return performance.now() - started;
      } finally {
        if (statement.writes) await rollback(job);
      }
    };
    if (!statement.writes) await (driver.dialect === 'sqlite' ? beginSqlite(job, false) : job.q(begin));
    try {
      for (let i = 0; i < options.warmup; i++) await once();
      const times: number[] = [];
      let errors = 0;
      const started = performance.now();
      for (let i = 0; i < options.iterations; i++) {
        try {
          times.push(await once());
        } catch (error) {
          // A cancel or timeout ends the run; a statement error is counted (and stops a read-only run, whose transaction is now aborted).
          if (options.signal?.aborted || driver.dialect === 'postgres' || (error as { kind?: string }).kind === 'timeout') throw error;
          errors++;
        }
      }
      return summarize(driver.name, statement.sql, times, errors, performance.now() - started, statement.writes);
    } finally {
      if (!statement.writes) await (driver.dialect === 'sqlite' ? endSqlite(job, false) : rollback(job));
    }
  });
}

/** Kept for callers of the quick benchmark's module; the statistics live in ./bench/stats.ts. */
export { percentile } from './bench/stats';

function summarize(connection: string, sql: string, times: number[], errors: number, wallMs: number, writes: boolean): BenchmarkSummary {
  return { connection, sql, iterations: times.length + errors, ...latencyStats(times, errors, wallMs), rolledBack: writes };
}
