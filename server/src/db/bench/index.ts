/**
 * Benchmarks (issue 5): the engine, the saved runs, targets and comparisons.
 * DatabaseService.benchmarkRun, the CLI's `bench` and the review report use
 * this module; the CodeLens's quick benchmark is the same engine on one
 * session (DatabaseService.benchmark).
 */
import * as path from 'node:path';
import type { BenchmarkRun } from '../../../../shared/dashboard';
import type { BenchmarkConfig } from '../../core/config/benchmarks';
import { evaluateTargets } from './compare';
import type { EngineRun } from './engine';
import { gitInfo, saveRun } from './store';

export { runBenchmark, engineOverhead, type BenchmarkRunOptions, type EngineRun, type Overhead } from './engine';
export { compareRuns, evaluateTargets, failedTargets, isRegression } from './compare';
export { benchmarksDir, findRun, gitInfo, listRuns, runId, sameQuery, saveRun, stableStringify, BENCHMARKS_DIR } from './store';
export { histogram, latencyStats, percentile, STAT_LABELS, timeline } from './stats';

/** Run defaults when neither the request nor `.querylens.json` sets them. */
export const BENCH_DEFAULTS = { iterations: 100, warmup: 10, concurrency: 1 } as const;

export interface RecordOptions {
  /** Defaults to the source's `file:line`, else `query`. */
  name?: string;
  /** Absolute path of the file holding the query, and its 1-based line: stored relative to the root. */
  source?: { file: string; line: number };
  /** `.querylens.json`'s benchmarks section (targets). */
  config?: BenchmarkConfig;
  /** Write `.querylens/benchmarks/<id>.json` (default true). */
  save?: boolean;
}

/** Names the engine's run, places it in the source, judges its targets, adds git's commit, and saves it. */
export function recordRun(root: string, run: EngineRun, options: RecordOptions = {}): BenchmarkRun {
  const source = options.source ? { file: relativeTo(root, options.source.file), line: options.source.line } : undefined;
  const name = options.name ?? (source ? `${path.posix.basename(source.file)}:${source.line}` : 'query');
  const git = gitInfo(root);
  const full: Omit<BenchmarkRun, 'id'> = {
    ...run,
    name,
    ...(source ? { source } : {}),
    targets: evaluateTargets(run.stats, options.config?.targets, run.iterations),
    ...(git ? { git } : {}),
  };
  if (options.save === false) return { id: '', ...full };
  return saveRun(root, full);
}

/** Forward slashes, relative to the root (never an absolute path in a file meant for the repository). */
function relativeTo(root: string, file: string): string {
  const rel = path.relative(root, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(file) : rel).split(path.sep).join('/');
}
