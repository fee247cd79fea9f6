/**
 * Judging runs: against the targets of `.querylens.json`, and against each
 * other (before/after an index, main vs branch).
 */
import type { BenchmarkRun, BenchmarkTarget, LatencyStats } from '../../../../shared/dashboard';
import { BENCHMARK_METRICS, type BenchmarkConfig } from '../../core/config/benchmarks';

/**
 * Each configured target with its verdict. A run without one successful
 * iteration has no latency to speak of: its latency and ops/s targets fail
 * rather than pass on zeros.
 */
export function evaluateTargets(stats: LatencyStats, targets: BenchmarkConfig['targets'], iterations?: number): BenchmarkTarget[] {
  const out: BenchmarkTarget[] = [];
  const measured = iterations === undefined || stats.errors < iterations;
  for (const metric of BENCHMARK_METRICS) {
    const bound = targets?.[metric];
    if (!bound) continue;
    const value = stats[metric];
    const within = (bound.max === undefined || value <= bound.max) && (bound.min === undefined || value >= bound.min);
    out.push({ metric, ...(bound.max !== undefined ? { max: bound.max } : {}), ...(bound.min !== undefined ? { min: bound.min } : {}), pass: within && (metric === 'errors' || measured) });
  }
  return out;
}

export { compareRuns } from '../../../../shared/judge';

/** Whether the head is worse than the base on this statistic (ops/s: fewer; the rest: more). */
export function isRegression(metric: keyof LatencyStats, ratio: number, tolerance = 0.1): boolean {
  if (!Number.isFinite(ratio)) return metric !== 'opsPerSec';
  return metric === 'opsPerSec' ? ratio < 1 - tolerance : ratio > 1 + tolerance;
}

export function failedTargets(run: Pick<BenchmarkRun, 'targets'>): BenchmarkTarget[] {
  return run.targets.filter((t) => !t.pass);
}
