/**
 * `querylens bench FILE:LINE`: the dashboard's benchmark from a terminal or a
 * CI job, on the same drivers (and embedded shadow database) as `explain`.
 * The run is saved in `.querylens/benchmarks/`; a failed target makes the
 * exit code 1, so CI can hold a query to "p95 under 50 ms".
 */
import * as path from 'node:path';
import type { BenchmarkComparison, BenchmarkRun } from '../../../shared/dashboard';
import { compareRuns, failedTargets, findRun, listRuns } from '../db/bench';
import { DatabaseService } from '../db/service';
import { UsageError, type BenchArgs, type DbOptions, type QueryTarget } from './args';
import { parseValue, queryAt, resolveConnection } from './database';
import { formatBench } from './format/bench';

export interface BenchCommand {
  target: QueryTarget;
  db: DbOptions;
  bench: BenchArgs;
  format: 'text' | 'json';
  cwd: string;
  env: NodeJS.ProcessEnv;
  warn(message: string): void;
}

export interface BenchOutcome {
  output: string;
  run: BenchmarkRun;
  /** A target failed: exit code 1. */
  failed: boolean;
}

export async function runBenchCommand(command: BenchCommand): Promise<BenchOutcome> {
  const { root, workspace, file, where, query } = await queryAt(command.target, command.cwd, command.warn, 'benchmark');
  const earlier = listRuns(root, (f, why) => command.warn(`skipped ${path.relative(command.cwd, f)}: ${why}`));
  const service = new DatabaseService({ log: command.warn, env: command.env });
  try {
    const run = await service.benchmarkRun(
      {
        workspace,
        root,
        query,
        file,
        connection: resolveConnection(command.db),
        params: command.db.params.map(parseValue),
        ...(command.db.timeoutMs ? { timeoutMs: command.db.timeoutMs } : {}),
        ...(command.bench.iterations ? { iterations: command.bench.iterations } : {}),
        ...(command.bench.warmup !== undefined ? { warmup: command.bench.warmup } : {}),
        ...(command.bench.concurrency ? { concurrency: command.bench.concurrency } : {}),
        ...(command.bench.name ? { name: command.bench.name } : {}),
        measureOverhead: command.bench.overhead,
        save: !command.bench.noSave,
      },
      { file, line: command.target.line },
    );
    let comparison: { base: BenchmarkRun; result: BenchmarkComparison } | undefined;
    if (command.bench.compare) {
      const base = findRun(earlier, command.bench.compare, run);
      if (!base) throw new UsageError(command.bench.compare === 'latest' ? `no earlier run of ${where} in .querylens/benchmarks/ to compare with` : `no saved run '${command.bench.compare}' in .querylens/benchmarks/`);
      comparison = { base, result: compareRuns(base, run) };
    }
    const savedAs = command.bench.noSave ? undefined : path.relative(command.cwd, path.join(root, '.querylens', 'benchmarks', `${run.id}.json`));
    const output =
      command.format === 'json' ? `${JSON.stringify(comparison ? { run, comparison: comparison.result } : run, null, 2)}\n` : formatBench(run, where, comparison, savedAs);
    return { output, run, failed: failedTargets(run).length > 0 };
  } finally {
    await service.close();
  }
}
